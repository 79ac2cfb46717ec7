// libFuzzer harness: metadata of any file (libexif, libjpeg-turbo's header and ICC reader, libpng's
// iCCP and eXIf, libtiff's ICC tag) through Sources/CCodecs/metadata.c, as every denoise run reads it.
#include <stdint.h>
#include "ccodecs.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    int fd = fuzz_input_path(data, size, path, sizeof path);
    if (fd < 0) return 0;
    cc_metadata metadata;
    cc_metadata_read(path, &metadata);
    cc_metadata_free(&metadata);
    (void)cc_exif_orientation(path);
    close(fd);
    return 0;
}
