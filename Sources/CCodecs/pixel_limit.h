// The line both image readers give for an image over the pixel limit (private to CCodecs).
#pragma once
#include <stdio.h>

// Its size, the limit, and the most denoising it would take: the decoded 16-bit samples, which `denoise`
// holds for formats it does not stream (PNG to PNG streams rows), plus about 0.2 GB for the model and bands.
static inline void pixel_limit_message(char *err, size_t errlen, long long width, long long height, int channels,
                                       long long max_pixels) {
    double pixels = (double)width * (double)height;
    double gigabytes = (pixels * channels * 2 + 0.2e9) / 1e9;
    snprintf(err, errlen, "image is %lldx%lld pixels (%.4g MP), over the limit of %.4g MP; denoising it needs "
             "up to about %.1f GB (--max-megapixels raises the limit)", width, height, pixels / 1e6,
             (double)max_pixels / 1e6, gigabytes);
}
