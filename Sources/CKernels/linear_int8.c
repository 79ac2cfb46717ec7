// Linear layers in int8: each input row quantized to unsigned 8 bits with its own scale and zero point
// (asymmetric: the GELU'd inputs of the LeFF's second layer are mostly positive), each output feature's
// weights to signed 7 bits with their own scale, products summed exactly in int32, then scaled back:
//
//   y[j] = (sum_k q[k] w[j][k] - zero * sum_k w[j][k]) * scale * wscale[j] + bias[j]
//
// One multiply-add instruction does four byte products per int32 lane: AVX-512 VNNI's vpdpbusd, or on AVX2
// vpmaddubsw (pairs into int16) then vpmaddwd by ones (pairs of pairs into int32): twice an FMA's
// multiply-adds per instruction pair, and a quarter of the float32 weight bytes. Weights stop at +-63 so
// vpmaddubsw's int16 pair sums (at most 2 * 255 * 63 = 32130) never saturate: every build's integer sums
// are exact, so the scalar twin, the AVX2 and the VNNI kernels return the same bits.
//
// Simulated in PyTorch on the Linear layers of `quality` (Scripts/int8_study.py), 8-bit inputs with 7-bit
// weights cost 0.006 dB on CBSD68, CQ12 and Urban12 crops; 7-bit inputs with 8-bit weights, the other way to
// stay clear of saturation, cost 0.013 dB. The convolutions and the attention's products keep their precision.
#include "skkernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bf16_internal.h"
#include "gelu_impl.h"

enum { INPUT_LEVELS = 255, WEIGHT_LEVEL = 63 };

void sk_pack_linear_int8(const float *weight, int n, int k, int8_t *panels, float *scales, int32_t *column_sums) {
    const long quads = (k + 3) / 4, panel_count = (n + 15) / 16;
    memset(panels, 0, (size_t)(panel_count * quads * 64));
    memset(scales, 0, sizeof(float) * (size_t)(panel_count * 16));
    memset(column_sums, 0, sizeof(int32_t) * (size_t)(panel_count * 16));
    for (int j = 0; j < n; j++) {
        const float *row = weight + (long)j * k;
        float largest = 0;
        for (int kk = 0; kk < k; kk++) largest = fmaxf(largest, fabsf(row[kk]));
        const float scale = largest > 0 ? largest / WEIGHT_LEVEL : 1.0f;
        int32_t sum = 0;
        for (int kk = 0; kk < k; kk++) {
            float v = rintf(row[kk] / scale);
            const int8_t q = (int8_t)(v < -WEIGHT_LEVEL ? -WEIGHT_LEVEL : (v > WEIGHT_LEVEL ? WEIGHT_LEVEL : v));
            panels[(((long)(j / 16) * quads + kk / 4) * 16 + j % 16) * 4 + kk % 4] = q;
            sum += q;
        }
        scales[j] = scale;
        column_sums[j] = sum;
    }
}

// A row's scale and zero point: its range, widened to hold 0 (so 0 stays exact, as padding needs), over
// 255 levels. A row of zeros gets scale 1.
static inline void row_range(float lo, float hi, float *scale, float *inverse, int32_t *zero) {
    lo = lo < 0 ? lo : 0;
    hi = hi > 0 ? hi : 0;
    const float s = hi > lo ? (hi - lo) / INPUT_LEVELS : 1.0f;
    *scale = s;
    *inverse = 1.0f / s;
    *zero = (int32_t)rintf(-lo * *inverse);
}

static inline uint8_t quantize(float x, float inverse, int32_t zero) {
    const float v = rintf(x * inverse) + (float)zero;
    return (uint8_t)(!(v >= 0) ? 0 : (v > INPUT_LEVELS ? INPUT_LEVELS : v));  // NaN -> 0, as the vector form
}

void sk_quantize_rows_uint8(const float *x, long rows, int k, uint8_t *q, float *scales, int32_t *zeros) {
    const long stride = (k + 3) / 4 * 4;
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * k;
        float lo = row[0], hi = row[0];
        for (int kk = 1; kk < k; kk++) lo = fminf(lo, row[kk]), hi = fmaxf(hi, row[kk]);
        float inverse;
        row_range(lo, hi, &scales[r], &inverse, &zeros[r]);
        uint8_t *dst = q + r * stride;
        for (int kk = 0; kk < k; kk++) dst[kk] = quantize(row[kk], inverse, zeros[r]);
        for (long kk = k; kk < stride; kk++) dst[kk] = 0;  // against zero weights
    }
}

