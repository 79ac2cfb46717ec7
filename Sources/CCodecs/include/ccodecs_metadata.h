// The metadata a photograph carries around its pixels, read from an input and written to an output.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One PNG text chunk (tEXt, zTXt or iTXt): a Latin-1 keyword of 1-79 bytes and its text.
typedef struct {
    char keyword[80];
    char *text;           // NUL-terminated
    int utf8;             // 1: iTXt (UTF-8 text); 0: tEXt / zTXt (Latin-1)
} cc_text;

typedef struct {
    unsigned char *exif;  // EXIF block as TIFF structure (no "Exif\0\0" prefix), orientation reset to 1; or NULL
    size_t exif_size;
    unsigned char *icc;   // ICC colour profile; or NULL
    size_t icc_size;
    cc_text *texts;       // PNG text chunks (those before the image data); or NULL
    int text_count;
} cc_metadata;

/// Reads what `path` has: EXIF through libexif (JPEG and the other files it parses), the ICC profile
/// through the format's library (libjpeg-turbo, libpng, libtiff). Missing or unreadable metadata is
/// simply absent: reading it never fails. PNG text chunks come from a PNG's header (at most 32 chunks
/// of 4 MB each, so a crafted file cannot claim much memory). Free with cc_metadata_free.
void cc_metadata_read(const char *path, cc_metadata *out);

void cc_metadata_free(cc_metadata *metadata);

#ifdef __cplusplus
}
#endif
