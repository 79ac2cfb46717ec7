// Kernel bodies, included three times by kernels.c: compiled for AVX-512, for AVX2+FMA and portable.
// SK_NAME(f) gives each build its own symbol names. Loops are written so that clang vectorises the
// innermost one over contiguous channels. Sums and maxima are allowed to be reassociated
// (`#pragma clang fp reassociate`) so that reductions vectorise too; the tests' tolerances cover it.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cblas.h>

#ifndef SK_VECTOR_TYPES
#define SK_VECTOR_TYPES
// 8 floats, unaligned and allowed to alias float; on a build without AVX the compiler splits it into
// SSE halves. Macros, not functions: passing 256-bit vectors by value has no portable ABI.
typedef float sk_v8 __attribute__((vector_size(32), aligned(4), may_alias));
#define sk_load8(p) (*(const sk_v8 *)(p))
#define sk_store8(p, v) (*(sk_v8 *)(p) = (v))
// 16 floats: one panel row of packed Linear weights (one AVX-512 register, two AVX2 ones).
typedef float sk_v16 __attribute__((vector_size(64), aligned(4), may_alias));
#define sk_load16(p) (*(const sk_v16 *)(p))
#define sk_store16(p, v) (*(sk_v16 *)(p) = (v))
#endif

#if defined(__clang__)
#define SK_REASSOCIATE _Pragma("clang fp reassociate(on)")
#else
#define SK_REASSOCIATE
#endif

// e^x = 2^n 2^f with n = round(x log2 e) and f = x log2 e - n in [-0.5, 0.5] (the FMA keeps f exact to
// log2 e's rounding); 2^f by a degree-5 minimax polynomial (Scripts/fit_exp2.py: relative error 2.3e-7 in
// float32), 2^n by building the exponent bits. Relative error 2.3e-7 for |x| <= 1, 3.5e-7 to 10, 1.4e-6 at
// 87 (there the float log2 e's error shows). 13 vector operations, no table and no library call, so loops
// that use it vectorise; the Cephes form (two-constant reduction, floor) took ~20, and the softmax's exp was
// a quarter of the attention kernel.
static inline float SK_NAME(expf)(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    float n = __builtin_rintf(x * 1.44269504088896341f);
    float f = __builtin_fmaf(x, 1.44269504088896341f, -n);
    float p = 1.3276471291e-03f;
    p = p * f + 9.6755418926e-03f;
    p = p * f + 5.5507130921e-02f;
    p = p * f + 2.4022120237e-01f;
    p = p * f + 6.9314694405e-01f;
    p = p * f + 1.0000001192e+00f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#include "gelu_impl.h"

static inline float SK_NAME(gelu1)(float x) { return SK_GELU_SCALAR(x); }

// max of x[0..n), n >= 1, for finite x. Sixteen running maxima in one vector: the scalar
// `m = x > m ? x : m` chain does not vectorise (its NaN ordering is not reassociable) and cost ~40% of the
// attention kernel. The lane max is written as compare-and-select, not __builtin_elementwise_max, whose
// NaN rules cost a compare and a blend on top of each max (a third of the row max on AVX-512).
static inline float SK_NAME(row_max)(const float *x, int n) {
    typedef int32_t mask16 __attribute__((vector_size(64), aligned(4)));
    int j = 0;
    float m = x[0];
    if (n >= 16) {
        sk_v16 mv = sk_load16(x);
        for (j = 16; j + 16 <= n; j += 16) {
            sk_v16 v = sk_load16(x + j);
            mask16 greater = v > mv;
            mv = (sk_v16)((greater & (mask16)v) | (~greater & (mask16)mv));
        }
        for (int lane = 0; lane < 16; lane++) m = mv[lane] > m ? mv[lane] : m;
    }
    for (; j < n; j++) m = x[j] > m ? x[j] : m;
    return m;
}

static void SK_NAME(layer_norm)(const float *x, float *y, long rows, int c, const float *gamma,
                                const float *beta, float eps) {
    SK_REASSOCIATE
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * c;
        float *yr = y + r * c;
        float mean = 0, var = 0;
        for (int i = 0; i < c; i++) mean += xr[i];
        mean /= c;
        for (int i = 0; i < c; i++) var += (xr[i] - mean) * (xr[i] - mean);
        float inv = 1.0f / sqrtf(var / c + eps);
        for (int i = 0; i < c; i++) yr[i] = (xr[i] - mean) * inv * gamma[i] + beta[i];
    }
}

