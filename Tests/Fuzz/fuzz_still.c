// libFuzzer harness: the still-image decoder for JPEG, TIFF, BMP and the rest (FFmpeg through
// Sources/CCodecs/ff_still.c), as ImageFile.read uses it.
#include <stdint.h>
#include <stdlib.h>
#include "ccodecs.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64], err[512];
    int fd = fuzz_input_path(data, size, path, sizeof path);
    if (fd < 0) return 0;
    ccodecs_still *still = NULL;
    ccodecs_still_info info;
    if (ccodecs_still_open(path, 1L << 22, &still, &info, err, sizeof err) == 0) {
        uint16_t *samples = malloc((size_t)info.width * info.height * info.channels * sizeof(uint16_t));
        if (samples) ccodecs_still_read(still, samples, err, sizeof err);
        free(samples);
        ccodecs_still_close(still);
    }
    close(fd);
    return 0;
}
