// Between the kernel builds and the reduced-precision kernels (not part of the public header).
#pragma once
#include <stdint.h>

enum { SK_AVX512_BF16 = 0, SK_AVX512_VNNI = 1, SK_AVX512_EXTENSIONS = 2 };
/// Whether the CPU runs the AVX-512 build and has this extension (SK_AVX512_*); detected once (kernels.c).
int sk_avx512_extension(int extension);

/// Tokens per window the bf16 attention takes (16x16 windows; larger ones stay float32).
#define SK_BF16_ATTENTION_MAX_TOKENS 256

/// The AVX-512 build's softmax_row without a bias (kernels_impl.h): numerators of si (n) in place, -100
/// towards keys in another mask region than label_i when label (n) is given; returns 1 / the row's sum.
float sk_softmax_row_avx512(float *si, int n, const int *label, int label_i);

/// attention_rows16 (attention_rows_impl.h) with both products in bf16 (attention_bf16.c): AVX-512 BF16
/// only, n % 32 == 0 and n <= SK_BF16_ATTENTION_MAX_TOKENS.
void sk_attention_rows16_bf16(const float *q, const int *src, long row_stride, const float *kt, const float *vg,
                              const float *bias, const float *rev, int window_size, const int *label, float *e,
                              float *out, long out_stride, int n);
