#include "skkernels.h"
#include "bf16_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

// The kernel bodies are compiled once per instruction set and chosen at run time, so the package needs
// no machine-specific compiler flags. The AVX-512 build is the same C code: what it gains is 32 vector
// registers (the GELU and exp polynomials stop reloading their constants) and 16-lane loops.
#if defined(__x86_64__) && defined(__clang__)
#define SK_HAVE_X86_BUILDS 1
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), apply_to = function)
#define SK_NAME(f) f##_avx512
#define SK_LINEAR_MR 8  // 8 rows x 2 panels: 16 of the 32 zmm registers accumulate
#define SK_LINEAR_PN 2
#define SK_DEPTHWISE_X 4  // 4 outputs x 16 channels + up to 8 input columns: 12 zmm
// 16-dim heads, 8 queries at a time: 8 zmm accumulators. 7% faster end to end on AMD Zen 5 than the
// whole-(n, n)-matrix kernel this build used before (which the row blocks replaced on AVX2 first); 12 or
// 16 rows measured the same.
#define SK_ATTENTION_ROW_BLOCK 8
#define SK_ATTENTION8_ROW_BLOCK 8  // 8-dim heads, 8 queries at a time: 8 ymm accumulators
#define SK_BF16_ATTENTION 1         // 16-dim heads may take sk_attention_rows16_bf16 (attention_bf16.c)
#include "kernels_impl.h"
float sk_softmax_row_avx512(float *si, int n, const int *label, int label_i) {
    return softmax_row_avx512(si, n, NULL, label, label_i);
}
#undef SK_LINEAR_MR
#undef SK_LINEAR_PN
#undef SK_DEPTHWISE_X
#undef SK_ATTENTION_ROW_BLOCK
#undef SK_ATTENTION8_ROW_BLOCK
#undef SK_BF16_ATTENTION
#undef SK_NAME
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define SK_NAME(f) f##_avx2
#define SK_LINEAR_MR 6  // 6 rows x 1 panel (2 ymm each): 12 of the 16 ymm registers accumulate
#define SK_LINEAR_PN 1
#define SK_DEPTHWISE_X 2  // 2 outputs x 16 channels (2 ymm each); 3x3: 14 of the 16 ymm registers
#define SK_ATTENTION_ROW_BLOCK 6  // 16-dim heads, 6 queries at a time: 12 ymm accumulators + 2 loads + 1 broadcast
#define SK_ATTENTION8_ROW_BLOCK 8  // 8-dim heads, 8 queries at a time: 8 ymm accumulators + 1 load + 1 broadcast
#include "kernels_impl.h"
#undef SK_LINEAR_MR
#undef SK_LINEAR_PN
#undef SK_DEPTHWISE_X
#undef SK_ATTENTION_ROW_BLOCK
#undef SK_ATTENTION8_ROW_BLOCK
#undef SK_NAME
#pragma clang attribute pop
#endif

#define SK_NAME(f) f##_portable
#define SK_LINEAR_MR 2  // SSE: 2 rows x 1 panel = 8 xmm accumulators
#define SK_LINEAR_PN 1
#define SK_DEPTHWISE_X 1  // SSE: 16 channels are already 4 xmm accumulators
#include "kernels_impl.h"
#undef SK_LINEAR_MR
#undef SK_LINEAR_PN
#undef SK_DEPTHWISE_X
#undef SK_NAME

static int best_level(void) {
#ifdef SK_HAVE_X86_BUILDS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
        return SK_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SK_LEVEL_AVX2;
#endif
    return SK_LEVEL_PORTABLE;
}

int sk_avx512_extension(int extension) {
    static _Atomic int known[SK_AVX512_EXTENSIONS] = {-1, -1};  // every thread computes the same values
    int has = atomic_load_explicit(&known[extension], memory_order_relaxed);
    if (has < 0) {
        has = 0;
#ifdef SK_HAVE_X86_BUILDS
        if (best_level() == SK_LEVEL_AVX512)
            has = extension == SK_AVX512_BF16 ? __builtin_cpu_supports("avx512bf16") : __builtin_cpu_supports("avx512vnni");
#endif
        atomic_store_explicit(&known[extension], has != 0, memory_order_relaxed);
    }
    return has;
}

