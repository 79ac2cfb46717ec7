#include "ccodecs_write.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include "exif_tiff.h"

// libtiff reports through handlers; the message of a failing call is kept per thread for the caller.
static _Thread_local char tiff_message[256];

static void on_tiff_error(const char *module, const char *format, va_list args) {
    (void)module;
    vsnprintf(tiff_message, sizeof tiff_message, format, args);
}

int cc_tiff_write(const char *path, const cc_image *image, const cc_metadata *metadata, char *err, size_t errlen) {
    if (image->channels < 1 || image->channels > 4 || (image->bit_depth != 8 && image->bit_depth != 16)) {
        snprintf(err, errlen, "cannot write %d channels at %d bits", image->channels, image->bit_depth);
        return 1;
    }
    TIFFSetErrorHandler(on_tiff_error);
    TIFFSetWarningHandler(NULL);
    tiff_message[0] = 0;
    TIFF *tif = TIFFOpen(path, "w");
    if (!tif) {
        snprintf(err, errlen, "cannot create: %s", tiff_message[0] ? tiff_message : "TIFFOpen failed");
        return 1;
    }
    int colour = image->channels >= 3;
    int alpha = image->channels == 2 || image->channels == 4;
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)image->width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)image->height);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)image->channels);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)image->bit_depth);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, colour ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    if (alpha) {
        uint16_t extra[1] = {EXTRASAMPLE_UNASSALPHA};
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, extra);
    }
    if (metadata && metadata->icc) TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)metadata->icc_size, metadata->icc);
    ExifData *exif = exif_tiff_parse(metadata);
    if (exif) exif_tiff_set_image_text(tif, exif);
    size_t per_row = (size_t)image->width * image->channels;
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
    int bytes = image->bit_depth / 8;
    unsigned char *row = malloc(per_row * bytes);
    int failed = row == NULL;
    for (int y = 0; y < image->height && !failed; y++) {
        const uint16_t *src = image->samples + (size_t)y * per_row;
        if (bytes == 1) for (size_t i = 0; i < per_row; i++) row[i] = (unsigned char)src[i];
        else memcpy(row, src, per_row * 2);  // libtiff writes the host's byte order and marks it
        failed = TIFFWriteScanline(tif, row, (uint32_t)y, 0) < 0;
    }
    free(row);
    if (!failed && exif) failed = !TIFFWriteDirectory(tif) || !exif_tiff_write_sub_directories(tif, exif);
    if (exif) exif_data_unref(exif);
    TIFFClose(tif);
    if (failed) {
        snprintf(err, errlen, "cannot write TIFF: %s", tiff_message[0] ? tiff_message : "out of memory");
        return 1;
    }
    return 0;
}
