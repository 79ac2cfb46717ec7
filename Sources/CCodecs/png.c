#include "ccodecs_png.h"
#include "pixel_limit.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    char message[256];
} png_failure;

static void on_png_error(png_structp png, png_const_charp message) {
    png_failure *failure = png_get_error_ptr(png);
    snprintf(failure->message, sizeof failure->message, "%s", message);
    longjmp(failure->jump, 1);
}

static void on_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;  // ancillary-chunk problems: libpng recovers, so the image is still usable
}

static uint32_t big_endian32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// Reads the IHDR chunk that must follow the signature and refuses absurd sizes and bit depths before
// libpng (or anything else) allocates. Leaves the file positioned just after the signature.
static int check_header(FILE *file, long max_pixels, char *err, size_t errlen) {
    unsigned char ihdr[25];  // length, "IHDR", width, height, depth, color, compression, filter, interlace
    size_t got = fread(ihdr, 1, sizeof ihdr, file);
    fseek(file, 8, SEEK_SET);
    if (got < sizeof ihdr || memcmp(ihdr + 4, "IHDR", 4) != 0) {
        snprintf(err, errlen, "corrupt PNG: missing or truncated IHDR header");
        return 1;
    }
    uint32_t width = big_endian32(ihdr + 8), height = big_endian32(ihdr + 12);
    int depth = ihdr[16], color = ihdr[17];
    if (width == 0 || height == 0) {
        snprintf(err, errlen, "corrupt PNG: image is %ux%u pixels", width, height);
        return 1;
    }
    if ((double)width * (double)height > (double)max_pixels) {
        // Channels after expansion: palette to RGB or RGBA (tRNS is not known yet: counted as RGBA).
        int channels = color == 0 ? 1 : color == 4 ? 2 : color == 2 ? 3 : 4;
        pixel_limit_message(err, errlen, width, height, channels, max_pixels);
        return 1;
    }
    int valid;
    switch (color) {
    case 0: valid = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
    case 3: valid = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
    case 2: case 4: case 6: valid = depth == 8 || depth == 16; break;
    default:
        snprintf(err, errlen, "corrupt PNG: unknown color type %d", color);
        return 1;
    }
    if (!valid) {
        snprintf(err, errlen, "unsupported bit depth %d for PNG color type %d", depth, color);
        return 1;
    }
    return 0;
}

struct cc_png_reader {
    FILE *file;
    png_structp png;
    png_infop info;
    png_failure failure;
    int interlaced;
    png_bytep row;         // one decoded row, for cc_png_read_rows
    png_uint_32 rows_read;
};

void cc_png_close(cc_png_reader *reader) {
    if (!reader) return;
    free(reader->row);
    png_destroy_read_struct(&reader->png, &reader->info, NULL);
    if (reader->file) fclose(reader->file);
    free(reader);
}

cc_png_reader *cc_png_open(const char *path, long max_pixels, cc_image *header, char *err, size_t errlen) {
    memset(header, 0, sizeof *header);
    cc_png_reader *reader = calloc(1, sizeof *reader);
    if (!reader) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    reader->file = fopen(path, "rb");
    if (!reader->file) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        cc_png_close(reader);
        return NULL;
    }
    unsigned char signature[8];
    size_t got = fread(signature, 1, 8, reader->file);
    if (got == 0 || got < 8 || png_sig_cmp(signature, 0, 8) != 0) {
        snprintf(err, errlen, got == 0 ? "file is empty" : "not a PNG file");
        cc_png_close(reader);
        return NULL;
    }
    if (check_header(reader->file, max_pixels, err, errlen) != 0) {
        cc_png_close(reader);
        return NULL;
    }
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader->failure, on_png_error, on_png_warning);
    reader->info = reader->png ? png_create_info_struct(reader->png) : NULL;
    if (!reader->png || !reader->info) {
        snprintf(err, errlen, "out of memory");
        cc_png_close(reader);
        return NULL;
    }
    if (setjmp(reader->failure.jump)) {
        snprintf(err, errlen, "corrupt PNG: %s", reader->failure.message);
        cc_png_close(reader);
        return NULL;
    }
    png_structp png = reader->png;
    png_infop info = reader->info;
    png_init_io(png, reader->file);
    png_set_sig_bytes(png, 8);
    // Bounded memory for what an input controls: a text or ICC chunk claiming gigabytes is refused
    // (8 MB per chunk, 1000 ancillary chunks at most); the pixel limit was checked on the header above.
    png_set_chunk_malloc_max(png, 8u << 20);
    png_set_chunk_cache_max(png, 1000);
    // The pixels do not need text chunks (metadata.c reads them): skip them unread.
    static const png_byte text_chunks[] = "tEXt\0zTXt\0iTXt";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, text_chunks, 3);
    png_read_info(png, info);
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_swap(png);  // host (little-endian) order
    reader->interlaced = png_set_interlace_handling(png) > 1;
    png_read_update_info(png, info);
    header->width = (int)png_get_image_width(png, info);
    header->height = (int)png_get_image_height(png, info);
    header->channels = png_get_channels(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
    return reader;
}

