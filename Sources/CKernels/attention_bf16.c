// Window attention's two products in bfloat16 for 16-dim heads (every level of `quality`): the scores
// q k^T and the outputs e v take bf16 operands and sum in float32 with AVX-512 BF16's vdpbf16ps, two
// multiply-adds per lane per instruction. The bias, the mask, the softmax and its sum stay float32 (the
// AVX-512 build's softmax_row). Simulated in PyTorch on top of bf16 Linear layers, the bf16 products moved
// `quality`'s PSNR by at most 0.0003 dB (docs/design.md, section 8).
//
// The same row blocks as attention_rows_impl.h (8 queries at a time, their scores in L1), with the operands
// in pairs: keys as (hd/2, n, 2) (dims 2p, 2p+1 of key j side by side, so one 512-bit load is 16 keys x 2
// dims), values as (n/2, hd, 2) (keys 2m, 2m+1 of dim d side by side), and each score row converted to bf16
// in order, which is already (key 2m, key 2m+1) pairs.
#include "bf16_internal.h"
#include "skkernels.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512bf16,avx2,fma"))), apply_to = function)

enum { R = 8, D = 16 };

// 16 floats from a and 16 from b as bf16 pairs (a0, b0, a1, b1, ...): 32 bf16 in one register.
static inline __attribute__((always_inline)) __m512i pairs16(const float *a, const float *b) {
    __m512i lo = (__m512i)_mm512_cvtne2ps_pbh(_mm512_setzero_ps(), _mm512_loadu_ps(a));  // in the low 256 bits
    __m512i hi = (__m512i)_mm512_cvtne2ps_pbh(_mm512_setzero_ps(), _mm512_loadu_ps(b));
    // element 2i from lo[i], 2i+1 from hi[i] (index 32 + i); _mm512_set_epi16 lists element 31 first
    const __m512i idx = _mm512_set_epi16(47, 15, 46, 14, 45, 13, 44, 12, 43, 11, 42, 10, 41, 9, 40, 8,
                                         39, 7, 38, 6, 37, 5, 36, 4, 35, 3, 34, 2, 33, 1, 32, 0);
    return _mm512_permutex2var_epi16(lo, idx, hi);
}

void sk_attention_rows16_bf16(const float *q, const int *src, long row_stride, const float *kt, const float *vg,
                              const float *bias, const float *rev, int window_size, const int *label, float *e,
                              float *out, long out_stride, int n) {
    const int side = 2 * window_size - 1;
    uint32_t kp[D / 2 * SK_BF16_ATTENTION_MAX_TOKENS];  // (D/2, n) pairs of dims, 8 KB at most
    uint32_t vp[SK_BF16_ATTENTION_MAX_TOKENS / 2 * D];  // (n/2, D) pairs of keys
    uint32_t ep[R * SK_BF16_ATTENTION_MAX_TOKENS / 2];  // (R, n/2) one block's score rows
    // kt (D, n): rows 2p and 2p+1 interleaved key by key.
    for (int p = 0; p < D / 2; p++)
        for (int j = 0; j < n; j += 16)
            _mm512_storeu_si512(kp + (long)p * n + j, pairs16(kt + (long)(2 * p) * n + j, kt + (long)(2 * p + 1) * n + j));
    // vg (n, D): rows 2m and 2m+1 interleaved dim by dim.
    for (int m = 0; m < n / 2; m++)
        _mm512_storeu_si512(vp + (long)m * D, pairs16(vg + (long)(2 * m) * D, vg + (long)(2 * m + 1) * D));
    for (int i0 = 0; i0 < n; i0 += R) {
        const int rows = n - i0 < R ? n - i0 : R;
        uint32_t qp[R][D / 2];  // each query's dims as pairs
        const float *br[R];
        int lr[R];
        for (int r = 0; r < R; r++) {
            int i = i0 + (r < rows ? r : 0);  // rows past the end repeat the block's first, not stored
            const float *qi = q + src[i] * row_stride;
            for (int p = 0; p < D / 2; p++) qp[r][p] = sk_bf16_round(qi[2 * p]) | (uint32_t)sk_bf16_round(qi[2 * p + 1]) << 16;
            br[r] = rev ? rev + (long)(i / window_size + window_size - 1) * side + (window_size - 1 - i % window_size)
                        : bias + (long)i * n;
            lr[r] = label ? label[i] : 0;
        }
        for (int j0 = 0; j0 < n; j0 += 16) {
            long offset = rev ? (long)(j0 % window_size) - (long)(j0 / window_size) * side : j0;
            __m512 acc[R];
            for (int r = 0; r < R; r++) acc[r] = _mm512_loadu_ps(br[r] + offset);
            for (int p = 0; p < D / 2; p++) {
                __m512bh kv = (__m512bh)_mm512_loadu_si512(kp + (long)p * n + j0);
                for (int r = 0; r < R; r++) acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_set1_epi32((int)qp[r][p]), kv);
            }
            for (int r = 0; r < R; r++) _mm512_storeu_ps(e + (long)r * n + j0, acc[r]);
        }
        float inv_sum[R];
        for (int r = 0; r < R; r++) {
            inv_sum[r] = sk_softmax_row_avx512(e + (long)r * n, n, label, lr[r]);
            for (int j = 0; j < n; j += 32)
                _mm512_storeu_si512(ep + (long)r * (n / 2) + j / 2,
                                    (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(e + (long)r * n + j + 16),
                                                                 _mm512_loadu_ps(e + (long)r * n + j)));
        }
        __m512 acc[R];
        for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
        for (int m = 0; m < n / 2; m++) {
            __m512bh vm = (__m512bh)_mm512_loadu_si512(vp + (long)m * D);
            for (int r = 0; r < R; r++) acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_set1_epi32((int)ep[r * (n / 2) + m]), vm);
        }
        for (int r = 0; r < rows; r++)
            _mm512_storeu_ps(out + (long)src[i0 + r] * out_stride, _mm512_mul_ps(acc[r], _mm512_set1_ps(inv_sum[r])));
    }
}

#pragma clang attribute pop
#endif
