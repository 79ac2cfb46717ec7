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

// GELU(x) = x Phi(x) ~= x (1/2 + xc P(xc^2) / Q(xc^2)), xc = x clamped to +-4.7 (1 - Phi(4.7) = 1.3e-6),
// Phi the normal CDF. Fitted by Scripts/fit_gelu.py: max error 1.5e-6 in float32 (absolute up to |x| = 1,
// relative beyond). No exp and no branch: 2 clamps, 10 multiply-adds and a divide per lane. The erf form it
// replaced applied erf's 1/sqrt(2) and GELU's 1/2 apart from a (5, 5) rational, 15 in all; the quality
// preset's engine time fell 15-20%. SK_GELU_RATIO works on a float or a float vector (sk_v8, sk_v16)
// already clamped.
#ifndef SK_GELU_RATIO
#define SK_GELU_CLAMP 4.7f
#define SK_GELU_RATIO(x) ({                                                                   \
    __typeof__(x) t_ = (x) * (x);                                                             \
    __typeof__(x) p_ = t_ * -7.121308698e-08f + 4.421184349e-05f;                             \
    p_ = p_ * t_ + 4.089783877e-03f;                                                          \
    p_ = p_ * t_ + 2.775935270e-02f;                                                          \
    p_ = p_ * t_ + 3.989582956e-01f;                                                          \
    __typeof__(x) q_ = t_ * 1.337087015e-03f + 2.450951561e-02f;                              \
    q_ = q_ * t_ + 2.363768816e-01f;                                                          \
    q_ = q_ * t_ + 1.0f;                                                                      \
    (x) * p_ / q_;                                                                            \
})
// GELU of a whole vector, in registers: storing a vector and reloading it lane-wise for the scalar
// form stalls on store forwarding (it was ~60% of the fused depthwise conv).
#define SK_GELU_VECTOR(v) ({                                                                  \
    __typeof__(v) g_ = (v), lo_ = (__typeof__(v)){} - SK_GELU_CLAMP, hi_ = -lo_;               \
    __typeof__(v) c_ = __builtin_elementwise_min(__builtin_elementwise_max(g_, lo_), hi_);    \
    g_ * (0.5f + SK_GELU_RATIO(c_));                                                          \
})
#endif

static inline float SK_NAME(gelu1)(float x) {
    float c = x < -SK_GELU_CLAMP ? -SK_GELU_CLAMP : (x > SK_GELU_CLAMP ? SK_GELU_CLAMP : x);
    return x * (0.5f + SK_GELU_RATIO(c));
}