// Widens one decoded row of bytes (8-bit) or host-order words (16-bit) into samples.
static void store_row(const png_byte *row, uint16_t *dst, size_t count, int bit_depth) {
    if (bit_depth == 16) memcpy(dst, row, count * 2);
    else for (size_t i = 0; i < count; i++) dst[i] = row[i];
}

int cc_png_read_pixels(cc_png_reader *reader, uint16_t *samples, char *err, size_t errlen) {
    png_structp png = reader->png;
    png_infop info = reader->info;
    png_uint_32 height = png_get_image_height(png, info);
    // Non-interlaced images stream through one row (cc_png_read_rows); Adam7 needs every row kept
    // across its passes.
    if (!reader->interlaced) return cc_png_read_rows(reader, samples, (int)height, err, errlen);
    size_t row_bytes = png_get_rowbytes(png, info);
    size_t per_row = (size_t)png_get_image_width(png, info) * png_get_channels(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    png_bytep volatile pixels = malloc(row_bytes * height);
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * height);
    if (setjmp(reader->failure.jump)) {
        snprintf(err, errlen, "corrupt PNG: %s", reader->failure.message);
        free(pixels);
        free(rows);
        return 1;
    }
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + y * row_bytes;
    png_read_image(png, rows);
    for (png_uint_32 y = 0; y < height; y++) store_row(rows[y], samples + y * per_row, per_row, bit_depth);
    png_read_end(png, NULL);
    free(pixels);
    free(rows);
    return 0;
}

int cc_png_is_interlaced(const cc_png_reader *reader) { return reader->interlaced; }

