// JPEG (libjpeg-turbo) and TIFF (libtiff) writers of the codec layer.
#pragma once
#include "ccodecs_png.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Writes `image` (gray or RGB, 8- or 16-bit samples; 16-bit is rounded to 8) as a baseline JPEG at
/// `quality` (1-100) without chroma subsampling (4:4:4), with the EXIF block (APP1) and ICC profile
/// (APP2) of `metadata` where given. An alpha plane cannot be stored and is refused. 0 on success.
int cc_jpeg_write(const char *path, const cc_image *image, int quality, const cc_metadata *metadata, char *err,
                  size_t errlen);

/// Writes `image` (1-4 channels, 8 or 16 bits) as a deflate-compressed TIFF with the ICC profile and
/// EXIF of `metadata` where given (camera text in the image directory, the EXIF and GPS entries in
/// their own directories, each converted to libtiff's type for its tag); alpha is stored as
/// unassociated alpha.
/// 0 on success, else one line in err.
int cc_tiff_write(const char *path, const cc_image *image, const cc_metadata *metadata, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
