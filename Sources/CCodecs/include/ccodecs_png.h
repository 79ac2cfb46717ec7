// PNG through libpng's classic API (setjmp error handling lives here, where C can do it).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "ccodecs_metadata.h"

#ifdef __cplusplus
extern "C" {
#endif

/// An image as integer samples: interleaved (height, width, channels), each in 0..2^bit_depth-1.
/// channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. bit_depth: 8 or 16.
typedef struct {
    int width, height, channels, bit_depth;
    uint16_t *samples;  // owned by the caller
} cc_image;

/// An open PNG whose header has been read and checked.
typedef struct cc_png_reader cc_png_reader;

/// Opens a PNG and reads its header: palette expanded (to RGB, or RGBA when it has transparency),
/// gray below 8 bits expanded to 8, tRNS turned into alpha, 16-bit kept. Images over max_pixels and
/// invalid bit depths are refused from the IHDR bytes, before libpng allocates anything. Fills the
/// size and layout of *header (samples NULL). Returns NULL with one line in err on failure.
cc_png_reader *cc_png_open(const char *path, long max_pixels, cc_image *header, char *err, size_t errlen);

/// Decodes every pixel into samples (width * height * channels values). 0 on success.
int cc_png_read_pixels(cc_png_reader *reader, uint16_t *samples, char *err, size_t errlen);

void cc_png_close(cc_png_reader *reader);

/// Writes `image` as a PNG at path (the caller renames it into place), with the ICC profile (iCCP) and
/// EXIF block (eXIf) of `metadata` where given (NULL: none). 0 on success.
int cc_png_write(const char *path, const cc_image *image, const cc_metadata *metadata, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
