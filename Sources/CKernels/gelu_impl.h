// The GELU shared by the float32 kernels (kernels_impl.h) and the bfloat16 and int8 Linear layers
// (linear_bf16.c, linear_int8.c).
#pragma once

// GELU(x) = x Phi(x) ~= x (1/2 + xc P(xc^2) / Q(xc^2)), xc = x clamped to +-4.7 (1 - Phi(4.7) = 1.3e-6),
// Phi the normal CDF. Fitted by Scripts/fit_gelu.py: max error 1.5e-6 in float32 (absolute up to |x| = 1,
// relative beyond). No exp and no branch: 2 clamps, 10 multiply-adds and a divide per lane. The erf form it
// replaced applied erf's 1/sqrt(2) and GELU's 1/2 apart from a (5, 5) rational, 15 in all; the quality
// preset's engine time fell 15-20%. SK_GELU_RATIO works on a float or a float vector (sk_v8, sk_v16)
// already clamped.
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
// GELU of one float, the scalar form of SK_GELU_VECTOR (vector tails and the scalar kernels).
#define SK_GELU_SCALAR(x) ({                                                                  \
    float gx_ = (x);                                                                          \
    float gc_ = gx_ < -SK_GELU_CLAMP ? -SK_GELU_CLAMP : (gx_ > SK_GELU_CLAMP ? SK_GELU_CLAMP : gx_);    \
    gx_ * (0.5f + SK_GELU_RATIO(gc_));                                                        \
})
// GELU of a whole vector, in registers: storing a vector and reloading it lane-wise for the scalar
// form stalls on store forwarding (it was ~60% of the fused depthwise conv).
#define SK_GELU_VECTOR(v) ({                                                                  \
    __typeof__(v) g_ = (v), lo_ = (__typeof__(v)){} - SK_GELU_CLAMP, hi_ = -lo_;               \
    __typeof__(v) c_ = __builtin_elementwise_min(__builtin_elementwise_max(g_, lo_), hi_);    \
    g_ * (0.5f + SK_GELU_RATIO(c_));                                                          \
})
