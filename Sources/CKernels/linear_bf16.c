// Linear layers in bfloat16: inputs and weights rounded to bf16 (round to nearest even), products summed
// in float32. AVX-512 BF16's vdpbf16ps does two multiply-adds per float32 lane per instruction, twice an
// FMA's, and reads half the weight bytes. The weights are packed once, at load, in pairs of inputs:
// panels (ceil(n/16), ceil(k/2), 16, 2), so one 512-bit load holds 16 outputs x 2 inputs, the operand
// vdpbf16ps multiplies against a broadcast pair of inputs.
//
// Rounding the inputs and weights of the transformer's Linear layers to bf16 moved no PSNR of `quality` or
// `fast` by more than 0.001 dB on CBSD68, CQ12 and Urban12 (docs/results.md); the convolutions, whose
// errors cost 3-5x more, stay in float32 (the model chooses, per layer).
#include "skkernels.h"

#include <stdint.h>
#include <string.h>

#include "bf16_internal.h"
#include "gelu_impl.h"

uint16_t sk_bf16_round(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40);  // NaN stays a quiet NaN
    bits += 0x7fffu + ((bits >> 16) & 1);  // to nearest, ties to even
    return (uint16_t)(bits >> 16);
}

float sk_bf16_value(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

void sk_pack_linear_bf16(const float *weight, int n, int k, uint16_t *panels) {
    const long pairs = (k + 1) / 2, panel_count = (n + 15) / 16;
    memset(panels, 0, sizeof(uint16_t) * (size_t)(panel_count * pairs * 32));
    for (int j = 0; j < n; j++)
        for (int kk = 0; kk < k; kk++)
            panels[(((long)(j / 16) * pairs + kk / 2) * 16 + j % 16) * 2 + kk % 2] = sk_bf16_round(weight[(long)j * k + kk]);
}

// The same products one at a time, for sk_linear_bf16 calls the vector kernel cannot take (the tests run it
// in every build beside the Swift reference; a Linear layer on such a CPU runs its float32 panels instead).
// Not bit-identical to vdpbf16ps, which adds the pair's products in its own order and flushes subnormals.
static void linear_bf16_scalar(const float *x, long rows, int k, const uint16_t *panels, const float *bias16,
                               int n, float *y, int gelu) {
    const long pairs = (k + 1) / 2;
    for (long r = 0; r < rows; r++) {
        for (int j = 0; j < n; j++) {
            const uint16_t *w = panels + (long)(j / 16) * pairs * 32 + (j % 16) * 2;
            float sum = bias16[j];
            for (int kk = 0; kk < k; kk++)
                sum += sk_bf16_value(sk_bf16_round(x[r * k + kk])) * sk_bf16_value(w[(long)(kk / 2) * 32 + kk % 2]);
            y[r * n + j] = gelu ? SK_GELU_SCALAR(sum) : sum;
        }
    }
}

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512bf16,avx2,fma"))), apply_to = function)

enum { MR = 8, PN = 2 };  // 8 rows x 2 panels: 16 of the 32 zmm registers accumulate, as in the float32 kernel

// Rows r0 ..< r0+mr of x (rows, k) as bf16 pairs: xb[i * pairs + p] = (x[2p], x[2p+1]), zero past k.
// Converted once per row block and read by every panel.
static inline __attribute__((always_inline)) void to_pairs(const float *x, int k, long r0, int mr, uint32_t *xb,
                                                           long pairs) {
    for (int i = 0; i < mr; i++) {
        const float *row = x + (r0 + i) * k;
        uint32_t *dst = xb + i * pairs;
        int j = 0;
        for (; j + 32 <= k; j += 32) {  // lanes 0-15 from the first 16 floats, 16-31 from the next
            __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + j + 16), _mm512_loadu_ps(row + j));
            _mm512_storeu_si512(dst + j / 2, (__m512i)v);
        }
        if (j < k) {  // the last 1-31 inputs by masked loads (small layers: often all of them), zeros past k
            const int left = k - j, low = left < 16 ? left : 16;
            const __m512 a = _mm512_maskz_loadu_ps((__mmask16)((1u << low) - 1), row + j);
            const __m512 b = _mm512_maskz_loadu_ps((__mmask16)((1u << (left - low)) - 1), row + j + 16);
            const __m512bh v = _mm512_cvtne2ps_pbh(b, a);
            _mm512_mask_storeu_epi32(dst + j / 2, (__mmask16)((1u << ((left + 1) / 2)) - 1), (__m512i)v);
        }
    }
}

static inline __attribute__((always_inline)) __m512 finish16(__m512 acc, int gelu) {
    return gelu ? SK_GELU_VECTOR(acc) : acc;
}

static inline __attribute__((always_inline)) void store_columns(float *dst, const float *values, int valid) {
    memcpy(dst, values, (size_t)valid * sizeof(float));
}