static inline float epilogue(int32_t sum, int32_t zero, int32_t column_sum, float scale, float wscale, float bias,
                             int gelu) {
    const float y = fmaf((float)(sum - zero * column_sum), scale * wscale, bias);
    return gelu ? SK_GELU_SCALAR(y) : y;
}

// The same sums one product at a time: the reference the vector kernels are tested against bit for bit
// (before GELU), and the kernel of CPUs without AVX2.
static void linear_int8_scalar(const float *x, long rows, int k, const int8_t *panels, const float *scales,
                               const int32_t *column_sums, const float *bias16, int n, float *y, int gelu) {
    const long quads = (k + 3) / 4;
    uint8_t q[SK_MAX_INT8_INPUTS];
    for (long r = 0; r < rows; r++) {
        float scale;
        int32_t zero;
        sk_quantize_rows_uint8(x + r * k, 1, k, q, &scale, &zero);
        for (int j = 0; j < n; j++) {
            const int8_t *w = panels + (long)(j / 16) * quads * 64 + (j % 16) * 4;
            int32_t sum = 0;
            for (int kk = 0; kk < k; kk++) sum += (int32_t)q[kk] * w[(long)(kk / 4) * 64 + kk % 4];
            y[r * n + j] = epilogue(sum, zero, column_sums[j], scale, scales[j], bias16[j], gelu);
        }
    }
}

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

// ---- AVX2: vpmaddubsw + vpmaddwd ------------------------------------------------------------------------

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

enum { MR2 = 4 };  // 4 rows x 16 outputs: 8 ymm accumulators, 2 weight loads, a broadcast, ones, a product

static inline __attribute__((always_inline)) float lane_min(__m256 v) {
    __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_min_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_min_ss(m, _mm_movehdup_ps(m)));
}

static inline __attribute__((always_inline)) float lane_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
}

// Rows r0 ..< r0+mr quantized into q (mr, stride) with their scales and zero points.
static inline __attribute__((always_inline)) void quantize_rows_avx2(const float *x, int k, long r0, int mr,
                                                                     uint8_t *q, long stride, float *scale,
                                                                     int32_t *zero) {
    for (int i = 0; i < mr; i++) {
        const float *row = x + (r0 + i) * k;
        int kk = 0;
        float lo = row[0], hi = row[0];
        if (k >= 8) {
            __m256 vlo = _mm256_loadu_ps(row), vhi = vlo;
            for (kk = 8; kk + 8 <= k; kk += 8) {
                const __m256 v = _mm256_loadu_ps(row + kk);
                vlo = _mm256_min_ps(vlo, v), vhi = _mm256_max_ps(vhi, v);
            }
            lo = lane_min(vlo), hi = lane_max(vhi);
        }
        for (; kk < k; kk++) lo = fminf(lo, row[kk]), hi = fmaxf(hi, row[kk]);
        float inverse;
        row_range(lo, hi, &scale[i], &inverse, &zero[i]);
        const __m256 vinv = _mm256_set1_ps(inverse);
        const __m256i vzero = _mm256_set1_epi32(zero[i]);
        uint8_t *dst = q + i * stride;
        for (kk = 0; kk + 8 <= k; kk += 8) {  // round to nearest even (MXCSR default), + zero, saturate to 0..255
            const __m256i v = _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + kk), vinv)), vzero);
            const __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
            _mm_storel_epi64((__m128i *)(dst + kk), _mm_packus_epi16(w16, w16));
        }
        for (; kk < k; kk++) dst[kk] = quantize(row[kk], inverse, zero[i]);
        for (; kk < stride; kk++) dst[kk] = 0;
    }
}