// x += z, then y = LayerNorm(x): the residual add and the next normalisation in one pass over x.
static void SK_NAME(add_layer_norm)(float *x, const float *z, float *y, long rows, int c, const float *gamma,
                                    const float *beta, float eps) {
    SK_REASSOCIATE
    for (long r = 0; r < rows; r++) {
        float *xr = x + r * c;
        const float *zr = z + r * c;
        float mean = 0;
        for (int i = 0; i < c; i++) {
            xr[i] += zr[i];
            mean += xr[i];
        }
        mean /= c;
        float var = 0;
        for (int i = 0; i < c; i++) var += (xr[i] - mean) * (xr[i] - mean);
        float inv = 1.0f / sqrtf(var / c + eps);
        float *yr = y + r * c;
        for (int i = 0; i < c; i++) yr[i] = (xr[i] - mean) * inv * gamma[i] + beta[i];
    }
}

// Whole vectors through SK_GELU_VECTOR, the form fused into the Linear and depthwise kernels (so the
// kernel tests cover it across its range), then the scalar form for the tail.
static void SK_NAME(gelu)(float *x, long n) {
    SK_REASSOCIATE
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        sk_v16 v = sk_load16(x + i);
        sk_store16(x + i, SK_GELU_VECTOR(v));
    }
    for (; i < n; i++) x[i] = SK_NAME(gelu1)(x[i]);
}

// Depthwise conv, channels c0..c-1 of output pixel ox (out = its first channel): the border path, where
// some taps fall outside the row. Channel blocks of 16 stay in registers across all k*k taps (one store per
// block instead of one per tap); taps outside the image are skipped (zero padding).
static inline void SK_NAME(depthwise_pixel)(const float *const *rows, float *out, int ox, int w, int c, int c0,
                                            int k, const float *weight, const float *bias, int fuse_gelu) {
    SK_REASSOCIATE
    enum { B = 16 };
    int p = k / 2;
    int kx0 = ox - p < 0 ? p - ox : 0, kx1 = ox + k - p > w ? w - ox + p : k;
    int cb = c0;
    for (; cb + B <= c; cb += B) {
        // One 16-lane accumulator (an explicit vector: clang scalarises a float[16] here).
        sk_v16 acc = bias ? sk_load16(bias + cb) : (sk_v16){0};
        for (int ky = 0; ky < k; ky++) {
            if (!rows[ky]) continue;
            const float *in = rows[ky] + (long)(ox - p + kx0) * c + cb;  // first tap inside the row
            const float *wt = weight + ((long)ky * k + kx0) * c + cb;
            for (int kx = 0; kx < kx1 - kx0; kx++) acc += sk_load16(in + (long)kx * c) * sk_load16(wt + (long)kx * c);
        }
        if (fuse_gelu) acc = SK_GELU_VECTOR(acc);
        sk_store16(out + cb, acc);
    }
    for (; cb < c; cb++) {  // channel tail
        float acc = bias ? bias[cb] : 0.0f;
        for (int ky = 0; ky < k; ky++) {
            if (!rows[ky]) continue;
            for (int kx = kx0; kx < kx1; kx++)
                acc += rows[ky][(long)(ox + kx - p) * c + cb] * weight[((long)ky * k + kx) * c + cb];
        }
        out[cb] = fuse_gelu ? SK_NAME(gelu1)(acc) : acc;
    }
}

