"""Clipped-noise check of a model, as Tests/DenoiseKitTests/ClippedNoiseTests does: 75% colour bars
(256x96) with sigma-25 noise rounded to 8 bits (so it is clipped at 0 and 255), denoised blind by the
built `denoise`; prints each bar's mean colour error and the worst one (0-255 levels).

    swift build -c release && python3 Scripts/colour_bars.py --model quality --model fast
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
BARS = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0), (191, 0, 191), (191, 0, 0), (0, 0, 191), (0, 0, 0)]
BAR, HEIGHT, MARGIN = 32, 96, 6


def bar_means(image: np.ndarray) -> np.ndarray:
    """(8, 3) mean colour of each bar's interior."""
    return np.array([image[MARGIN:HEIGHT - MARGIN, i * BAR + MARGIN:(i + 1) * BAR - MARGIN].reshape(-1, 3).mean(0)
                     for i in range(len(BARS))])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", default=[], help="preset or weight file (repeatable)")
    ap.add_argument("--seed", type=int, default=75)
    args = ap.parse_args()
    clean = np.repeat(np.repeat(np.array(BARS, np.float64)[None], BAR, axis=1), HEIGHT, axis=0)  # (96, 256, 3)
    noisy = np.clip(np.round(clean + np.random.default_rng(args.seed).standard_normal(clean.shape) * 25), 0, 255)
    print(f"noisy input: worst bar error {np.abs(bar_means(noisy) - np.array(BARS)).max():.2f} levels")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bars.png"
        Image.fromarray(noisy.astype(np.uint8)).save(source)
        for model in args.model or ["quality"]:
            out = Path(folder) / "out.png"
            subprocess.run([str(ROOT / ".build" / "release" / "denoise"), str(source), str(out), "--model", model,
                            "--force", "--quiet"], check=True)
            errors = np.abs(bar_means(np.asarray(Image.open(out).convert("RGB"), np.float64)) - np.array(BARS))
            print(f"{model}: worst bar error {errors.max():.2f} levels (per bar: "
                  + ", ".join(f"{e:.1f}" for e in errors.max(axis=1)) + ")")


if __name__ == "__main__":
    main()
