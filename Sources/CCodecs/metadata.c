#include "ccodecs_metadata.h"
#include "ccodecs_exif.h"
#include "exif_tiff.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <tiffio.h>

static const unsigned char exif_prefix[6] = {'E', 'x', 'i', 'f', 0, 0};

// libpng's default handlers print to stderr; metadata is optional, so its problems stay silent.
static void png_quiet_error(png_structp png, png_const_charp message) {
    (void)message;
    png_longjmp(png, 1);
}
static void png_quiet_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static int has_png_signature(FILE *file) {
    unsigned char head[8] = {0};
    size_t got = fread(head, 1, sizeof head, file);
    rewind(file);
    return got == sizeof head && png_sig_cmp(head, 0, sizeof head) == 0;
}

// The eXIf chunk of a PNG (TIFF structure), copied into a malloc'd buffer; NULL when there is none.
static unsigned char *png_exif_block(const char *path, size_t *size) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    if (!has_png_signature(file)) {
        fclose(file);
        return NULL;
    }
    unsigned char *copy = NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (png && info && !setjmp(png_jmpbuf(png))) {
        png_set_chunk_malloc_max(png, 8u << 20);
        png_init_io(png, file);
        png_read_info(png, info);
        png_bytep exif = NULL;
        png_uint_32 length = 0;
        if (png_get_eXIf_1(png, info, &length, &exif) && exif && length > 0 && (copy = malloc(length + sizeof exif_prefix))) {
            memcpy(copy, exif_prefix, sizeof exif_prefix);  // libexif parses the JPEG form
            memcpy(copy + sizeof exif_prefix, exif, length);
            *size = length + sizeof exif_prefix;
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(file);
    return copy;
}

// The EXIF of `path`: libexif finds it in JPEG and similar files; a PNG keeps it in its eXIf chunk.
static ExifData *load_exif(const char *path) {
    ExifData *data = exif_data_new_from_file(path);
    if (data) return data;
    size_t size = 0;
    unsigned char *block = png_exif_block(path, &size);
    if (!block) return NULL;
    data = exif_data_new_from_data(block, (unsigned int)size);
    free(block);
    return data;
}

int cc_exif_orientation(const char *path) {
    ExifData *data = load_exif(path);
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

// The EXIF block with its orientation set to 1: the pixels are written upright.
static void read_exif(const char *path, cc_metadata *out) {
    ExifData *data = load_exif(path);
    if (!data) return;
    ExifEntry *orientation = exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (orientation && orientation->format == EXIF_FORMAT_SHORT && orientation->components >= 1)
        exif_set_short(orientation->data, exif_data_get_byte_order(data), 1);
    unsigned char *bytes = NULL;
    unsigned int size = 0;
    exif_data_save_data(data, &bytes, &size);
    exif_data_unref(data);
    if (!bytes) return;
    size_t skip = size >= sizeof exif_prefix && memcmp(bytes, exif_prefix, sizeof exif_prefix) == 0 ? sizeof exif_prefix : 0;
    if (size > skip && (out->exif = malloc(size - skip))) {
        memcpy(out->exif, bytes + skip, size - skip);
        out->exif_size = size - skip;
    }
    free(bytes);
}

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
} jpeg_quiet_failure;

static void jpeg_give_up(j_common_ptr cinfo) { longjmp(((jpeg_quiet_failure *)cinfo->err)->jump, 1); }
static void jpeg_no_message(j_common_ptr cinfo) { (void)cinfo; }

static void read_jpeg_icc(FILE *file, cc_metadata *out) {
    struct jpeg_decompress_struct cinfo;
    jpeg_quiet_failure failure;
    cinfo.err = jpeg_std_error(&failure.base);
    failure.base.error_exit = jpeg_give_up;
    failure.base.output_message = jpeg_no_message;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, file);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    JOCTET *icc = NULL;
    unsigned int size = 0;
    if (jpeg_read_icc_profile(&cinfo, &icc, &size) && icc) {
        out->icc = icc;  // malloc'd by libjpeg-turbo
        out->icc_size = size;
    }
    jpeg_destroy_decompress(&cinfo);
}

// The text chunks libpng read, copied; keywords it accepted are 1-79 bytes.
static void copy_png_texts(png_structp png, png_infop info, cc_metadata *out) {
    png_textp texts = NULL;
    int count = 0;
    png_get_text(png, info, &texts, &count);
    if (count <= 0 || !(out->texts = calloc((size_t)count, sizeof *out->texts))) return;
    for (int i = 0; i < count; i++) {
        int utf8 = texts[i].compression == PNG_ITXT_COMPRESSION_NONE || texts[i].compression == PNG_ITXT_COMPRESSION_zTXt;
        size_t length = utf8 ? texts[i].itxt_length : texts[i].text_length;
        char *text = malloc(length + 1);
        if (!text) break;
        if (length) memcpy(text, texts[i].text, length);
        text[length] = 0;
        cc_text *slot = &out->texts[out->text_count++];
        snprintf(slot->keyword, sizeof slot->keyword, "%s", texts[i].key);
        slot->text = text;
        slot->utf8 = utf8;
    }
}

static void read_png(FILE *file, cc_metadata *out) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        return;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return;
    }
    png_set_chunk_malloc_max(png, 4u << 20);
    png_set_chunk_cache_max(png, 32);
    png_init_io(png, file);
    png_read_info(png, info);
    copy_png_texts(png, info, out);
    png_charp name = NULL;
    int compression = 0;
    png_bytep profile = NULL;
    png_uint_32 size = 0;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &size) && profile && size > 0 && (out->icc = malloc(size))) {
        memcpy(out->icc, profile, size);
        out->icc_size = size;
    }
    png_destroy_read_struct(&png, &info, NULL);
}

// A TIFF's profile, and its EXIF where libexif found none (TIFF keeps EXIF as directories, not a block).
static void read_tiff(const char *path, cc_metadata *out) {
    TIFFErrorHandler errors = TIFFSetErrorHandler(NULL), warnings = TIFFSetWarningHandler(NULL);
    TIFF *tif = TIFFOpen(path, "r");
    if (tif) {
        uint32_t size = 0;
        void *profile = NULL;
        if (TIFFGetField(tif, TIFFTAG_ICCPROFILE, &size, &profile) && profile && size > 0 && (out->icc = malloc(size))) {
            memcpy(out->icc, profile, size);
            out->icc_size = size;
        }
        if (!out->exif) out->exif = exif_tiff_read(tif, &out->exif_size);
        TIFFClose(tif);
    }
    TIFFSetErrorHandler(errors);
    TIFFSetWarningHandler(warnings);
}

void cc_metadata_read(const char *path, cc_metadata *out) {
    memset(out, 0, sizeof *out);
    read_exif(path, out);
    FILE *file = fopen(path, "rb");
    if (!file) return;
    unsigned char head[4] = {0};
    size_t got = fread(head, 1, sizeof head, file);
    rewind(file);
    if (got >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) read_jpeg_icc(file, out);
    else if (got >= 4 && head[0] == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') read_png(file, out);
    fclose(file);
    if (got >= 4 && ((head[0] == 'I' && head[1] == 'I') || (head[0] == 'M' && head[1] == 'M'))) read_tiff(path, out);
}

void cc_metadata_free(cc_metadata *metadata) {
    for (int i = 0; i < metadata->text_count; i++) free(metadata->texts[i].text);
    free(metadata->texts);
    free(metadata->exif);
    free(metadata->icc);
    memset(metadata, 0, sizeof *metadata);
}
