// EXIF <-> TIFF directories (private to CCodecs): a TIFF keeps EXIF as tags of its own image directory
// (camera text) and of EXIF and GPS sub-directories, not as one block. libexif holds the block form
// the other formats use; libtiff reads and writes each tag by its own field definition.
#pragma once
#include <libexif/exif-data.h>
#include <tiffio.h>
#include "ccodecs_metadata.h"

// Parses metadata's EXIF block with libexif; NULL without one (free with exif_data_unref).
ExifData *exif_tiff_parse(const cc_metadata *metadata);
// Sets the camera text of IFD0 (Make, Model, DateTime, ...) in the directory being written.
void exif_tiff_set_image_text(TIFF *tif, ExifData *exif);
// After the image directory is written (TIFFWriteDirectory): writes the EXIF and GPS directories and
// adds their pointers to the image directory. 1 on success.
int exif_tiff_write_sub_directories(TIFF *tif, ExifData *exif);
// The EXIF of an open TIFF's first image as a block (TIFF structure, no "Exif\0\0" prefix), malloc'd;
// NULL when it has none. Leaves the TIFF on a custom directory: the caller only closes it.
unsigned char *exif_tiff_read(TIFF *tif, size_t *size);
