// PNG through libpng's classic API (setjmp error handling lives here, where C can do it).
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An image as integer samples: interleaved (height, width, channels), each in 0..2^bit_depth-1.
/// channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. bit_depth: 8 or 16.
typedef struct {
    int width, height, channels, bit_depth;
    uint16_t *samples;  // malloc'ed by cc_png_read; free with cc_image_free
} cc_image;

void cc_image_free(cc_image *image);

/// Reads a PNG: palette expanded (to RGB, or RGBA when it has transparency), gray below 8 bits
/// expanded to 8, tRNS turned into alpha, 16-bit kept. Refuses images over max_pixels before
/// allocating. Returns 0 on success, else non-zero with one line in err.
int cc_png_read(const char *path, long max_pixels, cc_image *out, char *err, size_t errlen);

/// Writes `image` as a PNG at path (the caller renames it into place). 0 on success.
int cc_png_write(const char *path, const cc_image *image, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