// Interior outputs ox0 <= ox < ox1 (every tap inside the row) for a kernel side K known at compile time
// (the call sites pass literals, so the tap loops unroll and the arrays below live in registers). A group of
// SK_DEPTHWISE_X outputs x 16 channels accumulates in registers; each kernel row loads its X + K - 1 input
// columns once and every column serves up to K outputs, so a tap costs one weight load for X FMAs
// instead of two loads per FMA. Channels past the last full block of 16, and the last < X outputs, take
// the pixel path.
static inline __attribute__((always_inline)) void SK_NAME(depthwise_interior)(
    const float *const *rows, float *out_row, int ox0, int ox1, int w, int c, const int K,
    const float *weight, const float *bias, int fuse_gelu) {
    SK_REASSOCIATE
    enum { B = 16, X = SK_DEPTHWISE_X };
    const int p = K / 2;
    int ox = ox0;
    for (; ox + X <= ox1; ox += X) {
        int cb = 0;
        for (; cb + B <= c; cb += B) {
            sk_v16 acc[X];
            sk_v16 b = bias ? sk_load16(bias + cb) : (sk_v16){0};
            for (int j = 0; j < X; j++) acc[j] = b;
            for (int ky = 0; ky < K; ky++) {
                if (!rows[ky]) continue;
                const float *in = rows[ky] + (long)(ox - p) * c + cb;  // (X + K - 1) columns, stride c
                const float *wt = weight + (long)ky * K * c + cb;         // (K) taps, stride c
                sk_v16 col[X + 4];                                         // X + K - 1 used (K <= 5)
                for (int t = 0; t < X + K - 1; t++) col[t] = sk_load16(in + (long)t * c);
                for (int kx = 0; kx < K; kx++) {
                    sk_v16 tap = sk_load16(wt + (long)kx * c);
                    for (int j = 0; j < X; j++) acc[j] += col[j + kx] * tap;
                }
            }
            for (int j = 0; j < X; j++) {
                sk_v16 v = acc[j];
                if (fuse_gelu) v = SK_GELU_VECTOR(v);
                sk_store16(out_row + (long)(ox + j) * c + cb, v);
            }
        }
        for (int j = 0; j < X && cb < c; j++)  // channel tail of the group
            SK_NAME(depthwise_pixel)(rows, out_row + (long)(ox + j) * c, ox + j, w, c, cb, K, weight, bias, fuse_gelu);
    }
    for (; ox < ox1; ox++)
        SK_NAME(depthwise_pixel)(rows, out_row + (long)ox * c, ox, w, c, 0, K, weight, bias, fuse_gelu);
}

// Depthwise conv, one output row: rows[ky] is the input row oy + ky - k/2 (w, c), or NULL outside the
// image (zero padding). The 3x3 (LeFF) and 5x5 (Phi) kernels take the register-tiled interior path;
// border pixels and other kernel sides take the pixel path. With fuse_gelu the GELU that always follows
// it in LeFF and Phi is applied before the store (one pass less).
static void SK_NAME(depthwise_row)(const float *const *rows, float *out_row, int w, int c, int k,
                                   const float *weight, const float *bias, int fuse_gelu) {
    int p = k / 2, ox0 = 0, ox1 = 0;
    if ((k == 3 || k == 5) && w > 2 * p) {
        ox0 = p, ox1 = w - p;
        if (k == 3) SK_NAME(depthwise_interior)(rows, out_row, ox0, ox1, w, c, 3, weight, bias, fuse_gelu);
        else SK_NAME(depthwise_interior)(rows, out_row, ox0, ox1, w, c, 5, weight, bias, fuse_gelu);
    }
    for (int ox = 0; ox < w; ox++)
        if (ox < ox0 || ox >= ox1)
            SK_NAME(depthwise_pixel)(rows, out_row + (long)ox * c, ox, w, c, 0, k, weight, bias, fuse_gelu);
}