static inline __attribute__((always_inline)) void store_avx2(__m256i sum, int32_t zero, float scale,
                                                             const int32_t *column_sums, const float *wscales,
                                                             const float *bias, int gelu, float *dst, int valid) {
    const __m256i centred = _mm256_sub_epi32(sum, _mm256_mullo_epi32(_mm256_set1_epi32(zero),
                                                                     _mm256_loadu_si256((const __m256i *)column_sums)));
    const __m256 factor = _mm256_mul_ps(_mm256_set1_ps(scale), _mm256_loadu_ps(wscales));
    __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(centred), factor, _mm256_loadu_ps(bias));
    if (gelu) v = SK_GELU_VECTOR(v);
    if (valid == 8) {
        _mm256_storeu_ps(dst, v);
    } else {
        float t[8];
        _mm256_storeu_ps(t, v);
        memcpy(dst, t, (size_t)valid * sizeof(float));
    }
}

// mr rows x one panel (halves = 2: 16 outputs, 1: its first 8), accumulators in registers for the whole k.
static inline __attribute__((always_inline)) void tile_avx2(const uint8_t *q, long stride, const int8_t *panels,
                                                            long quads, const float *scale, const int32_t *zero,
                                                            const float *wscales, const int32_t *column_sums,
                                                            const float *bias16, int n, float *y, long r0,
                                                            const int mr, int p, const int halves, int gelu) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[MR2][2];
    for (int i = 0; i < mr; i++)
        for (int h = 0; h < halves; h++) acc[i][h] = _mm256_setzero_si256();
    const int8_t *bp = panels + (long)p * quads * 64;
    for (long t = 0; t < quads; t++) {
        __m256i b[2];
        for (int h = 0; h < halves; h++) b[h] = _mm256_loadu_si256((const __m256i *)(bp + t * 64 + h * 32));
        for (int i = 0; i < mr; i++) {
            int32_t four;
            memcpy(&four, q + i * stride + t * 4, 4);
            const __m256i a = _mm256_set1_epi32(four);
            for (int h = 0; h < halves; h++)
                acc[i][h] = _mm256_add_epi32(acc[i][h], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b[h]), ones));
        }
    }
    for (int i = 0; i < mr; i++)
        for (int h = 0; h < halves; h++) {
            const int col = p * 16 + h * 8, valid = n - col < 8 ? n - col : 8;
            store_avx2(acc[i][h], zero[i], scale[i], column_sums + col, wscales + col, bias16 + col, gelu,
                       y + (r0 + i) * n + col, valid);
        }
}

static inline __attribute__((always_inline)) void rows_avx2(const float *x, int k, const int8_t *panels,
                                                            const float *wscales, const int32_t *column_sums,
                                                            const float *bias16, int n, float *y, long r0,
                                                            const int mr, int gelu, uint8_t *q) {
    const long quads = (k + 3) / 4, stride = quads * 4;
    float scale[MR2];
    int32_t zero[MR2];
    quantize_rows_avx2(x, k, r0, mr, q, stride, scale, zero);
    const int np = (n + 15) / 16, half = n % 16 != 0 && n % 16 <= 8;
    for (int p = 0; p < np - half; p++)
        tile_avx2(q, stride, panels, quads, scale, zero, wscales, column_sums, bias16, n, y, r0, mr, p, 2, gelu);
    if (half)
        tile_avx2(q, stride, panels, quads, scale, zero, wscales, column_sums, bias16, n, y, r0, mr, np - 1, 1, gelu);
}

static void linear_int8_avx2(const float *x, long rows, int k, const int8_t *panels, const float *wscales,
                             const int32_t *column_sums, const float *bias16, int n, float *y, int gelu) {
    uint8_t q[MR2 * SK_MAX_INT8_INPUTS];
    long r = 0;
    for (; r + MR2 <= rows; r += MR2) rows_avx2(x, k, panels, wscales, column_sums, bias16, n, y, r, MR2, gelu, q);
    if (rows - r >= 2) rows_avx2(x, k, panels, wscales, column_sums, bias16, n, y, r, 2, gelu, q), r += 2;
    if (rows - r >= 1) rows_avx2(x, k, panels, wscales, column_sums, bias16, n, y, r, 1, gelu, q);
}

#pragma clang attribute pop

// ---- AVX-512 VNNI: vpdpbusd -----------------------------------------------------------------------------

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vnni,avx2,fma"))), apply_to = function)

