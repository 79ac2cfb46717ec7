// Fast CPU kernels of the engine, channel-last layout: a token grid (H, W, C) is H*W rows of C floats.
// Each kernel has a naive Swift twin in Sources/Engine/Reference that the tests compare it with.
// Every entry point runs the best build this CPU supports (AVX-512, AVX2+FMA, portable), or the one
// sk_set_kernel_level chose.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[n, :] = (x[n, :] - mean) / sqrt(var + eps) * gamma + beta, per row of c. x and y may alias.
void sk_layer_norm(const float *x, float *y, long rows, int c, const float *gamma, const float *beta, float eps);
/// x += z (residual), then y = LayerNorm(x) per row of c, in one pass. y must not alias x or z.
void sk_add_layer_norm(float *x, const float *z, float *y, long rows, int c, const float *gamma, const float *beta,
                       float eps);
/// x = x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), in place (the erf GELU, to 1.5e-6: Scripts/fit_gelu.py).
void sk_gelu(float *x, long n);
/// x = x >= 0 ? x : slope * x, in place.
void sk_leaky_relu(float *x, long n, float slope);
/// y += x (n floats).
void sk_add(float *y, const float *x, long n);
/// out (rows, ca + cb) = [a (rows, ca) | b (rows, cb)].
void sk_concat_channels(const float *a, int ca, const float *b, int cb, float *out, long rows);
/// Depthwise k x k conv, stride 1, zero padding k/2, odd k <= SK_MAX_DEPTHWISE_KERNEL. x, y: (h, w, c);
/// weight (k, k, c); bias (c) or NULL.
/// fuse_gelu != 0 applies GELU to the result.
void sk_depthwise_conv(const float *x, float *y, int h, int w, int c, int k, const float *weight, const float *bias,
                       int fuse_gelu);
/// Largest depthwise kernel side the kernels take.
#define SK_MAX_DEPTHWISE_KERNEL 15
/// One output row of the same conv: rows[ky] (ky < k) is input row oy + ky - k/2 as (w, c), or NULL where
/// that row lies outside the image. y: (w, c), must not alias an input row.
void sk_depthwise_conv_row(const float *const *rows, float *y, int w, int c, int k, const float *weight,
                           const float *bias, int fuse_gelu);
/// One output row of a stride-1 conv from per-tap products: zrows[ky] (ky < k) is input row oy + ky - pad as
/// (w, k*k, cout), each input pixel's contribution to every tap's outputs, or NULL where that row lies outside
/// the image; y (ow, cout) = bias + sum over the taps inside the image of zrows[ky][ix][ky*k+kx], with
/// ix = ox + kx - pad. bias (cout) or NULL.
void sk_conv_tap_sum_row(const float *const *zrows, float *y, int w, int ow, int cout, int k, int pad,
                         const float *bias);
/// Patches of a channel-last image: col (oh*ow, k*k*c), row order (ky, kx, c), zero outside the image.
void sk_im2col(const float *x, float *col, int h, int w, int c, int k, int stride, int pad, int oh, int ow);
/// Transposed 2x2 stride-2 conv, scatter step: g (h*w, 2, 2, cout) -> y (2h, 2w, cout) + bias.
void sk_pixel_shuffle2(const float *g, float *y, int h, int w, int cout, const float *bias);
/// ECA in place on x (rows, c): s = sigmoid(conv1d_k3(mean over rows)); x[r, ch] *= s[ch]. scratch: 2c floats.
void sk_eca(float *x, long rows, int c, const float *w3, float *scratch);
/// Window attention core on one tile (Swin-style shifted windows, relative position bias, masks).
/// qkv (h*w, 3c): columns [q | k | v], head-major inside each (head, dim). out (h*w, c) at the tokens'
/// original positions. Windows have side window_size <= table_window; table (heads, 2*table_window-1,
/// 2*table_window-1) is the relative position bias table, head-major. shift 0 = plain windows; otherwise
/// 0 < shift < window_size, and h, w are multiples of window_size (the token map wraps around the grid at most once).
/// scratch: sk_window_attention_scratch(c, window_size) floats. bf16 != 0: 16-dim heads in 8x8 and 16x16
/// windows take the two products (q k^T, e v) in bfloat16 where sk_bf16_active(); everything else float32.
void sk_window_attention(const float *qkv, float *out, int h, int w, int c, int heads, int table_window, int window_size,
                         int shift, const float *table, float *scratch, int bf16);