// Whole grid: one row at a time.
static void SK_NAME(depthwise_conv)(const float *x, float *y, int h, int w, int c, int k,
                                    const float *weight, const float *bias, int fuse_gelu) {
    const float *rows[SK_MAX_DEPTHWISE_KERNEL];
    int p = k / 2;
    for (int oy = 0; oy < h; oy++) {
        for (int ky = 0; ky < k; ky++) {
            int iy = oy + ky - p;
            rows[ky] = iy >= 0 && iy < h ? x + (long)iy * w * c : NULL;
        }
        SK_NAME(depthwise_row)(rows, y + (long)oy * w * c, w, c, k, weight, bias, fuse_gelu);
    }
}

// Softmax numerator of one score row si (n) in place: + bias_row (n) unless NULL, -100 towards keys in
// another Swin mask region than the query's (label_i) when label (n) is given, then e^(s - row max).
// Returns 1 / the row's sum, applied to the output instead of to the row.
static inline float SK_NAME(softmax_row)(float *si, int n, const float *bias_row, const int *label, int label_i) {
    SK_REASSOCIATE
    if (bias_row)
        for (int j = 0; j < n; j++) si[j] += bias_row[j];
    if (label)
        for (int j = 0; j < n; j++) si[j] += label_i != label[j] ? -100.0f : 0.0f;
    float m = SK_NAME(row_max)(si, n), sum = 0;
    for (int j = 0; j < n; j++) {
        float e = SK_NAME(expf)(si[j] - m);
        si[j] = e;
        sum += e;
    }
    return 1.0f / sum;
}

// Softmax numerators of the (n, n) scores s in place, one query row at a time (bias (n, n) or NULL, label
// (n) or NULL as in softmax_row); inv_sum[i] = 1 / row i's sum.
static void SK_NAME(softmax_rows)(float *s, int n, const float *bias, const int *label, float *inv_sum) {
    for (int i = 0; i < n; i++)
        inv_sum[i] = SK_NAME(softmax_row)(s + (long)i * n, n, bias ? bias + (long)i * n : NULL, label,
                                          label ? label[i] : 0);
}

// An 8x8 block transposed: dst[d * dst_stride + i] = scale * rows[i][d]. Three rounds of shuffles
// (pairs of floats, pairs of pairs, halves); clang lowers them to unpack/shuffle/permute on AVX.
static inline void SK_NAME(transpose8x8)(const float *const rows[8], float scale, float *dst, long dst_stride) {
    sk_v8 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) r[i] = sk_load8(rows[i]) * scale;
    for (int i = 0; i < 8; i += 2) {  // t[i] = r[i], r[i+1] interleaved in the low, t[i+1] in the high pairs
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {  // u[i + m]: 4 rows of columns m and m + 4
        u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int m = 0; m < 4; m++) {
        sk_store8(dst + m * dst_stride, __builtin_shufflevector(u[m], u[m + 4], 0, 1, 2, 3, 8, 9, 10, 11));
        sk_store8(dst + (m + 4) * dst_stride, __builtin_shufflevector(u[m], u[m + 4], 4, 5, 6, 7, 12, 13, 14, 15));
    }
}

// kt (hd, n) = the keys of one head, transposed and times scale: token t's key at kh + src[t] * row_stride.
// n and hd multiples of 8: 8x8 blocks through register shuffles (the scalar strided stores they replace
// were ~10% of the 8-dim attention kernel).
static inline void SK_NAME(gather_keys)(const float *kh, const int *src, long row_stride, float scale, float *kt,
                                        int n, int hd) {
    for (int t0 = 0; t0 < n; t0 += 8) {
        const float *rows[8];
        for (int i = 0; i < 8; i++) rows[i] = kh + src[t0 + i] * row_stride;
        for (int d0 = 0; d0 < hd; d0 += 8) {
            SK_NAME(transpose8x8)(rows, scale, kt + (long)d0 * n + t0, n);
            for (int i = 0; i < 8; i++) rows[i] += 8;
        }
    }
}