// max of x[0..n), n >= 1. Eight running maxima in one vector: the scalar `m = x > m ? x : m` chain does
// not vectorise (its NaN ordering is not reassociable) and cost ~40% of the attention kernel.
static inline float SK_NAME(row_max)(const float *x, int n) {
    int j = 0;
    float m = x[0];
    if (n >= 8) {
        sk_v8 mv = sk_load8(x);
        for (j = 8; j + 8 <= n; j += 8) mv = __builtin_elementwise_max(mv, sk_load8(x + j));
        for (int lane = 0; lane < 8; lane++) m = mv[lane] > m ? mv[lane] : m;
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

#if defined(SK_ATTENTION_HD16) || defined(SK_ATTENTION_ROW_BLOCK)
// kt (16, n) = the keys of one 16-dim head, transposed and times scale: token t's key at kh + src[t] * row_stride.
static inline void SK_NAME(gather_keys16)(const float *kh, const int *src, long row_stride, float scale, float *kt,
                                          int n) {
    for (int d = 0; d < 16; d++)
        for (int t = 0; t < n; t++) kt[(long)d * n + t] = kh[src[t] * row_stride + d] * scale;
}
#endif

#ifdef SK_ATTENTION_HD16
// Attention products for head dim 16 (one sk_v16 per token: one zmm, or two ymm), n % 64 == 0,
// register-tiled and without BLAS's packing, its zeroing of the (n, n) scores or a gathered copy of q and
// v: query and value rows are read in place from qkv (token t's row at qkv + src[t] * row_stride). Only
// the keys are gathered, transposed and pre-scaled. Tile sizes per build: SK_SCORE_ROWS, SK_SCORE_VECTORS,
// SK_VALUE_ROWS (kernels.c), chosen so the accumulators fit the register file.
_Static_assert(64 % SK_SCORE_ROWS == 0 && 64 % (16 * SK_SCORE_VECTORS) == 0 && 64 % SK_VALUE_ROWS == 0,
               "tiles must divide n, a multiple of 64");

// S = bias + q kt, kt (16, n): a tile of R query rows x 16 J keys accumulates over the 16 dims in
// registers, starting from the bias.
static void SK_NAME(attention_scores16)(const float *q, const int *src, long row_stride, const float *kt,
                                        const float *bias, float *s, int n) {
    enum { R = SK_SCORE_ROWS, J = SK_SCORE_VECTORS };
    for (int i0 = 0; i0 < n; i0 += R) {
        const float *qr[R];
        for (int r = 0; r < R; r++) qr[r] = q + src[i0 + r] * row_stride;
        for (int j0 = 0; j0 < n; j0 += 16 * J) {
            sk_v16 acc[R][J];
            for (int r = 0; r < R; r++)
                for (int jj = 0; jj < J; jj++) acc[r][jj] = sk_load16(bias + (long)(i0 + r) * n + j0 + 16 * jj);
            for (int d = 0; d < 16; d++) {
                sk_v16 kv[J];
                for (int jj = 0; jj < J; jj++) kv[jj] = sk_load16(kt + (long)d * n + j0 + 16 * jj);
                for (int r = 0; r < R; r++)  // scalar * vector broadcasts ((sk_v16){} + x would add)
                    for (int jj = 0; jj < J; jj++) acc[r][jj] += qr[r][d] * kv[jj];
            }
            for (int r = 0; r < R; r++)
                for (int jj = 0; jj < J; jj++) sk_store16(s + (long)(i0 + r) * n + j0 + 16 * jj, acc[r][jj]);
        }
    }
}

// out[src[i]] (16 floats, rows `out_stride` apart) = inv_sum[i] * sum_j e[i][j] v[src[j]]: R query rows
// accumulate in registers; each step loads one value row and broadcasts R weights.
static void SK_NAME(attention_values16)(const float *e, const float *v, long row_stride, const float *inv_sum,
                                        const int *src, float *out, long out_stride, int n) {
    enum { R = SK_VALUE_ROWS };
    for (int i0 = 0; i0 < n; i0 += R) {
        sk_v16 acc[R];
        for (int r = 0; r < R; r++) acc[r] = (sk_v16){};
        for (int j = 0; j < n; j++) {
            sk_v16 vj = sk_load16(v + src[j] * row_stride);
            for (int r = 0; r < R; r++) acc[r] += e[(long)(i0 + r) * n + j] * vj;
        }
        for (int r = 0; r < R; r++) sk_store16(out + (long)src[i0 + r] * out_stride, acc[r] * inv_sum[i0 + r]);
    }
}
#endif

#ifdef SK_ATTENTION_ROW_BLOCK
// Attention for head dim 16 (one sk_v16 per token), n % 16 == 0, a block of R = SK_ATTENTION_ROW_BLOCK
// query rows at a time: their scores against all n keys, softmax, then their outputs. The block's (R, n)
// scores stay in L1, where the whole-matrix form wrote and re-read an (n, n) matrix (256 KB for a 16x16
// window) through L2. Both products keep R x 16 accumulators in registers (R * 2 ymm on AVX2).
// q: query rows in place (token t's at q + src[t] * row_stride); kt (16, n): keys, transposed and
// pre-scaled; vg (n, 16): values, gathered; label (n) or NULL; e: (R, n) scratch.
// The bias comes either dense, bias (n, n), or, when the window side ws is a multiple of 16 so that each
// block of 16 keys is part of one key row, from rev: the relative position table reversed along x
// (relative_bias_reversed), where the 16 biases of query (yi, xi) against keys (yj, xj0 ..< xj0 + 16) are
// contiguous. rev is ~4 KB and stays in L1; the dense matrix (256 KB per head at ws 16) came from L2 and
// cost ~15% of this kernel.
// Rows past the end of the last block repeat its first row through scores, softmax and values, and are
// not stored.
static void SK_NAME(attention_fused16)(const float *q, const int *src, long row_stride, const float *kt,
                                       const float *vg, const float *bias, const float *rev, int ws,
                                       const int *label, float *e, float *out, long out_stride, int n) {
    enum { R = SK_ATTENTION_ROW_BLOCK };
    const int side = 2 * ws - 1;
    for (int i0 = 0; i0 < n; i0 += R) {
        int rows = n - i0 < R ? n - i0 : R;
        // The block's query rows, copied together so the products address them from one register (six row
        // pointers spilled to the stack in the inner loop).
        float qb[R][16];
        const float *br[R];  // dense: bias row of each query; rev: its row for key row 0, column xj = 0
        int lr[R];           // mask region of each query (0 without a mask)
        for (int r = 0; r < R; r++) {
            int i = i0 + (r < rows ? r : 0);
            memcpy(qb[r], q + src[i] * row_stride, sizeof qb[r]);
            br[r] = rev ? rev + (long)(i / ws + ws - 1) * side + (ws - 1 - i % ws) : bias + (long)i * n;
            lr[r] = label ? label[i] : 0;
        }
        // e[r] = bias + q_r kt, 16 keys at a time; with rev, key row yj moves the bias up yj table rows.
        for (int j0 = 0; j0 < n; j0 += 16) {
            long offset = rev ? (long)(j0 % ws) - (long)(j0 / ws) * side : j0;
            sk_v16 acc[R];
            for (int r = 0; r < R; r++) acc[r] = sk_load16(br[r] + offset);
            for (int d = 0; d < 16; d++) {
                sk_v16 kv = sk_load16(kt + (long)d * n + j0);
                for (int r = 0; r < R; r++) acc[r] += qb[r][d] * kv;  // scalar * vector broadcasts
            }
            for (int r = 0; r < R; r++) sk_store16(e + (long)r * n + j0, acc[r]);
        }
        float inv_sum[R];
        for (int r = 0; r < R; r++) inv_sum[r] = SK_NAME(softmax_row)(e + (long)r * n, n, NULL, label, lr[r]);
        // out row = inv_sum * sum_j e[r][j] vg[j]
        sk_v16 acc[R];
        for (int r = 0; r < R; r++) acc[r] = (sk_v16){};
        for (int j = 0; j < n; j++) {
            sk_v16 vj = sk_load16(vg + (long)j * 16);
            for (int r = 0; r < R; r++) acc[r] += e[(long)r * n + j] * vj;
        }
        for (int r = 0; r < rows; r++) sk_store16(out + (long)src[i0 + r] * out_stride, acc[r] * inv_sum[r]);
    }
}
#endif

// Dense bias (n, n), n = ws * ws, of one head from its table (2W-1, 2W-1), W = table_window >= ws:
// bias[i][j] = table[yi - yj + W - 1][xi - xj + W - 1] for window tokens i = (yi, xi), j = (yj, xj).
static void SK_NAME(relative_bias_dense)(const float *table, int table_window, int ws, float *bias) {
    const int n = ws * ws, side = 2 * table_window - 1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            bias[(long)i * n + j] = table[(i / ws - j / ws + table_window - 1) * side + i % ws - j % ws + table_window - 1];
}

// The same table for a window of side ws, reversed along x: rev (2ws-1, 2ws-1) with
// rev[yi - yj + ws - 1][ws - 1 - xi + xj] = bias[i][j], so a query's biases against consecutive keys of one
// key row are consecutive floats.
static void SK_NAME(relative_bias_reversed)(const float *table, int table_window, int ws, float *rev) {
    const int side = 2 * ws - 1, table_side = 2 * table_window - 1, offset = table_window - ws;
    for (int dy = 0; dy < side; dy++)
        for (int v = 0; v < side; v++)
            rev[dy * side + v] = table[(dy + offset) * table_side + (side - 1 - v) + offset];
}

static void SK_NAME(window_attention)(const float *qkv, float *out, int h, int w, int c, int heads, int table_window,
                                      int ws, int shift, const float *table, float *scratch) {
    SK_REASSOCIATE
    const int n = ws * ws, hd = c / heads, table_size = (2 * table_window - 1) * (2 * table_window - 1);
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
    // Heads outside the windows: one head's bias is built once per call and reused by every window.
    for (int hh = 0; hh < heads; hh++) {
        const float *head_table = table + (long)hh * table_size;
#if defined(SK_ATTENTION_ROW_BLOCK)
        const int fused = hd == 16 && n % 16 == 0, compact = fused && ws % 16 == 0;
        float *rev = bias;  // fused path with ws % 16 == 0: the reversed table instead of the dense bias
        if (compact) SK_NAME(relative_bias_reversed)(head_table, table_window, ws, rev);
        else SK_NAME(relative_bias_dense)(head_table, table_window, ws, bias);
#else
        SK_NAME(relative_bias_dense)(head_table, table_window, ws, bias);
#endif
        for (int wy = 0; wy < h / ws; wy++) {
            for (int wx = 0; wx < w / ws; wx++) {
                int masked = 0;
                for (int t = 0; t < n; t++) {
                    int ry = wy * ws + t / ws, rx = wx * ws + t % ws;  // position in the rolled grid
                    src[t] = ((ry + shift) % h) * w + (rx + shift) % w;
                    int ly = ry < h - ws ? 0 : (ry < h - shift ? 1 : 2);
                    int lx = rx < w - ws ? 0 : (rx < w - shift ? 1 : 2);
                    label[t] = shift ? ly * 3 + lx : 0;
                    masked |= label[t] != label[0];
                }
                const float *qh = qkv + hh * hd, *kh = qkv + c + hh * hd, *vh = qkv + 2 * c + hh * hd;
#if defined(SK_ATTENTION_ROW_BLOCK)
                if (fused) {  // keys gathered as kt (16, n) times the scale, values as (n, 16)
                    SK_NAME(gather_keys16)(kh, src, 3L * c, scale, k, n);
                    for (int t = 0; t < n; t++) memcpy(v + (long)t * 16, vh + (long)src[t] * 3 * c, 16 * sizeof(float));
                    SK_NAME(attention_fused16)(qh, src, 3L * c, k, v, compact ? NULL : bias, compact ? rev : NULL, ws,
                                               masked ? label : NULL, s, out + hh * 16, c, n);
                    continue;
                }
#elif defined(SK_ATTENTION_HD16)
                if (hd == 16 && n % 64 == 0) {  // keys gathered as kt (16, n), times the scale
                    SK_NAME(gather_keys16)(kh, src, 3L * c, scale, k, n);
                    SK_NAME(attention_scores16)(qh, src, 3L * c, k, bias, s, n);
                    SK_NAME(softmax_rows)(s, n, NULL, masked ? label : NULL, inv_sum);
                    SK_NAME(attention_values16)(s, vh, 3L * c, inv_sum, src, out + hh * 16, c, n);
                    continue;
                }
#endif
                for (int t = 0; t < n; t++) {
                    const float *row = qkv + (long)src[t] * 3 * c + hh * hd;
                    for (int d = 0; d < hd; d++) {
                        q[t * hd + d] = row[d] * scale;
                        k[t * hd + d] = row[c + d];
                        v[t * hd + d] = row[2 * c + d];
                    }
                }
                // S = q k^T (BLAS), the softmax numerators in place, O = E v (BLAS); the rows of O are scaled
                // by 1/sum as they are scattered back, so the (n, n) matrix is never rescaled.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, hd, 1.0f, q, hd, k, hd, 0.0f, s, n);
                SK_NAME(softmax_rows)(s, n, bias, masked ? label : NULL, inv_sum);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hd, n, 1.0f, s, n, v, hd, 0.0f, o, hd);
                for (int t = 0; t < n; t++) {
                    float *dst = out + (long)src[t] * c + hh * hd;
                    for (int d = 0; d < hd; d++) dst[d] = o[(long)t * hd + d] * inv_sum[t];
                }
            }
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

_Static_assert(SK_LINEAR_PN == 1 || SK_LINEAR_PN == 2, "the last-panel call below assumes PN <= 2");

// Rows r0 ..< r0 + mr, every panel.
static inline __attribute__((always_inline)) void SK_NAME(linear_rows)(
    const float *x, int k, const float *panels, const float *bias16, int n, float *y, long r0, const int mr,
    int gelu) {
    int np = (n + 15) / 16, paired = np - np % SK_LINEAR_PN;
    for (int p = 0; p < paired; p += SK_LINEAR_PN)
        SK_NAME(linear_tile)(x, k, panels, bias16, n, y, r0, mr, p, SK_LINEAR_PN, gelu);
    if (paired < np) SK_NAME(linear_tile)(x, k, panels, bias16, n, y, r0, mr, paired, 1, gelu);
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
