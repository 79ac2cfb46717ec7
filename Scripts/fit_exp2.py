"""Fit the polynomial for 2^f used by the C kernels' e^x (Sources/CKernels/kernels_impl.h).

    python3 Scripts/fit_exp2.py

e^x = 2^n 2^f with n = round(x log2 e) and f in [-0.5, 0.5]. 2^f ~= P(f), P of degree 5, fitted for
minimax relative error by reweighted least squares (Lawson) on Chebyshev nodes. Prints the coefficients
as C and the worst relative error of the float32 Horner evaluation on [-0.5, 0.5].
"""
import numpy as np

from fit_gelu import horner32

DEGREE = 5


def fit(iterations: int = 200) -> np.ndarray:
    f = 0.5 * np.cos(np.linspace(0, np.pi, 4001))
    v = np.vander(f, DEGREE + 1, increasing=True) / (2.0 ** f)[:, None]  # rows: P(f) / 2^f, target 1
    weight = np.ones_like(f)
    for _ in range(iterations):
        w = np.sqrt(weight)
        coef, *_ = np.linalg.lstsq(v * w[:, None], w, rcond=None)
        weight = weight * np.abs(v @ coef - 1)
        weight /= weight.sum()
    return coef.astype(np.float32)


def main():
    coef = fit()
    f = np.linspace(-0.5, 0.5, 200001).astype(np.float32)
    p = horner32(coef, f)
    worst = np.abs(p.astype(np.float64) / 2.0 ** f.astype(np.float64) - 1).max()
    print("// P (f^0 ... f^5):", ", ".join(f"{c:.10e}f" for c in coef))
    print(f"// max relative error of the float32 evaluation on [-0.5, 0.5]: {worst:.2e}")


if __name__ == "__main__":
    main()
