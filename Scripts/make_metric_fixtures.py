"""Reference PSNR/SSIM values from scikit-image for the Swift metric tests.

    python3 Scripts/make_metric_fixtures.py   # writes Tests/MetricsTests/Fixtures/metrics.json

Cases: 8- and 16-bit, gray and RGB, odd sizes; a clean image and a noisy, rounded copy. Values are
computed on the integer data with data_range 255 / 65535 (same numbers as [0, 1] data, range 1).
"""
import json
from pathlib import Path

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

OUT = Path(__file__).resolve().parent.parent / "Tests" / "MetricsTests" / "Fixtures" / "metrics.json"


def case(name, rng, h, w, channels, bits, noise):
    peak = 2 ** bits - 1
    yy, xx = np.mgrid[0:h, 0:w]
    base = 0.5 + 0.35 * np.sin(xx / 5.0) * np.cos(yy / 7.0)
    clean = np.stack([np.clip(base + 0.1 * k, 0, 1) for k in range(channels)], axis=-1)
    clean = np.round(clean * peak)
    noisy = np.clip(np.round(clean + rng.normal(0, noise * peak, clean.shape)), 0, peak)
    kwargs = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=peak)
    if channels > 1:
        kwargs["channel_axis"] = -1
    return {
        "name": name, "width": w, "height": h, "channels": channels, "bit_depth": bits,
        "a": clean.astype(int).reshape(-1).tolist(), "b": noisy.astype(int).reshape(-1).tolist(),
        "psnr": peak_signal_noise_ratio(clean, noisy, data_range=peak),
        "ssim": structural_similarity(clean[..., 0] if channels == 1 else clean,
                                      noisy[..., 0] if channels == 1 else noisy, **kwargs),
    }


def main():
    rng = np.random.default_rng(2026)
    cases = [
        case("gray8-odd", rng, 29, 37, 1, 8, 0.05),
        case("rgb8-odd", rng, 31, 23, 3, 8, 0.1),
        case("gray16", rng, 32, 40, 1, 16, 0.02),
        case("rgb16-odd", rng, 21, 33, 3, 16, 0.08),
        case("rgb8-small-window", rng, 11, 12, 3, 8, 0.2),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"source": "scikit-image structural_similarity / peak_signal_noise_ratio",
                               "cases": cases}))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
