"""Fit the rational GELU used by the C kernels (Sources/CKernels/kernels_impl.h).

    python3 Scripts/fit_gelu.py

GELU(x) = x Phi(x), Phi the standard normal CDF (the erf GELU PyTorch trains with). The kernels compute

    GELU(x) ~= x (1/2 + xc P(xc^2) / Q(xc^2)),   xc = x clamped to [-CLAMP, CLAMP],

P of degree 4 and Q of degree 3 with Q(0) = 1: two clamps, ten multiplies or multiply-adds and one divide per
lane. Fitting Phi - 1/2 directly folds erf's 1/sqrt(2) and GELU's 1/2 into the coefficients (an erf with
degrees 5 and 5 cost 15). GELU's error is x times Phi's, so the fit weighs Phi's error by |x|: linearised
least squares xc P - (Phi - 1/2) Q = 0, reweighted by 1/Q (Sanathanan-Koerner) and by the error (Lawson)
towards a minimax fit. CLAMP is picked on a grid for the smallest worst error of the float32 evaluation on
[-100, 100], absolute up to |x| = 1 and relative beyond (past the clamp the approximation is
x (1/2 + CLAMP P / Q), off by the normal tail 1 - Phi(CLAMP) in relative terms). Prints CLAMP, the
coefficients as C and that worst error.
"""
import numpy as np
from scipy.special import ndtr

P_DEGREE, Q_DEGREE = 4, 3
CLAMP_GRID = np.linspace(4.5, 5.5, 11)


def fit(clamp: float, iterations: int = 40):
    x = np.linspace(1e-6, clamp, 8000)
    t, f = x * x, ndtr(x) - 0.5
    weight, q = np.ones_like(x), np.ones_like(x)
    for _ in range(iterations):
        a = np.concatenate([x[:, None] * t[:, None] ** np.arange(P_DEGREE + 1),
                            -f[:, None] * t[:, None] ** np.arange(1, Q_DEGREE + 1)], axis=1)
        w = (weight * x / q)[:, None]
        coef, *_ = np.linalg.lstsq(a * w, f * w[:, 0], rcond=None)
        p, qc = coef[:P_DEGREE + 1], np.concatenate([[1.0], coef[P_DEGREE + 1:]])
        q = np.polyval(qc[::-1], t)
        err = np.abs(x * (x * np.polyval(p[::-1], t) / q - f))
        weight = weight * np.sqrt(err / err.max()) + 1e-12
        weight /= weight.sum()
    return p.astype(np.float32), qc.astype(np.float32)


def horner32(coef: np.ndarray, t: np.ndarray) -> np.ndarray:
    acc = np.full_like(t, coef[-1])
    for c in coef[-2::-1]:
        acc = (acc * t + c).astype(np.float32)
    return acc


def gelu32(x: np.ndarray, clamp: float, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The kernels' float32 evaluation order."""
    xc = np.clip(x, -np.float32(clamp), np.float32(clamp))
    t = (xc * xc).astype(np.float32)
    ratio = (xc * horner32(p, t) / horner32(q, t)).astype(np.float32)
    return (x * (np.float32(0.5) + ratio)).astype(np.float32)


def worst_error(clamp: float, p: np.ndarray, q: np.ndarray) -> float:
    """max |error| / max(1, |x|) on [-100, 100]."""
    x = np.linspace(-100, 100, 2000001).astype(np.float32)
    exact = x.astype(np.float64) * ndtr(x.astype(np.float64))
    return float((np.abs(gelu32(x, clamp, p, q) - exact) / np.maximum(1, np.abs(x))).max())


def main():
    fits = [(clamp, *fit(clamp)) for clamp in CLAMP_GRID]
    clamp, p, q = min(fits, key=lambda f: worst_error(*f))
    print(f"// CLAMP = {clamp:.4f}f")
    print("// P (t^0 ... t^4):", ", ".join(f"{c:.9e}f" for c in p))
    print("// Q (t^0 ... t^3):", ", ".join(f"{c:.9e}f" for c in q))
    print(f"// max error of the float32 GELU on [-100, 100] (absolute, relative past |x| = 1): "
          f"{worst_error(clamp, p, q):.2e}")


if __name__ == "__main__":
    main()
