#include "exif_tiff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


// IFD0 text that EXIF shares with TIFF and that describes the photograph, not the pixel layout.
static const ExifTag IFD0_TEXT[] = {EXIF_TAG_IMAGE_DESCRIPTION, EXIF_TAG_MAKE, EXIF_TAG_MODEL, EXIF_TAG_SOFTWARE,
                                    EXIF_TAG_DATE_TIME, EXIF_TAG_ARTIST, EXIF_TAG_COPYRIGHT};

// An ASCII entry as a NUL-terminated copy (EXIF counts the NUL, but a writer may have left it out).
static char *entry_text(const ExifEntry *e) {
    char *text = malloc(e->size + 1);
    if (!text) return NULL;
    memcpy(text, e->data, e->size);
    text[e->size] = 0;
    return text;
}

static double entry_number(const ExifEntry *e, unsigned i, ExifByteOrder order) {
    const unsigned char *at = e->data + (size_t)i * exif_format_get_size(e->format);
    switch (e->format) {
    case EXIF_FORMAT_BYTE: case EXIF_FORMAT_UNDEFINED: return at[0];
    case EXIF_FORMAT_SBYTE: return (signed char)at[0];
    case EXIF_FORMAT_SHORT: return exif_get_short(at, order);
    case EXIF_FORMAT_SSHORT: return exif_get_sshort(at, order);
    case EXIF_FORMAT_LONG: return exif_get_long(at, order);
    case EXIF_FORMAT_SLONG: return exif_get_slong(at, order);
    case EXIF_FORMAT_RATIONAL: {
        ExifRational r = exif_get_rational(at, order);
        return r.denominator ? (double)r.numerator / r.denominator : 0;
    }
    case EXIF_FORMAT_SRATIONAL: {
        ExifSRational r = exif_get_srational(at, order);
        return r.denominator ? (double)r.numerator / r.denominator : 0;
    }
    default: return 0;
    }
}

// Sets one EXIF entry in the current directory, converted to the type libtiff stores for that tag.
// Tags libtiff does not define, sub-directory pointers and entries of a surprising shape are skipped:
// losing one odd tag is better than a TIFF other readers reject.
static void set_entry(TIFF *tif, const ExifEntry *e, ExifByteOrder order) {
    const TIFFField *field = TIFFFindField(tif, e->tag, TIFF_ANY);
    unsigned count = e->components;
    if (!field || count == 0 || count > 65535 || e->size < count * exif_format_get_size(e->format)) return;
    TIFFDataType type = TIFFFieldDataType(field);
    if (type == TIFF_IFD || type == TIFF_IFD8) return;
    int pass = TIFFFieldPassCount(field), fixed = TIFFFieldReadCount(field);
    if (type == TIFF_ASCII) {
        if (e->format != EXIF_FORMAT_ASCII) return;
        char *text = entry_text(e);
        if (text) TIFFSetField(tif, e->tag, text);
        free(text);
        return;
    }
    if (!pass && fixed > 0 && (unsigned)fixed != count) return;
    int size = TIFFFieldSetGetSize(field);
    int real = type == TIFF_RATIONAL || type == TIFF_SRATIONAL || type == TIFF_FLOAT || type == TIFF_DOUBLE;
    void *values = malloc((size_t)count * (size > 0 ? size : 1));
    if (!values || size <= 0) {
        free(values);
        return;
    }
    for (unsigned i = 0; i < count; i++) {
        double v = entry_number(e, i, order);
        if (real && size == 8) ((double *)values)[i] = v;
        else if (real) ((float *)values)[i] = (float)v;
        else if (size == 1) ((uint8_t *)values)[i] = (uint8_t)v;
        else if (size == 2) ((uint16_t *)values)[i] = (uint16_t)v;
        else if (size == 4) ((uint32_t *)values)[i] = (uint32_t)v;
        else ((uint64_t *)values)[i] = (uint64_t)v;
    }
    if (pass) TIFFSetField(tif, e->tag, count, values);
    else if (count > 1) TIFFSetField(tif, e->tag, values);
    else if (real) TIFFSetField(tif, e->tag, entry_number(e, 0, order));  // scalars travel as double
    else if (size == 8) TIFFSetField(tif, e->tag, ((uint64_t *)values)[0]);
    else TIFFSetField(tif, e->tag, (uint32_t)entry_number(e, 0, order));
    free(values);
}

ExifData *exif_tiff_parse(const cc_metadata *metadata) {
    if (!metadata || !metadata->exif || metadata->exif_size == 0 || metadata->exif_size > (64u << 20)) return NULL;
    static const unsigned char prefix[6] = {'E', 'x', 'i', 'f', 0, 0};  // libexif parses the JPEG form
    unsigned char *block = malloc(metadata->exif_size + sizeof prefix);
    if (!block) return NULL;
    memcpy(block, prefix, sizeof prefix);
    memcpy(block + sizeof prefix, metadata->exif, metadata->exif_size);
    ExifData *data = exif_data_new_from_data(block, (unsigned int)(metadata->exif_size + sizeof prefix));
    free(block);
    return data;
}