/// Floats of scratch sk_window_attention needs.
long sk_window_attention_scratch(int c, int window_size);
/// Packs a Linear layer for sk_linear: weight (n, k) row-major (PyTorch's (out, in)) -> panels
/// (ceil(n/16), k, 16) with panel p holding output features 16p..16p+15, zero-padded; bias (n) or NULL ->
/// bias16 (ceil(n/16)*16), zero-padded.
void sk_pack_linear(const float *weight, const float *bias, int n, int k, float *panels, float *bias16);
/// y (rows, n) = x (rows, k) W^T + b on packed weights; gelu != 0 applies GELU to the result.
/// y must not alias x.
void sk_linear(const float *x, long rows, int k, const float *panels, const float *bias16, int n, float *y, int gelu);
/// Inputs (k) the bfloat16 Linear's vector kernel takes; larger layers stay in float32.
#define SK_MAX_BF16_INPUTS 2048
/// Whether this CPU has AVX-512 BF16 (vdpbf16ps), which makes sk_linear_bf16 and the attention's bf16
/// products worth running.
int sk_has_bf16(void);
/// Whether the bf16 vector kernels run now (sk_linear_bf16's, sk_window_attention's with bf16 != 0): the CPU
/// has AVX-512 BF16 and the AVX-512 build is selected (a test or benchmark that selects AVX2 stands in for
/// a CPU without it).
int sk_bf16_active(void);
/// x rounded to bfloat16, to nearest with ties to even (NaN stays NaN); and back to float, exactly.
uint16_t sk_bf16_round(float x);
float sk_bf16_value(uint16_t h);
/// Packs a Linear layer's weight (n, k) for sk_linear_bf16: panels (ceil(n/16), ceil(k/2), 16, 2) of bf16,
/// panel p holding output features 16p..16p+15 and each row a pair of inputs, zero-padded. The bias stays
/// float32 (sk_pack_linear's bias16).
void sk_pack_linear_bf16(const float *weight, int n, int k, uint16_t *panels);
/// y (rows, n) = bf16(x) (rows, k) bf16(W)^T + b, the products summed in float32; gelu != 0 applies GELU.
/// AVX-512 BF16 when the CPU has it, the AVX-512 build is selected and k <= SK_MAX_BF16_INPUTS, else the same
/// products one at a time. y must not alias x.
void sk_linear_bf16(const float *x, long rows, int k, const uint16_t *panels, const float *bias16, int n, float *y,
                    int gelu);
/// Inputs (k) the int8 Linear takes; larger layers stay in float32.
#define SK_MAX_INT8_INPUTS 2048
/// Packs a Linear layer's weight (n, k) for sk_linear_int8: each output feature's weights rounded to
/// -63...63 times its scale (scales[j] = max |w[j]| / 63), in panels (ceil(n/16), ceil(k/4), 16, 4) of int8,
/// panel p holding output features 16p..16p+15 and each row four inputs, zero-padded; column_sums[j] = the
/// sum of feature j's int8 weights. scales and column_sums: ceil(n/16)*16, zero-padded.
void sk_pack_linear_int8(const float *weight, int n, int k, int8_t *panels, float *scales, int32_t *column_sums);
/// Each row of x (rows, k) as unsigned 8 bits: q = clamp(rint(x / scale) + zero, 0, 255), scale = the row's
/// range widened to hold 0, over 255 (1 for a row of zeros), zero = rint(-min / scale). q (rows, ceil(k/4)*4),
/// zero past k; scales, zeros (rows). The input side of sk_linear_int8, for the tests.
void sk_quantize_rows_uint8(const float *x, long rows, int k, uint8_t *q, float *scales, int32_t *zeros);
/// y (rows, n) = (q W8^T - zero * column_sums) * scale * scales + b, each row of x quantized as
/// sk_quantize_rows_uint8 does, the products summed exactly in int32; gelu != 0 applies GELU. Every kernel
/// (AVX-512 VNNI, AVX2, scalar) returns the same sums. k <= SK_MAX_INT8_INPUTS (else y is NaN).
/// y must not alias x.
void sk_linear_int8(const float *x, long rows, int k, const int8_t *panels, const float *scales,
                    const int32_t *column_sums, const float *bias16, int n, float *y, int gelu);
enum { SK_INT8_SCALAR = 0, SK_INT8_AVX2 = 1, SK_INT8_VNNI = 2 };
/// The kernel sk_linear_int8 runs now: VNNI with the AVX-512 build on a CPU with AVX-512 VNNI, the AVX2
/// kernel with the AVX2 build or the AVX-512 build without VNNI, else the scalar one.
int sk_int8_kernel(void);
/// Whether a (k inputs, n outputs) layer runs faster in int8 now than in the precision it would run
/// otherwise (bf16 where sk_bf16_active(), else float32): never with the scalar kernel.
int sk_int8_pays(int k, int n);
enum { SK_LEVEL_PORTABLE = 0, SK_LEVEL_AVX2 = 1, SK_LEVEL_AVX512 = 2 };
/// The build the kernels run now (SK_LEVEL_*).
int sk_kernel_level(void);
/// The best build this CPU supports.
int sk_max_kernel_level(void);
/// Selects a build for the process (clamped to what the CPU supports) and returns the one selected: for
/// benchmarks that compare builds; kernels already running on other threads finish in their build.
int sk_set_kernel_level(int level);
/// Selects a build for the calling thread only (clamped), overriding the process's; -1 clears it. Returns
/// the build the thread now runs. For tests, which compare builds while other tests run.
int sk_set_thread_kernel_level(int level);
/// The calling thread's own selection, or -1.
int sk_thread_kernel_level(void);

#ifdef __cplusplus
}
#endif