// Row-block attention (attention_rows_impl.h) for the head dims this build has a block size for:
// SK_ATTENTION_ROW_BLOCK for 16-dim heads, SK_ATTENTION8_ROW_BLOCK for 8-dim ones.
#ifdef SK_ATTENTION_ROW_BLOCK
#define SK_HD 16
#define SK_HROWS SK_ATTENTION_ROW_BLOCK
#define SK_ATTENTION_ROWS_FN SK_NAME(attention_rows16)
#include "attention_rows_impl.h"
#endif
#ifdef SK_ATTENTION8_ROW_BLOCK
#define SK_HD 8
#define SK_HROWS SK_ATTENTION8_ROW_BLOCK
#define SK_ATTENTION_ROWS_FN SK_NAME(attention_rows8)
#include "attention_rows_impl.h"
#endif

// Whether this build has a row-block kernel for head dim hd (see attention_rows above).
static inline int SK_NAME(has_attention_rows)(int hd) {
#ifdef SK_ATTENTION_ROW_BLOCK
    if (hd == 16) return 1;
#endif
#ifdef SK_ATTENTION8_ROW_BLOCK
    if (hd == 8) return 1;
#endif
    return 0;
}

// The row-block kernel for head dim hd; only called when has_attention_rows(hd).
static inline void SK_NAME(attention_rows)(int hd, const float *q, const int *src, long row_stride, const float *kt,
                                           const float *vg, const float *bias, const float *rev, int window_size,
                                           const int *label, float *e, float *out, long out_stride, int n) {
#ifdef SK_ATTENTION_ROW_BLOCK
    if (hd == 16) SK_NAME(attention_rows16)(q, src, row_stride, kt, vg, bias, rev, window_size, label, e, out, out_stride, n);
#endif
#ifdef SK_ATTENTION8_ROW_BLOCK
    if (hd == 8) SK_NAME(attention_rows8)(q, src, row_stride, kt, vg, bias, rev, window_size, label, e, out, out_stride, n);
#endif
    // Any other hd: has_attention_rows was false and the caller took another path.
}

// Dense bias (n, n), n = window_size * window_size, of one head from its table (2W-1, 2W-1), W = table_window >= window_size:
// bias[i][j] = table[yi - yj + W - 1][xi - xj + W - 1] for window tokens i = (yi, xi), j = (yj, xj).
static void SK_NAME(relative_bias_dense)(const float *table, int table_window, int window_size, float *bias) {
    const int n = window_size * window_size, side = 2 * table_window - 1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            bias[(long)i * n + j] = table[(i / window_size - j / window_size + table_window - 1) * side + i % window_size - j % window_size + table_window - 1];
}

// The same table for a window of side window_size, reversed along x: rev (2ws-1, 2ws-1) with
// rev[yi - yj + window_size - 1][window_size - 1 - xi + xj] = bias[i][j], so a query's biases against consecutive keys of one
// key row are consecutive floats.
static void SK_NAME(relative_bias_reversed)(const float *table, int table_window, int window_size, float *rev) {
    const int side = 2 * window_size - 1, table_side = 2 * table_window - 1, offset = table_window - window_size;
    for (int dy = 0; dy < side; dy++)
        for (int v = 0; v < side; v++)
            rev[dy * side + v] = table[(dy + offset) * table_side + (side - 1 - v) + offset];
}