// Writes one EXIF or GPS sub-directory; its offset, or 0 when the block has no such entries.
static uint64_t write_sub_directory(TIFF *tif, ExifContent *content, int gps, ExifByteOrder order) {
    if (!content || content->count == 0) return 0;
    if ((gps ? TIFFCreateGPSDirectory(tif) : TIFFCreateEXIFDirectory(tif)) != 0) return 0;
    for (unsigned i = 0; i < content->count; i++) set_entry(tif, content->entries[i], order);
    uint64_t offset = 0;
    return TIFFWriteCustomDirectory(tif, &offset) ? offset : 0;
}

int exif_tiff_write_sub_directories(TIFF *tif, ExifData *exif) {
    ExifByteOrder order = exif_data_get_byte_order(exif);
    uint64_t exif_offset = write_sub_directory(tif, exif->ifd[EXIF_IFD_EXIF], 0, order);
    uint64_t gps_offset = write_sub_directory(tif, exif->ifd[EXIF_IFD_GPS], 1, order);
    if (!exif_offset && !gps_offset) return 1;
    if (!TIFFSetDirectory(tif, 0)) return 0;
    if (exif_offset) TIFFSetField(tif, TIFFTAG_EXIFIFD, exif_offset);
    if (gps_offset) TIFFSetField(tif, TIFFTAG_GPSIFD, gps_offset);
    return TIFFRewriteDirectory(tif);
}

void exif_tiff_set_image_text(TIFF *tif, ExifData *exif) {
    for (size_t i = 0; i < sizeof IFD0_TEXT / sizeof *IFD0_TEXT; i++) {
        ExifEntry *entry = exif_content_get_entry(exif->ifd[EXIF_IFD_0], IFD0_TEXT[i]);
        char *text = entry && entry->format == EXIF_FORMAT_ASCII ? entry_text(entry) : NULL;
        if (text) TIFFSetField(tif, IFD0_TEXT[i], text);
        free(text);
    }
}

// ---- Reading: libtiff's tags back into a libexif block ----

static ExifFormat exif_format_for(TIFFDataType type) {
    switch (type) {
    case TIFF_ASCII: return EXIF_FORMAT_ASCII;
    case TIFF_BYTE: return EXIF_FORMAT_BYTE;
    case TIFF_SBYTE: return EXIF_FORMAT_SBYTE;
    case TIFF_UNDEFINED: return EXIF_FORMAT_UNDEFINED;
    case TIFF_SHORT: return EXIF_FORMAT_SHORT;
    case TIFF_SSHORT: return EXIF_FORMAT_SSHORT;
    case TIFF_LONG: return EXIF_FORMAT_LONG;
    case TIFF_SLONG: return EXIF_FORMAT_SLONG;
    case TIFF_RATIONAL: return EXIF_FORMAT_RATIONAL;
    case TIFF_SRATIONAL: return EXIF_FORMAT_SRATIONAL;
    default: return 0;  // floats, doubles, 64-bit and IFD types have no place in EXIF
    }
}

// libtiff hands rationals back as float or double: exposure times as 1/n where that is exact enough,
// everything else over 10000.
static void to_rational(double v, int64_t *numerator, uint32_t *denominator) {
    double magnitude = fabs(v);
    if (magnitude > 0 && magnitude < 1 && fabs(1 / magnitude - round(1 / magnitude)) < 1e-3 / magnitude) {
        *numerator = v < 0 ? -1 : 1;
        *denominator = (uint32_t)round(1 / magnitude);
    } else {
        *numerator = (int64_t)llround(v * 10000);
        *denominator = 10000;
    }
}

