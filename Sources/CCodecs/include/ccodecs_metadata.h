// The metadata a photograph carries around its pixels, read from an input and written to an output.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    unsigned char *exif;  // EXIF block as TIFF structure (no "Exif\0\0" prefix), orientation reset to 1; or NULL
    size_t exif_size;
    unsigned char *icc;   // ICC colour profile; or NULL
    size_t icc_size;
} cc_metadata;

/// Reads what `path` has: EXIF through libexif (JPEG and the other files it parses), the ICC profile
/// through the format's library (libjpeg-turbo, libpng, libtiff). Missing or unreadable metadata is
/// simply absent: reading it never fails. Free with cc_metadata_free.
void cc_metadata_read(const char *path, cc_metadata *out);

void cc_metadata_free(cc_metadata *metadata);

#ifdef __cplusplus
}
#endif