// The tokens of window (wy, wx): token t = (ty, tx) sits at (ry, rx) in the grid rolled by -shift, which is
// src[t] = (ry + shift, rx + shift) mod (h, w) in the grid (shift < window_size <= h, w: one wrap at most), and
// label[t] is its Swin mask region (0 without shift). Returns whether the window mixes regions.
static inline int SK_NAME(window_tokens)(int h, int w, int window_size, int shift, int wy, int wx, int *src, int *label) {
    int masked = 0;
    for (int ty = 0, t = 0; ty < window_size; ty++) {
        int ry = wy * window_size + ty, sy = ry + shift < h ? ry + shift : ry + shift - h;
        int ly = ry < h - window_size ? 0 : (ry < h - shift ? 1 : 2);
        for (int tx = 0; tx < window_size; tx++, t++) {
            int rx = wx * window_size + tx, sx = rx + shift < w ? rx + shift : rx + shift - w;
            int lx = rx < w - window_size ? 0 : (rx < w - shift ? 1 : 2);
            src[t] = sy * w + sx;
            label[t] = shift ? ly * 3 + lx : 0;
            masked |= label[t] != label[0];
        }
    }
    return masked;
}

// Softmax(q k^T + bias + mask) v of one window and head: q, k, v of token t at qkv_head + src[t] * 3c
// (+ c, + 2c), its output to out_head + src[t] * c. bias: (n, n) dense, or rev (the reversed table) when
// the row kernel takes it; label (n) or NULL; scratch as in window_attention.
static void SK_NAME(attend_window)(const float *qkv_head, float *out_head, int c, int hd, int window_size, float scale,
                                   const int *src, const int *label, int rows_kernel, const float *bias,
                                   const float *rev, float *q, float *k, float *v, float *s, float *o,
                                   float *inv_sum, int bf16) {
    const int n = window_size * window_size;
    const float *qh = qkv_head, *kh = qkv_head + c, *vh = qkv_head + 2 * c;
    if (rows_kernel) {  // keys gathered as kt (hd, n) times the scale, values as (n, hd)
        SK_NAME(gather_keys)(kh, src, 3L * c, scale, k, n, hd);
        for (int t = 0; t < n; t++)
            for (int d0 = 0; d0 < hd; d0 += 8) sk_store8(v + (long)t * hd + d0, sk_load8(vh + (long)src[t] * 3 * c + d0));
#ifdef SK_BF16_ATTENTION
        if (bf16 && hd == 16 && n % 32 == 0 && n <= SK_BF16_ATTENTION_MAX_TOKENS) {
            sk_attention_rows16_bf16(qh, src, 3L * c, k, v, bias, rev, window_size, label, s, out_head, c, n);
            return;
        }
#endif
        SK_NAME(attention_rows)(hd, qh, src, 3L * c, k, v, bias, rev, window_size, label, s, out_head, c, n);
        return;
    }
    for (int t = 0; t < n; t++) {
        const float *row = qkv_head + (long)src[t] * 3 * c;
        for (int d = 0; d < hd; d++) {
            q[t * hd + d] = row[d] * scale;
            k[t * hd + d] = row[c + d];
            v[t * hd + d] = row[2 * c + d];
        }
    }
    // S = q k^T (BLAS), the softmax numerators in place, O = E v (BLAS); the rows of O are scaled by 1/sum
    // as they are scattered back, so the (n, n) matrix is never rescaled.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, hd, 1.0f, q, hd, k, hd, 0.0f, s, n);
    SK_NAME(softmax_rows)(s, n, bias, label, inv_sum);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hd, n, 1.0f, s, n, v, hd, 0.0f, o, hd);
    for (int t = 0; t < n; t++) {
        float *dst = out_head + (long)src[t] * c;
        for (int d = 0; d < hd; d++) dst[d] = o[(long)t * hd + d] * inv_sum[t];
    }
}