// One tag of the current libtiff directory as an entry of content; tags of an unusual shape are skipped.
static void add_entry(TIFF *tif, ttag_t tag, ExifData *data, ExifContent *content) {
    const TIFFField *field = TIFFFieldWithTag(tif, tag);
    if (!field) return;
    TIFFDataType type = TIFFFieldDataType(field);
    ExifFormat format = exif_format_for(type);
    if (!format) return;
    int size = TIFFFieldSetGetSize(field), pass = TIFFFieldPassCount(field), fixed = TIFFFieldReadCount(field);
    int real = type == TIFF_RATIONAL || type == TIFF_SRATIONAL;
    uint32_t count = 1;
    const void *values = NULL;
    double scalar_real = 0;
    uint64_t scalar = 0;
    char *text = NULL;
    if (type == TIFF_ASCII) {
        if (!TIFFGetField(tif, tag, &text) || !text) return;
        count = (uint32_t)strnlen(text, 65535) + 1;
        values = text;
        size = 1;
    } else if (pass) {
        uint16_t short_count = 0;
        int ok = fixed == TIFF_VARIABLE2 ? TIFFGetField(tif, tag, &count, &values) : TIFFGetField(tif, tag, &short_count, &values);
        if (!ok || !values) return;
        if (fixed != TIFF_VARIABLE2) count = short_count;
    } else if (fixed > 1) {
        if (!TIFFGetField(tif, tag, &values) || !values) return;
        count = (uint32_t)fixed;
    } else {
        int ok;
        if (real && size == 8) ok = TIFFGetField(tif, tag, &scalar_real);
        else if (real) {
            float single = 0;
            ok = TIFFGetField(tif, tag, &single);
            scalar_real = single;
        } else if (size == 1) {
            uint8_t byte = 0;
            ok = TIFFGetField(tif, tag, &byte);
            scalar = byte;
        } else if (size == 2) {
            uint16_t half = 0;
            ok = TIFFGetField(tif, tag, &half);
            scalar = half;
        } else {
            uint32_t word = 0;
            ok = TIFFGetField(tif, tag, &word);
            scalar = word;
        }
        if (!ok) return;
    }
    if (count == 0 || count > 65535 || size <= 0) return;
    ExifEntry *entry = exif_entry_new();
    if (!entry) return;
    unsigned item = exif_format_get_size(format);
    entry->data = calloc(count, item);
    if (!entry->data) {
        exif_entry_unref(entry);
        return;
    }
    entry->tag = (ExifTag)tag;
    entry->format = format;
    entry->components = count;
    entry->size = count * item;
    ExifByteOrder order = exif_data_get_byte_order(data);
    for (uint32_t i = 0; i < count; i++) {
        unsigned char *at = entry->data + (size_t)i * item;
        double v;
        if (type == TIFF_ASCII) v = 0;
        else if (!values) v = real ? scalar_real : (double)scalar;
        else if (real) v = size == 8 ? ((const double *)values)[i] : ((const float *)values)[i];
        else v = size == 1 ? ((const uint8_t *)values)[i] : size == 2 ? ((const uint16_t *)values)[i] : ((const uint32_t *)values)[i];
        switch (format) {
        case EXIF_FORMAT_ASCII: at[0] = i + 1 < count ? (unsigned char)text[i] : 0; break;
        case EXIF_FORMAT_BYTE: case EXIF_FORMAT_SBYTE: case EXIF_FORMAT_UNDEFINED: at[0] = (unsigned char)(int)v; break;
        case EXIF_FORMAT_SHORT: exif_set_short(at, order, (ExifShort)v); break;
        case EXIF_FORMAT_SSHORT: exif_set_sshort(at, order, (ExifSShort)v); break;
        case EXIF_FORMAT_LONG: exif_set_long(at, order, (ExifLong)v); break;
        case EXIF_FORMAT_SLONG: exif_set_slong(at, order, (ExifSLong)v); break;
        case EXIF_FORMAT_RATIONAL: case EXIF_FORMAT_SRATIONAL: {
            int64_t numerator;
            uint32_t denominator;
            to_rational(v, &numerator, &denominator);
            if (format == EXIF_FORMAT_RATIONAL) exif_set_rational(at, order, (ExifRational){(ExifLong)(numerator < 0 ? 0 : numerator), denominator});
            else exif_set_srational(at, order, (ExifSRational){(ExifSLong)numerator, (ExifSLong)denominator});
            break;
        }
        default: break;
        }
    }
    exif_content_add_entry(content, entry);
    exif_entry_unref(entry);
}

static void add_directory(TIFF *tif, ExifData *data, ExifContent *content) {
    int tags = TIFFGetTagListCount(tif);
    for (int i = 0; i < tags && i < 1000; i++) add_entry(tif, TIFFGetTagListEntry(tif, i), data, content);
}

unsigned char *exif_tiff_read(TIFF *tif, size_t *size) {
    ExifData *data = exif_data_new();
    if (!data) return NULL;
    exif_data_set_byte_order(data, EXIF_BYTE_ORDER_INTEL);
    exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);  // only what the file has
    for (size_t i = 0; i < sizeof IFD0_TEXT / sizeof *IFD0_TEXT; i++) {
        char *text = NULL;
        if (TIFFGetField(tif, IFD0_TEXT[i], &text) && text) add_entry(tif, IFD0_TEXT[i], data, data->ifd[EXIF_IFD_0]);
    }
    uint64_t exif_offset = 0, gps_offset = 0;
    TIFFGetField(tif, TIFFTAG_EXIFIFD, &exif_offset);
    TIFFGetField(tif, TIFFTAG_GPSIFD, &gps_offset);
    if (exif_offset && TIFFReadEXIFDirectory(tif, exif_offset)) add_directory(tif, data, data->ifd[EXIF_IFD_EXIF]);
    if (gps_offset && TIFFReadGPSDirectory(tif, gps_offset)) add_directory(tif, data, data->ifd[EXIF_IFD_GPS]);
    unsigned char *block = NULL, *result = NULL;
    unsigned int length = 0;
    int entries = 0;
    for (int i = 0; i < EXIF_IFD_COUNT; i++) entries += data->ifd[i]->count;
    if (entries > 0) exif_data_save_data(data, &block, &length);
    exif_data_unref(data);
    static const size_t prefix = 6;  // "Exif\0\0"
    if (block && length > prefix && (result = malloc(length - prefix))) {
        memcpy(result, block + prefix, length - prefix);
        *size = length - prefix;
    }
    free(block);
    return result;
}
