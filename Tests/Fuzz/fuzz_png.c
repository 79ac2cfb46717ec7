// libFuzzer harness: the PNG decoder (libpng through Sources/CCodecs/png.c), as ImageFile.read uses it.
#include <stdint.h>
#include <stdlib.h>
#include "ccodecs.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64], err[512];
    int fd = fuzz_input_path(data, size, path, sizeof path);
    if (fd < 0) return 0;
    cc_image header = {0};
    cc_png_reader *reader = cc_png_open(path, 1L << 22, &header, err, sizeof err);  // 4 MP: the guard under test
    if (reader) {
        uint16_t *samples = malloc((size_t)header.width * header.height * header.channels * sizeof(uint16_t));
        if (samples) cc_png_read_pixels(reader, samples, err, sizeof err);
        free(samples);
        cc_png_close(reader);
    }
    close(fd);
    return 0;
}