static void SK_NAME(window_attention)(const float *qkv, float *out, int h, int w, int c, int heads, int table_window,
                                      int window_size, int shift, const float *table, float *scratch, int bf16) {
    SK_REASSOCIATE
    (void)bf16;  // read only by the build that has the bf16 products
    const int n = window_size * window_size, hd = c / heads, table_size = (2 * table_window - 1) * (2 * table_window - 1);
    const int windows_x = w / window_size, windows = (h / window_size) * windows_x;
    const float scale = 1.0f / sqrtf((float)hd);
    float *q = scratch;              // (n, hd)
    float *k = q + (long)n * hd;     // (n, hd)
    float *v = k + (long)n * hd;     // (n, hd)
    float *s = v + (long)n * hd;     // (n, n) scores, then probabilities
    float *o = s + (long)n * n;      // (n, hd) window output before scattering back
    float *bias = o + (long)n * hd;  // (n, n) this head's dense bias, or (2ws-1, 2ws-1) its reversed table
    int *src = (int *)(bias + (long)n * n);  // (n) token index in the unshifted grid
    int *label = src + n;                    // (n) Swin mask region of each token
    float *inv_sum = (float *)(label + n);   // (n) 1 / softmax denominator of each query row
    const int rows_kernel = SK_NAME(has_attention_rows)(hd) && n % hd == 0, compact = rows_kernel && window_size % hd == 0;
    // Heads outside the windows: one head's bias is built once per call and reused by every window.
    for (int hh = 0; hh < heads; hh++) {
        const float *head_table = table + (long)hh * table_size;
        float *rev = bias;  // row kernel with window_size % hd == 0: the reversed table instead of the dense bias
        if (compact) SK_NAME(relative_bias_reversed)(head_table, table_window, window_size, rev);
        else SK_NAME(relative_bias_dense)(head_table, table_window, window_size, bias);
        const float *qkv_head = qkv + hh * hd;
        for (int win = 0; win < windows; win++) {
            int masked = SK_NAME(window_tokens)(h, w, window_size, shift, win / windows_x, win % windows_x, src, label);
            SK_NAME(attend_window)(qkv_head, out + hh * hd, c, hd, window_size, scale, src, masked ? label : NULL, rows_kernel,
                                   compact ? NULL : bias, compact ? rev : NULL, q, k, v, s, o, inv_sum, bf16);
        }
    }
}

// Linear layer on weights packed into panels of 16 output features (see sk_pack_linear). A micro-tile of
// mr rows x pn panels keeps its accumulators in registers for the whole k loop: per k step it loads pn
// panel rows and broadcasts mr inputs. mr and pn are constants at every call site (mr: SK_LINEAR_MR, or 4,
// 2, 1 for the last rows; pn: SK_LINEAR_PN, or 1 for the last odd panel), so the loops unroll and a tile
// computes no rows it does not store. (Interleaving the mr input rows first, as big GEMMs pack A, lost
// 10-40% here: k is small, and the transpose costs about as much as the tile.)
static inline __attribute__((always_inline)) void SK_NAME(linear_tile)(
    const float *x, int k, const float *panels, const float *bias16, int n, float *y, long r0, const int mr,
    int p0, const int pn, int gelu) {
    sk_v16 acc[SK_LINEAR_MR][SK_LINEAR_PN];
    const float *xr[SK_LINEAR_MR];
    const float *bp[SK_LINEAR_PN];
    for (int q = 0; q < pn; q++) {
        bp[q] = panels + (long)(p0 + q) * k * 16;
        for (int i = 0; i < mr; i++) acc[i][q] = sk_load16(bias16 + (p0 + q) * 16);
    }
    for (int i = 0; i < mr; i++) xr[i] = x + (r0 + i) * k;
    for (int kk = 0; kk < k; kk++) {
        sk_v16 b[SK_LINEAR_PN];
        for (int q = 0; q < pn; q++) b[q] = sk_load16(bp[q] + kk * 16);
        for (int i = 0; i < mr; i++) {
            float a = xr[i][kk];
            for (int q = 0; q < pn; q++) acc[i][q] += a * b[q];
        }
    }
    for (int i = 0; i < mr; i++) {
        for (int q = 0; q < pn; q++) {
            int col = (p0 + q) * 16, valid = n - col < 16 ? n - col : 16;
            float *dst = y + (r0 + i) * n + col;
            if (gelu) acc[i][q] = SK_GELU_VECTOR(acc[i][q]);
            if (valid == 16) {
                sk_store16(dst, acc[i][q]);
            } else {
                float t[16];
                sk_store16(t, acc[i][q]);
                memcpy(dst, t, (size_t)valid * sizeof(float));
            }
        }
    }
}

