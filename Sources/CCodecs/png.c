#include "ccodecs_png.h"

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
        snprintf(err, errlen, "image is %ux%u pixels, over the limit of %ld pixels", width, height, max_pixels);
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

void cc_image_free(cc_image *image) {
    free(image->samples);
    image->samples = NULL;
}

int cc_png_read(const char *path, long max_pixels, cc_image *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return 1;
    }
    unsigned char signature[8];
    size_t got = fread(signature, 1, 8, file);
    if (got == 0) {
        snprintf(err, errlen, "file is empty");
        fclose(file);
        return 1;
    }
    if (got < 8 || png_sig_cmp(signature, 0, 8) != 0) {
        snprintf(err, errlen, "not a PNG file");
        fclose(file);
        return 1;
    }
    if (check_header(file, max_pixels, err, errlen) != 0) {
        fclose(file);
        return 1;
    }
    // volatile: modified between setjmp and a possible longjmp
    png_failure failure = {0};
    png_structp volatile png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, on_png_error, on_png_warning);
    png_infop volatile info = png ? png_create_info_struct(png) : NULL;
    png_bytep volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info) {
        snprintf(err, errlen, "out of memory");
        fclose(file);
        return 1;
    }
    if (setjmp(failure.jump)) {
        snprintf(err, errlen, "corrupt PNG: %s", failure.message);
        png_structp p = png;
        png_infop i = info;
        png_destroy_read_struct(&p, &i, NULL);
        free(pixels);
        free(rows);
        cc_image_free(out);
        fclose(file);
        return 1;
    }
    png_init_io(png, file);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_swap(png);  // host (little-endian) order
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info), bit_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    out->samples = malloc(sizeof(uint16_t) * (size_t)width * height * channels);
    if (!pixels || !rows || !out->samples) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    size_t count = (size_t)width * height * channels;
    if (bit_depth == 16) memcpy(out->samples, pixels, count * 2);
    else for (size_t i = 0; i < count; i++) out->samples[i] = pixels[i];
    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;
    out->bit_depth = bit_depth;

    png_structp p = png;
    png_infop i = info;
    png_destroy_read_struct(&p, &i, NULL);
    free(pixels);
    free(rows);
    fclose(file);
    return 0;
}

int cc_png_write(const char *path, const cc_image *image, char *err, size_t errlen) {
    static const int color_types[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                      PNG_COLOR_TYPE_RGB_ALPHA};
    if (image->channels < 1 || image->channels > 4 || (image->bit_depth != 8 && image->bit_depth != 16)) {
        snprintf(err, errlen, "cannot write %d channels at %d bits", image->channels, image->bit_depth);
        return 1;
    }
    FILE *file = fopen(path, "wb");
    if (!file) {
        snprintf(err, errlen, "cannot create: %s", strerror(errno));
        return 1;
    }
    png_failure failure = {0};
    png_structp volatile png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, on_png_error, on_png_warning);
    png_infop volatile info = png ? png_create_info_struct(png) : NULL;
    unsigned char *volatile row = NULL;
    if (!png || !info) {
        snprintf(err, errlen, "out of memory");
        fclose(file);
        return 1;
    }
    if (setjmp(failure.jump)) {
        snprintf(err, errlen, "cannot write PNG: %s", failure.message);
        png_structp p = png;
        png_infop i = info;
        png_destroy_write_struct(&p, &i);
        free(row);
        fclose(file);
        return 1;
    }
    png_init_io(png, file);
    png_set_IHDR(png, info, (png_uint_32)image->width, (png_uint_32)image->height, image->bit_depth,
                 color_types[image->channels], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t per_row = (size_t)image->width * image->channels;
    int bytes = image->bit_depth / 8;
    row = malloc(per_row * bytes + 1);
    if (!row) png_error(png, "out of memory");
    for (int y = 0; y < image->height; y++) {
        const uint16_t *src = image->samples + (size_t)y * per_row;
        if (bytes == 1) for (size_t i = 0; i < per_row; i++) row[i] = (unsigned char)src[i];
        else for (size_t i = 0; i < per_row; i++) { row[2 * i] = src[i] >> 8; row[2 * i + 1] = src[i] & 0xFF; }  // PNG is big-endian
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_structp p = png;
    png_infop i = info;
    png_destroy_write_struct(&p, &i);
    free(row);
    if (fclose(file) != 0) {
        snprintf(err, errlen, "cannot finish writing: %s", strerror(errno));
        return 1;
    }
    return 0;
}