// mr rows x pn panels, accumulators in registers for the whole k loop (as linear_tile in kernels_impl.h).
static inline __attribute__((always_inline)) void tile(const uint32_t *xb, long pairs, const uint16_t *panels,
                                                       const float *bias16, int n, float *y, long r0, const int mr,
                                                       int p0, const int pn, int gelu) {
    __m512 acc[MR][PN];
    const uint16_t *bp[PN];
    for (int q = 0; q < pn; q++) {
        bp[q] = panels + (long)(p0 + q) * pairs * 32;
        for (int i = 0; i < mr; i++) acc[i][q] = _mm512_loadu_ps(bias16 + (p0 + q) * 16);
    }
    for (long p = 0; p < pairs; p++) {
        __m512bh b[PN];
        for (int q = 0; q < pn; q++) b[q] = (__m512bh)_mm512_loadu_si512(bp[q] + p * 32);
        for (int i = 0; i < mr; i++) {
            __m512bh a = (__m512bh)_mm512_set1_epi32((int)xb[i * pairs + p]);
            for (int q = 0; q < pn; q++) acc[i][q] = _mm512_dpbf16_ps(acc[i][q], a, b[q]);
        }
    }
    for (int i = 0; i < mr; i++) {
        for (int q = 0; q < pn; q++) {
            const int col = (p0 + q) * 16, valid = n - col < 16 ? n - col : 16;
            __m512 v = finish16(acc[i][q], gelu);
            float *dst = y + (r0 + i) * n + col;
            if (valid == 16) {
                _mm512_storeu_ps(dst, v);
            } else {
                float t[16];
                _mm512_storeu_ps(t, v);
                store_columns(dst, t, valid);
            }
        }
    }
}

// A last panel with at most 8 valid outputs: its first 8 outputs are the first 256 bits of each pair row.
static inline __attribute__((always_inline)) void tile8(const uint32_t *xb, long pairs, const uint16_t *panels,
                                                        const float *bias16, int n, float *y, long r0, const int mr,
                                                        int p0, int gelu) {
    __m256 acc[MR];
    const uint16_t *bp = panels + (long)p0 * pairs * 32;
    for (int i = 0; i < mr; i++) acc[i] = _mm256_loadu_ps(bias16 + p0 * 16);
    for (long p = 0; p < pairs; p++) {
        __m256bh b = (__m256bh)_mm256_loadu_si256((const __m256i *)(bp + p * 32));
        for (int i = 0; i < mr; i++)
            acc[i] = _mm256_dpbf16_ps(acc[i], (__m256bh)_mm256_set1_epi32((int)xb[i * pairs + p]), b);
    }
    const int col = p0 * 16, valid = n - col;
    for (int i = 0; i < mr; i++) {
        __m256 v = gelu ? SK_GELU_VECTOR(acc[i]) : acc[i];
        float t[8];
        _mm256_storeu_ps(t, v);
        store_columns(y + (r0 + i) * n + col, t, valid);
    }
}

static inline __attribute__((always_inline)) void rows_block(const float *x, int k, const uint16_t *panels,
                                                             const float *bias16, int n, float *y, long r0,
                                                             const int mr, int gelu, uint32_t *xb) {
    const long pairs = (k + 1) / 2;
    const int np = (n + 15) / 16, half = n % 16 != 0 && n % 16 <= 8, full = np - half, paired = full - full % PN;
    to_pairs(x, k, r0, mr, xb, pairs);
    for (int p = 0; p < paired; p += PN) tile(xb, pairs, panels, bias16, n, y, r0, mr, p, PN, gelu);
    if (paired < full) tile(xb, pairs, panels, bias16, n, y, r0, mr, paired, 1, gelu);
    if (half) tile8(xb, pairs, panels, bias16, n, y, r0, mr, full, gelu);
}

static void linear_bf16_avx512(const float *x, long rows, int k, const uint16_t *panels, const float *bias16, int n,
                               float *y, int gelu) {
    uint32_t xb[MR * (SK_MAX_BF16_INPUTS / 2)];  // 32 KB: one row block's inputs as pairs
    long r = 0;
    for (; r + MR <= rows; r += MR) rows_block(x, k, panels, bias16, n, y, r, MR, gelu, xb);
    if (rows - r >= 4) rows_block(x, k, panels, bias16, n, y, r, 4, gelu, xb), r += 4;
    if (rows - r >= 2) rows_block(x, k, panels, bias16, n, y, r, 2, gelu, xb), r += 2;
    if (rows - r >= 1) rows_block(x, k, panels, bias16, n, y, r, 1, gelu, xb);
}

#pragma clang attribute pop
#endif

int sk_has_bf16(void) { return sk_avx512_extension(SK_AVX512_BF16); }

int sk_bf16_active(void) { return sk_kernel_level() == SK_LEVEL_AVX512 && sk_has_bf16(); }

void sk_linear_bf16(const float *x, long rows, int k, const uint16_t *panels, const float *bias16, int n, float *y,
                    int gelu) {
#if defined(__x86_64__) && defined(__clang__)
    // The vector kernel belongs to the AVX-512 build: a test or benchmark that selects AVX2 gets the scalar twin.
    if (k <= SK_MAX_BF16_INPUTS && sk_bf16_active()) {
        linear_bf16_avx512(x, rows, k, panels, bias16, n, y, gelu);
        return;
    }
#endif
    linear_bf16_scalar(x, rows, k, panels, bias16, n, y, gelu);
}