// linear_tile for a last panel with at most 8 valid outputs (8-wide layers of the fast preset, 24 = 16 + 8):
// only the panel's first 8 columns, one sk_v8 per row, instead of a full panel of which half is padding.
static inline __attribute__((always_inline)) void SK_NAME(linear_tile8)(
    const float *x, int k, const float *panels, const float *bias16, int n, float *y, long r0, const int mr,
    int p0, int gelu) {
    sk_v8 acc[SK_LINEAR_MR];
    const float *bp = panels + (long)p0 * k * 16;
    const float *xr[SK_LINEAR_MR];
    for (int i = 0; i < mr; i++) acc[i] = sk_load8(bias16 + p0 * 16), xr[i] = x + (r0 + i) * k;
    for (int kk = 0; kk < k; kk++) {
        sk_v8 b = sk_load8(bp + kk * 16);
        for (int i = 0; i < mr; i++) acc[i] += xr[i][kk] * b;
    }
    const int col = p0 * 16, valid = n - col;
    for (int i = 0; i < mr; i++) {
        float *dst = y + (r0 + i) * n + col;
        if (gelu) acc[i] = SK_GELU_VECTOR(acc[i]);
        if (valid == 8) {
            sk_store8(dst, acc[i]);
        } else {
            float t[8];
            sk_store8(t, acc[i]);
            memcpy(dst, t, (size_t)valid * sizeof(float));
        }
    }
}

_Static_assert(SK_LINEAR_PN == 1 || SK_LINEAR_PN == 2, "the last-panel call below assumes PN <= 2");

// Rows r0 ..< r0 + mr, every panel; a last panel with at most 8 valid outputs as a half panel.
static inline __attribute__((always_inline)) void SK_NAME(linear_rows)(
    const float *x, int k, const float *panels, const float *bias16, int n, float *y, long r0, const int mr,
    int gelu) {
    const int np = (n + 15) / 16, half = n % 16 != 0 && n % 16 <= 8, full = np - half;
    const int paired = full - full % SK_LINEAR_PN;
    for (int p = 0; p < paired; p += SK_LINEAR_PN)
        SK_NAME(linear_tile)(x, k, panels, bias16, n, y, r0, mr, p, SK_LINEAR_PN, gelu);
    if (paired < full) SK_NAME(linear_tile)(x, k, panels, bias16, n, y, r0, mr, paired, 1, gelu);
    if (half) SK_NAME(linear_tile8)(x, k, panels, bias16, n, y, r0, mr, full, gelu);
}

static void SK_NAME(linear)(const float *x, long rows, int k, const float *panels, const float *bias16, int n,
                            float *y, int gelu) {
    long r = 0;
    for (; r + SK_LINEAR_MR <= rows; r += SK_LINEAR_MR)
        SK_NAME(linear_rows)(x, k, panels, bias16, n, y, r, SK_LINEAR_MR, gelu);
    // The last < MR rows in tiles of 4, 2 and 1 (a grid row of 128 tokens is 21 x 6 + 2 on AVX2: a whole
    // 6-row tile for 2 rows wasted 3-11% of the LeFF's row-streamed products).
#if SK_LINEAR_MR > 4
    if (rows - r >= 4) SK_NAME(linear_rows)(x, k, panels, bias16, n, y, r, 4, gelu), r += 4;
#endif
#if SK_LINEAR_MR > 2
    if (rows - r >= 2) SK_NAME(linear_rows)(x, k, panels, bias16, n, y, r, 2, gelu), r += 2;
#endif
    if (rows - r >= 1) SK_NAME(linear_rows)(x, k, panels, bias16, n, y, r, 1, gelu);
}
