#include "ccodecs_exif.h"

#include <libexif/exif-data.h>

int cc_exif_orientation(const char *path) {
    ExifData *data = exif_data_new_from_file(path);
    if (!data) return 0;
    int orientation = 0;
    ExifEntry *entry = exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (entry && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1) {
        int value = exif_get_short(entry->data, exif_data_get_byte_order(data));
        if (value >= 1 && value <= 8) orientation = value;
    }
    exif_data_unref(data);
    return orientation;
}
