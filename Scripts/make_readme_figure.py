"""The README's before/after picture: noisy | denoised for two Samples/ pictures, side by side.

    swift build -c release && python3 Scripts/make_readme_figure.py   # -> docs/images/before-after.png

Runs the built `denoise` with its defaults (blind; white noise goes to `gaussian`) on two photographs
with AWGN (sigma 25 and 15, rounded to 8 bits); each row is the noisy input and the result, 256 pixels
wide.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ("astronaut-noisy-s25.png", "coffee-noisy-s15.png")
GAP = 8  # white pixels between pictures


def denoised(noisy: Path, folder: Path) -> np.ndarray:
    out = folder / noisy.name
    subprocess.run([str(ROOT / ".build" / "release" / "denoise"), str(noisy), str(out)], check=True, capture_output=True)
    return np.asarray(Image.open(out).convert("RGB"))


def main():
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in SAMPLES:
            noisy_path = ROOT / "Samples" / name
            noisy = np.asarray(Image.open(noisy_path).convert("RGB"))[:256, :256]
            clean = denoised(noisy_path, Path(folder))[:256, :256]
            gap = np.full((noisy.shape[0], GAP, 3), 255, np.uint8)
            rows.append(np.concatenate([noisy, gap, clean], axis=1))
    gap = np.full((GAP, rows[0].shape[1], 3), 255, np.uint8)
    figure = np.concatenate([rows[0], gap, rows[1]], axis=0)
    out = ROOT / "docs" / "images" / "before-after.png"
    Image.fromarray(figure).save(out, optimize=True)
    print(out)


if __name__ == "__main__":
    main()
