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

/// 1 for an Adam7-interlaced PNG, which can only be read whole (cc_png_read_pixels).
int cc_png_is_interlaced(const cc_png_reader *reader);

/// Decodes the next `count` rows of a non-interlaced PNG into samples (count * width * channels values),
/// the rows in order across calls; after the last row the rest of the file is read. 0 on success.
int cc_png_read_rows(cc_png_reader *reader, uint16_t *samples, int count, char *err, size_t errlen);

/// A PNG being written row by row: open with the size, layout and metadata (image->samples unused),
/// add rows in order, then finish (the file is complete) or abort (a partial file, for the caller to delete).
typedef struct cc_png_writer cc_png_writer;
cc_png_writer *cc_png_writer_open(const char *path, const cc_image *image, const cc_metadata *metadata, char *err,
                                  size_t errlen);
int cc_png_writer_rows(cc_png_writer *writer, const uint16_t *samples, int count, char *err, size_t errlen);
/// Writes the end of the file and closes it; frees the writer whatever happens. 0 on success.
int cc_png_writer_finish(cc_png_writer *writer, char *err, size_t errlen);
void cc_png_writer_abort(cc_png_writer *writer);

/// Writes `image` as a PNG at path (the caller renames it into place), with the ICC profile (iCCP) and
/// EXIF block (eXIf) of `metadata` where given (NULL: none). 0 on success.
int cc_png_write(const char *path, const cc_image *image, const cc_metadata *metadata, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