// Chosen on first use (every thread computes the same value); a tool may select another for the process.
static _Atomic int level = -1;
// A thread's own selection (-1: none): tests compare builds on their thread while other tests run the
// process's build on theirs, so a model compared bit for bit with itself never changes build mid-run.
static _Thread_local int thread_level = -1;

int sk_max_kernel_level(void) { return best_level(); }

static int clamped(int requested) {
    int best = best_level();
    return requested < SK_LEVEL_PORTABLE ? SK_LEVEL_PORTABLE : (requested > best ? best : requested);
}

int sk_kernel_level(void) {
    if (thread_level >= 0) return thread_level;
    int current = atomic_load_explicit(&level, memory_order_relaxed);
    if (current < 0) {
        current = best_level();
        atomic_store_explicit(&level, current, memory_order_relaxed);
    }
    return current;
}

int sk_set_kernel_level(int requested) {
    int chosen = clamped(requested);
    atomic_store_explicit(&level, chosen, memory_order_relaxed);
    return chosen;
}

int sk_thread_kernel_level(void) { return thread_level; }

int sk_set_thread_kernel_level(int requested) {
    thread_level = requested < 0 ? -1 : clamped(requested);
    return sk_kernel_level();
}

#ifdef SK_HAVE_X86_BUILDS
#define DISPATCH(f, ...)                                                         \
    switch (sk_kernel_level()) {                                                  \
    case SK_LEVEL_AVX512: f##_avx512(__VA_ARGS__); break;                         \
    case SK_LEVEL_AVX2: f##_avx2(__VA_ARGS__); break;                             \
    default: f##_portable(__VA_ARGS__); break;                                    \
    }
#else
#define DISPATCH(f, ...) f##_portable(__VA_ARGS__)
#endif

void sk_layer_norm(const float *x, float *y, long rows, int c, const float *gamma, const float *beta, float eps) {
    DISPATCH(layer_norm, x, y, rows, c, gamma, beta, eps);
}

void sk_add_layer_norm(float *x, const float *z, float *y, long rows, int c, const float *gamma, const float *beta,
                       float eps) {
    DISPATCH(add_layer_norm, x, z, y, rows, c, gamma, beta, eps);
}

void sk_gelu(float *x, long n) { DISPATCH(gelu, x, n); }

void sk_depthwise_conv(const float *x, float *y, int h, int w, int c, int k, const float *weight, const float *bias,
                       int fuse_gelu) {
    DISPATCH(depthwise_conv, x, y, h, w, c, k, weight, bias, fuse_gelu);
}

void sk_depthwise_conv_row(const float *const *rows, float *y, int w, int c, int k, const float *weight,
                           const float *bias, int fuse_gelu) {
    DISPATCH(depthwise_row, rows, y, w, c, k, weight, bias, fuse_gelu);
}

void sk_window_attention(const float *qkv, float *out, int h, int w, int c, int heads, int table_window, int window_size,
                         int shift, const float *table, float *scratch, int bf16) {
    bf16 = bf16 && sk_bf16_active();  // only the AVX-512 build has the bf16 products, and only this CPU can run them
    DISPATCH(window_attention, qkv, out, h, w, c, heads, table_window, window_size, shift, table, scratch, bf16);
}

long sk_window_attention_scratch(int c, int window_size) {
    long n = (long)window_size * window_size;
    // q, k, v, o (n x hd each, hd <= c), scores, one head's bias (dense, or its smaller reversed table), two
    // int arrays, 1/sums
    return 4 * n * c + 2 * n * n + 3 * n;
}

// Memory-bound helpers: the compiler's default vectorisation is enough.

void sk_leaky_relu(float *x, long n, float slope) {
    for (long i = 0; i < n; i++) x[i] = x[i] >= 0 ? x[i] : slope * x[i];
}