enum { MR5 = 8, PN5 = 2 };  // 8 rows x 2 panels: 16 of the 32 zmm registers accumulate, as the float32 kernel

static inline __attribute__((always_inline)) void store_avx512(__m512i sum, int32_t zero, float scale,
                                                               const int32_t *column_sums, const float *wscales,
                                                               const float *bias, int gelu, float *dst, int valid) {
    const __m512i centred = _mm512_sub_epi32(sum, _mm512_mullo_epi32(_mm512_set1_epi32(zero),
                                                                     _mm512_loadu_si512(column_sums)));
    const __m512 factor = _mm512_mul_ps(_mm512_set1_ps(scale), _mm512_loadu_ps(wscales));
    __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(centred), factor, _mm512_loadu_ps(bias));
    if (gelu) v = SK_GELU_VECTOR(v);
    _mm512_mask_storeu_ps(dst, (__mmask16)((1u << valid) - 1), v);
}

static inline __attribute__((always_inline)) void tile_avx512(const uint8_t *q, long stride, const int8_t *panels,
                                                              long quads, const float *scale, const int32_t *zero,
                                                              const float *wscales, const int32_t *column_sums,
                                                              const float *bias16, int n, float *y, long r0,
                                                              const int mr, int p0, const int pn, int gelu) {
    __m512i acc[MR5][PN5];
    for (int i = 0; i < mr; i++)
        for (int c = 0; c < pn; c++) acc[i][c] = _mm512_setzero_si512();
    for (long t = 0; t < quads; t++) {
        __m512i b[PN5];
        for (int c = 0; c < pn; c++) b[c] = _mm512_loadu_si512(panels + ((long)(p0 + c) * quads + t) * 64);
        for (int i = 0; i < mr; i++) {
            int32_t four;
            memcpy(&four, q + i * stride + t * 4, 4);
            const __m512i a = _mm512_set1_epi32(four);
            for (int c = 0; c < pn; c++) acc[i][c] = _mm512_dpbusd_epi32(acc[i][c], a, b[c]);
        }
    }
    for (int i = 0; i < mr; i++)
        for (int c = 0; c < pn; c++) {
            const int col = (p0 + c) * 16, valid = n - col < 16 ? n - col : 16;
            store_avx512(acc[i][c], zero[i], scale[i], column_sums + col, wscales + col, bias16 + col, gelu,
                         y + (r0 + i) * n + col, valid);
        }
}

// A last panel with at most 8 valid outputs: the first 256 bits of each of its quad rows.
static inline __attribute__((always_inline)) void tile8_avx512(const uint8_t *q, long stride, const int8_t *panels,
                                                               long quads, const float *scale, const int32_t *zero,
                                                               const float *wscales, const int32_t *column_sums,
                                                               const float *bias16, int n, float *y, long r0,
                                                               const int mr, int p, int gelu) {
    __m256i acc[MR5];
    for (int i = 0; i < mr; i++) acc[i] = _mm256_setzero_si256();
    const int8_t *bp = panels + (long)p * quads * 64;
    for (long t = 0; t < quads; t++) {
        const __m256i b = _mm256_loadu_si256((const __m256i *)(bp + t * 64));
        for (int i = 0; i < mr; i++) {
            int32_t four;
            memcpy(&four, q + i * stride + t * 4, 4);
            acc[i] = _mm256_dpbusd_epi32(acc[i], _mm256_set1_epi32(four), b);
        }
    }
    const int col = p * 16, valid = n - col;
    for (int i = 0; i < mr; i++)
        store_avx2(acc[i], zero[i], scale[i], column_sums + col, wscales + col, bias16 + col, gelu,
                   y + (r0 + i) * n + col, valid);
}

