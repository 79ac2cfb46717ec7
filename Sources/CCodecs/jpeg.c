#include "ccodecs_write.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_failure;

static void on_jpeg_error(j_common_ptr cinfo) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, failure->message);
    longjmp(failure->jump, 1);
}

int cc_jpeg_write(const char *path, const cc_image *image, int quality, const cc_metadata *metadata, char *err,
                  size_t errlen) {
    if ((image->channels != 1 && image->channels != 3) || (image->bit_depth != 8 && image->bit_depth != 16)) {
        snprintf(err, errlen, "JPEG holds gray or RGB without alpha, not %d channels (write PNG or TIFF to keep alpha)",
                 image->channels);
        return 1;
    }
    if (quality < 1 || quality > 100) {
        snprintf(err, errlen, "JPEG quality %d out of range (1-100)", quality);
        return 1;
    }
    FILE *file = fopen(path, "wb");
    if (!file) {
        snprintf(err, errlen, "cannot create: %s", strerror(errno));
        return 1;
    }
    struct jpeg_compress_struct cinfo;
    jpeg_failure failure;
    unsigned char *volatile row = NULL;
    cinfo.err = jpeg_std_error(&failure.base);
    failure.base.error_exit = on_jpeg_error;
    if (setjmp(failure.jump)) {
        snprintf(err, errlen, "cannot write JPEG: %s", failure.message);
        jpeg_destroy_compress(&cinfo);
        free(row);
        fclose(file);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = (JDIMENSION)image->width;
    cinfo.image_height = (JDIMENSION)image->height;
    cinfo.input_components = image->channels;
    cinfo.in_color_space = image->channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    for (int c = 0; c < cinfo.num_components; c++) {  // 4:4:4: colour edges as sharp as the denoiser made them
        cinfo.comp_info[c].h_samp_factor = 1;
        cinfo.comp_info[c].v_samp_factor = 1;
    }
    jpeg_start_compress(&cinfo, TRUE);
    // EXIF in APP1 ("Exif\0\0" + TIFF structure, when it fits one marker), the ICC profile in APP2.
    if (metadata && metadata->exif && metadata->exif_size <= 65533 - 6) {
        JOCTET *app1 = malloc(metadata->exif_size + 6);
        if (app1) {
            memcpy(app1, "Exif\0\0", 6);
            memcpy(app1 + 6, metadata->exif, metadata->exif_size);
            jpeg_write_marker(&cinfo, JPEG_APP0 + 1, app1, (unsigned int)(metadata->exif_size + 6));
            free(app1);
        }
    }
    if (metadata && metadata->icc) jpeg_write_icc_profile(&cinfo, metadata->icc, (unsigned int)metadata->icc_size);
    size_t per_row = (size_t)image->width * image->channels;
    row = malloc(per_row);
    if (!row) {
        snprintf(failure.message, sizeof failure.message, "out of memory");
        longjmp(failure.jump, 1);
    }
    while (cinfo.next_scanline < cinfo.image_height) {
        const uint16_t *src = image->samples + (size_t)cinfo.next_scanline * per_row;
        if (image->bit_depth == 8) for (size_t i = 0; i < per_row; i++) row[i] = (unsigned char)src[i];
        else for (size_t i = 0; i < per_row; i++) row[i] = (unsigned char)((src[i] * 255u + 32767u) / 65535u);
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(row);
    if (fclose(file) != 0) {
        snprintf(err, errlen, "cannot finish writing: %s", strerror(errno));
        return 1;
    }
    return 0;
}
