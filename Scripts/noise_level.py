"""NumPy twin of the Swift blind noise level (Sources/DenoiseKit/NoiseEstimator.swift, BlindNoiseLevel.swift).

The trainer's `real` preset conditions the model on the level blind mode will give it at inference, so the
two must agree; `blind_sigma_study.py` uses the same functions to compare rules.
"""
from __future__ import annotations

import numpy as np


def estimate(img: np.ndarray, p: int = 8, max_patches: int = 60000) -> float:
    """Chen et al. (ICCV 2015) as in NoiseEstimator.swift: img (H, W, C) on the 0-255 scale."""
    h, w, _ = img.shape
    step = max(1, int(np.ceil(np.sqrt((w - p + 1) * (h - p + 1) / max_patches))))
    # (ny, nx, C, p, p) views in the Swift estimator's order: channel, row, column within a patch
    windows = np.lib.stride_tricks.sliding_window_view(img, (p, p), axis=(0, 1))[::step, ::step]
    patches = windows.reshape(-1, windows.shape[2] * p * p).astype(np.float64)
    patches -= patches.mean(0)
    lam = np.sort(np.linalg.eigvalsh(patches.T @ patches / len(patches)))
    for size in range(len(lam), 0, -1):
        m = lam[:size].mean()
        if (lam[:size] > m).sum() == (lam[:size] < m).sum():
            return float(np.sqrt(max(0.0, m)))
    return float(np.sqrt(max(0.0, lam[0])))


def halved(img: np.ndarray) -> np.ndarray:
    """2x2 box mean (odd last row/column dropped), as Imaging's HalvedGrid."""
    h, w, c = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2, img.shape[2]
    return img[:h, :w].reshape(h // 2, 2, w // 2, 2, c).mean((1, 3))


def fine_and_coarse(img: np.ndarray) -> tuple[float, float]:
    """(fine, coarse): the estimate at full resolution and 2 x the estimate of the 2x2-averaged image."""
    img = np.asarray(img, dtype=np.float64)
    return estimate(img), 2 * estimate(halved(img))


def correlation(fine: float, coarse: float) -> float:
    """BlindNoiseLevel.correlation: 0 for white noise, 1 for clearly correlated (camera) noise."""
    def ramp(v, lo, hi):
        return min(1.0, max(0.0, (v - lo) / (hi - lo)))
    return ramp(coarse / max(fine, 1e-3), 1.25, 2.0) * ramp(coarse, 1.5, 3.0)


def model_sigma(fine: float, coarse: float) -> float:
    """BlindNoiseLevel.modelSigma: the sigma blind mode gives the model."""
    return fine + correlation(fine, coarse) * (max(fine, min(55.0, 2.5 * coarse)) - fine)


CAMERA_NOISE_CORRELATION = 0.5  # BlindNoiseLevel.cameraNoiseCorrelation
GAUSSIAN_FLOOR = 4.0  # BlindNoiseLevel.gaussianFloor


def blind_route(fine: float, coarse: float) -> str:
    """The preset `denoise` without --model uses for this blind level (BlindModels): camera noise -> `real`,
    white noise of level GAUSSIAN_FLOOR or more -> `gaussian`, else `quality`."""
    if correlation(fine, coarse) >= CAMERA_NOISE_CORRELATION:
        return "real"
    return "gaussian" if fine >= GAUSSIAN_FLOOR else "quality"