void sk_conv_tap_sum_row(const float *const *zrows, float *y, int w, int ow, int cout, int k, int pad,
                         const float *bias) {
    const int taps = k * k;
    for (int ox = 0; ox < ow; ox++) {
        float *yo = y + (long)ox * cout;
        for (int o = 0; o < cout; o++) yo[o] = bias ? bias[o] : 0.0f;
        for (int ky = 0; ky < k; ky++) {
            const float *zr = zrows[ky];
            if (!zr) continue;
            for (int kx = 0; kx < k; kx++) {
                int ix = ox + kx - pad;
                if (ix < 0 || ix >= w) continue;
                const float *zt = zr + ((long)ix * taps + ky * k + kx) * cout;
                for (int o = 0; o < cout; o++) yo[o] += zt[o];
            }
        }
    }
}

void sk_add(float *y, const float *x, long n) {
    for (long i = 0; i < n; i++) y[i] += x[i];
}

void sk_concat_channels(const float *a, int ca, const float *b, int cb, float *out, long rows) {
    for (long r = 0; r < rows; r++) {
        memcpy(out + r * (ca + cb), a + r * ca, sizeof(float) * ca);
        memcpy(out + r * (ca + cb) + ca, b + r * cb, sizeof(float) * cb);
    }
}

void sk_im2col(const float *x, float *col, int h, int w, int c, int k, int stride, int pad, int oh, int ow) {
    for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
            float *row = col + ((long)oy * ow + ox) * k * k * c;
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * stride + ky - pad;
                for (int kx = 0; kx < k; kx++) {
                    int ix = ox * stride + kx - pad;
                    float *dst = row + ((long)ky * k + kx) * c;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) memset(dst, 0, sizeof(float) * c);
                    else memcpy(dst, x + ((long)iy * w + ix) * c, sizeof(float) * c);
                }
            }
        }
    }
}

void sk_pixel_shuffle2(const float *g, float *y, int h, int w, int cout, const float *bias) {
    for (int iy = 0; iy < h; iy++)
        for (int ix = 0; ix < w; ix++)
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++) {
                    const float *src = g + (((long)iy * w + ix) * 4 + dy * 2 + dx) * cout;
                    float *dst = y + ((long)(2 * iy + dy) * 2 * w + 2 * ix + dx) * cout;
                    for (int o = 0; o < cout; o++) dst[o] = src[o] + (bias ? bias[o] : 0.0f);
                }
}

void sk_eca(float *x, long rows, int c, const float *w3, float *scratch) {
    float *mean = scratch, *gate = scratch + c;
    for (int ch = 0; ch < c; ch++) mean[ch] = 0;
    for (long r = 0; r < rows; r++)
        for (int ch = 0; ch < c; ch++) mean[ch] += x[r * c + ch];
    for (int ch = 0; ch < c; ch++) mean[ch] /= (float)rows;
    for (int ch = 0; ch < c; ch++) {
        float a = (ch > 0 ? w3[0] * mean[ch - 1] : 0) + w3[1] * mean[ch] + (ch + 1 < c ? w3[2] * mean[ch + 1] : 0);
        gate[ch] = 1.0f / (1.0f + expf(-a));
    }
    for (long r = 0; r < rows; r++)
        for (int ch = 0; ch < c; ch++) x[r * c + ch] *= gate[ch];
}

void sk_pack_linear(const float *weight, const float *bias, int n, int k, float *panels, float *bias16) {
    int np = (n + 15) / 16;
    memset(panels, 0, sizeof(float) * (size_t)np * 16 * (size_t)k);
    memset(bias16, 0, sizeof(float) * (size_t)np * 16);
    for (int j = 0; j < n; j++) {
        for (int kk = 0; kk < k; kk++) panels[((long)(j / 16) * k + kk) * 16 + j % 16] = weight[(long)j * k + kk];
        if (bias) bias16[j] = bias[j];
    }
}

void sk_linear(const float *x, long rows, int k, const float *panels, const float *bias16, int n, float *y, int gelu) {
    DISPATCH(linear, x, rows, k, panels, bias16, n, y, gelu);
}
