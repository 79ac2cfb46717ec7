"""Fit the rational erf approximation used by the C kernels (Sources/CKernels/kernels_impl.h).

    python3 Scripts/fit_erf.py

erf(x) ~= x * P(x^2) / Q(x^2) for |x| <= CLAMP (and erf(+-CLAMP) beyond, which is 1 - 2e-8 in float32),
P of degree 5 and Q of degree 5 in x^2 with Q(0) = 1. Linearised least squares x*P - erf*Q = 0,
reweighted by 1/Q (Sanathanan-Koerner) and by the error (Lawson) towards a minimax fit. Prints the
coefficients as C and the worst absolute error of the float32 Horner evaluation on [-6, 6].
"""
import numpy as np
from scipy.special import erf

CLAMP = 3.9375
P_DEGREE, Q_DEGREE = 5, 5


def fit(iterations: int = 30):
    x = np.linspace(1e-6, CLAMP, 20000)
    t, f = x * x, erf(x)
    weight, q = np.ones_like(x), np.ones_like(x)
    for _ in range(iterations):
        a = np.concatenate([x[:, None] * t[:, None] ** np.arange(P_DEGREE + 1),
                            -f[:, None] * t[:, None] ** np.arange(1, Q_DEGREE + 1)], axis=1)
        w = (weight / q)[:, None]
        coef, *_ = np.linalg.lstsq(a * w, f * w[:, 0], rcond=None)
        p, qc = coef[:P_DEGREE + 1], np.concatenate([[1.0], coef[P_DEGREE + 1:]])
        q = np.polyval(qc[::-1], t)
        err = np.abs(x * np.polyval(p[::-1], t) / q - f)
        weight = weight * np.sqrt(err / err.max()) + 1e-12
        weight /= weight.sum()
    return p.astype(np.float32), qc.astype(np.float32)


def horner32(coef: np.ndarray, t: np.ndarray) -> np.ndarray:
    acc = np.full_like(t, coef[-1])
    for c in coef[-2::-1]:
        acc = (acc * t + c).astype(np.float32)
    return acc


def main():
    p, q = fit()
    x = np.linspace(-6, 6, 400001).astype(np.float32)
    xc = np.clip(x, -CLAMP, CLAMP)
    t = xc * xc
    y = (xc * horner32(p, t) / horner32(q, t)).astype(np.float32)
    worst = np.abs(y.astype(np.float64) - erf(x.astype(np.float64))).max()
    print("// P (t^0 ... t^5):", ", ".join(f"{c:.9e}f" for c in p))
    print("// Q (t^0 ... t^5):", ", ".join(f"{c:.9e}f" for c in q))
    print(f"// max abs error of the float32 evaluation on [-6, 6]: {worst:.2e}")


if __name__ == "__main__":
    main()