static inline __attribute__((always_inline)) void rows_avx512(const float *x, int k, const int8_t *panels,
                                                              const float *wscales, const int32_t *column_sums,
                                                              const float *bias16, int n, float *y, long r0,
                                                              const int mr, int gelu, uint8_t *q) {
    const long quads = (k + 3) / 4, stride = quads * 4;
    float scale[MR5];
    int32_t zero[MR5];
    quantize_rows_avx2(x, k, r0, mr, q, stride, scale, zero);
    const int np = (n + 15) / 16, half = n % 16 != 0 && n % 16 <= 8, full = np - half, paired = full - full % PN5;
    for (int p = 0; p < paired; p += PN5)
        tile_avx512(q, stride, panels, quads, scale, zero, wscales, column_sums, bias16, n, y, r0, mr, p, PN5, gelu);
    if (paired < full)
        tile_avx512(q, stride, panels, quads, scale, zero, wscales, column_sums, bias16, n, y, r0, mr, paired, 1, gelu);
    if (half) tile8_avx512(q, stride, panels, quads, scale, zero, wscales, column_sums, bias16, n, y, r0, mr, full, gelu);
}

static void linear_int8_avx512(const float *x, long rows, int k, const int8_t *panels, const float *wscales,
                               const int32_t *column_sums, const float *bias16, int n, float *y, int gelu) {
    uint8_t q[MR5 * SK_MAX_INT8_INPUTS];
    long r = 0;
    for (; r + MR5 <= rows; r += MR5) rows_avx512(x, k, panels, wscales, column_sums, bias16, n, y, r, MR5, gelu, q);
    if (rows - r >= 4) rows_avx512(x, k, panels, wscales, column_sums, bias16, n, y, r, 4, gelu, q), r += 4;
    if (rows - r >= 2) rows_avx512(x, k, panels, wscales, column_sums, bias16, n, y, r, 2, gelu, q), r += 2;
    if (rows - r >= 1) rows_avx512(x, k, panels, wscales, column_sums, bias16, n, y, r, 1, gelu, q);
}

#pragma clang attribute pop
#endif

int sk_int8_kernel(void) {
#if defined(__x86_64__) && defined(__clang__)
    const int level = sk_kernel_level();
    if (level == SK_LEVEL_AVX512 && sk_avx512_extension(SK_AVX512_VNNI)) return SK_INT8_VNNI;
    if (level >= SK_LEVEL_AVX2) return SK_INT8_AVX2;  // also the AVX-512 build on a CPU without VNNI
#endif
    return SK_INT8_SCALAR;
}

// Measured per shape against the kernel the layer runs otherwise (1 thread, AMD Zen 5; rows as in `quality`'s
// levels). Narrow layers lose: quantizing each row and scaling each output back cost about what the products
// save. AVX2 against float32: (k, n) (16, 64) 0.74x, (32, 64) 0.98x, (32, 128) 1.12x, (64, 64) 1.23x,
// (64, 256) 1.39x, (128, 512) 1.72x. VNNI against bf16: (32, 128) 0.92x, (64, 64) 0.84x, (128, 64) 0.90x,
// (64, 128) 1.05x, (64, 192) 1.13x, (256, 64) 1.06x, (128, 512) 1.58x.
int sk_int8_pays(int k, int n) {
    const long products = (long)k * n;
    switch (sk_int8_kernel()) {
    case SK_INT8_VNNI:
        if (sk_bf16_active()) return k <= SK_MAX_INT8_INPUTS && products >= 12288;
        // fall through: without AVX-512 BF16 the layer would run float32, as on AVX2
    case SK_INT8_AVX2: return k <= SK_MAX_INT8_INPUTS && k >= 32 && n >= 32 && products >= 4096;
    default: return 0;
    }
}

void sk_linear_int8(const float *x, long rows, int k, const int8_t *panels, const float *scales,
                    const int32_t *column_sums, const float *bias16, int n, float *y, int gelu) {
    if (k > SK_MAX_INT8_INPUTS) {  // the kernels' row buffers stop there; a caller past it gets NaNs, not a crash
        for (long r = 0; r < rows * n; r++) y[r] = NAN;
        return;
    }
    switch (sk_int8_kernel()) {
#if defined(__x86_64__) && defined(__clang__)
    case SK_INT8_VNNI: linear_int8_avx512(x, rows, k, panels, scales, column_sums, bias16, n, y, gelu); return;
    case SK_INT8_AVX2: linear_int8_avx2(x, rows, k, panels, scales, column_sums, bias16, n, y, gelu); return;
#endif
    default: linear_int8_scalar(x, rows, k, panels, scales, column_sums, bias16, n, y, gelu); return;
    }
}