int cc_png_read_rows(cc_png_reader *reader, uint16_t *samples, int count, char *err, size_t errlen) {
    png_structp png = reader->png;
    png_infop info = reader->info;
    png_uint_32 height = png_get_image_height(png, info);
    size_t per_row = (size_t)png_get_image_width(png, info) * png_get_channels(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (reader->interlaced || count < 0 || (png_uint_32)count > height - reader->rows_read) {
        snprintf(err, errlen, "cannot read %d more rows of this PNG", count);
        return 1;
    }
    if (setjmp(reader->failure.jump)) {
        snprintf(err, errlen, "corrupt PNG: %s", reader->failure.message);
        return 1;
    }
    if (!reader->row && !(reader->row = malloc(png_get_rowbytes(png, info)))) png_error(png, "out of memory");
    for (int y = 0; y < count; y++) {
        png_read_row(png, reader->row, NULL);
        store_row(reader->row, samples + (size_t)y * per_row, per_row, bit_depth);
    }
    reader->rows_read += (png_uint_32)count;
    if (reader->rows_read == height) png_read_end(png, NULL);
    return 0;
}

struct cc_png_writer {
    FILE *file;
    png_structp png;
    png_infop info;
    png_failure failure;
    int width, height, channels, bit_depth, rows_written;
    unsigned char *row;
};

void cc_png_writer_abort(cc_png_writer *w) {
    if (!w) return;
    png_destroy_write_struct(&w->png, &w->info);
    free(w->row);
    if (w->file) fclose(w->file);
    free(w);
}

cc_png_writer *cc_png_writer_open(const char *path, const cc_image *image, const cc_metadata *metadata, char *err,
                                  size_t errlen) {
    static const int color_types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                      PNG_COLOR_TYPE_RGB_ALPHA};
    if (image->channels < 1 || image->channels > 4 || (image->bit_depth != 8 && image->bit_depth != 16) ||
        image->width <= 0 || image->height <= 0) {
        snprintf(err, errlen, "cannot write %dx%d pixels of %d channels at %d bits", image->width, image->height,
                 image->channels, image->bit_depth);
        return NULL;
    }
    cc_png_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->width = image->width;
    w->height = image->height;
    w->channels = image->channels;
    w->bit_depth = image->bit_depth;
    if (!(w->file = fopen(path, "wb"))) {
        snprintf(err, errlen, "cannot create: %s", strerror(errno));
        cc_png_writer_abort(w);
        return NULL;
    }
    w->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &w->failure, on_png_error, on_png_warning);
    w->info = w->png ? png_create_info_struct(w->png) : NULL;
    w->row = malloc((size_t)w->width * w->channels * (w->bit_depth / 8) + 1);
    if (!w->png || !w->info || !w->row) {
        snprintf(err, errlen, "out of memory");
        cc_png_writer_abort(w);
        return NULL;
    }
    if (setjmp(w->failure.jump)) {
        snprintf(err, errlen, "cannot write PNG: %s", w->failure.message);
        cc_png_writer_abort(w);
        return NULL;
    }
    png_structp png = w->png;
    png_infop info = w->info;
    png_init_io(png, w->file);
    png_set_IHDR(png, info, (png_uint_32)w->width, (png_uint_32)w->height, w->bit_depth,
                 color_types[w->channels], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    // A profile libpng finds fault with costs a warning, not the output.
    png_set_benign_errors(png, 1);
    if (metadata && metadata->icc)
        png_set_iCCP(png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, metadata->icc, (png_uint_32)metadata->icc_size);
    if (metadata && metadata->exif) png_set_eXIf_1(png, info, (png_uint_32)metadata->exif_size, metadata->exif);
    // Text as it came: UTF-8 as iTXt, Latin-1 as tEXt; either compressed when long.
    for (int i = 0; metadata && i < metadata->text_count; i++) {
        const cc_text *t = &metadata->texts[i];
        if (!t->text || t->keyword[0] == 0) continue;
        png_text text = {0};
        size_t length = strlen(t->text);
        text.compression = t->utf8 ? (length > 1024 ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE)
                                   : (length > 1024 ? PNG_TEXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE);
        text.key = (png_charp)t->keyword;
        text.text = t->text;
        png_set_text(png, info, &text, 1);
    }
    png_write_info(png, info);
    return w;
}

int cc_png_writer_rows(cc_png_writer *w, const uint16_t *samples, int count, char *err, size_t errlen) {
    if (count < 0 || count > w->height - w->rows_written) {
        snprintf(err, errlen, "cannot write %d more rows of a %d-row PNG", count, w->height);
        return 1;
    }
    if (setjmp(w->failure.jump)) {
        snprintf(err, errlen, "cannot write PNG: %s", w->failure.message);
        return 1;
    }
    size_t per_row = (size_t)w->width * w->channels;
    for (int y = 0; y < count; y++) {
        const uint16_t *src = samples + (size_t)y * per_row;
        if (w->bit_depth == 8) for (size_t i = 0; i < per_row; i++) w->row[i] = (unsigned char)src[i];
        else for (size_t i = 0; i < per_row; i++) { w->row[2 * i] = src[i] >> 8; w->row[2 * i + 1] = src[i] & 0xFF; }  // PNG is big-endian
        png_write_row(w->png, w->row);
    }
    w->rows_written += count;
    return 0;
}

int cc_png_writer_finish(cc_png_writer *w, char *err, size_t errlen) {
    int failed = 0;
    if (w->rows_written != w->height) {
        snprintf(err, errlen, "PNG has %d of its %d rows", w->rows_written, w->height);
        failed = 1;
    } else if (setjmp(w->failure.jump)) {
        snprintf(err, errlen, "cannot write PNG: %s", w->failure.message);
        failed = 1;
    } else {
        png_write_end(w->png, NULL);
    }
    FILE *file = w->file;
    w->file = NULL;
    cc_png_writer_abort(w);  // frees libpng's state and the row
    if (fclose(file) != 0 && !failed) {
        snprintf(err, errlen, "cannot finish writing: %s", strerror(errno));
        failed = 1;
    }
    return failed;
}

int cc_png_write(const char *path, const cc_image *image, const cc_metadata *metadata, char *err, size_t errlen) {
    cc_png_writer *w = cc_png_writer_open(path, image, metadata, err, errlen);
    if (!w) return 1;
    if (cc_png_writer_rows(w, image->samples, image->height, err, errlen) != 0) {
        cc_png_writer_abort(w);
        return 1;
    }
    return cc_png_writer_finish(w, err, errlen);
}
