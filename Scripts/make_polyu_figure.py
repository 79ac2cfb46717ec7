"""Before/after crops of real camera noise for docs/results.md: PolyU pictures (DSLR photographs), each row
noisy | one or more models, blind | clean (the mean of many shots).

    swift build -c release
    python3 Scripts/make_polyu_figure.py --model quality --model real   # -> docs/images/polyu-crops.png

PolyU is validation data (../shared/data/val/PolyU by default, --data to change): measured, never trained
on. Crops are 160x160 from the centre of the first picture of each of three cameras, shown 1:1.
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CROP = 160
GAP = 6


def crop(image: np.ndarray) -> np.ndarray:
    y, x = (image.shape[0] - CROP) // 2, (image.shape[1] - CROP) // 2
    return image[y:y + CROP, x:x + CROP]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0 ** 2 / mse)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "val" / "PolyU")
    ap.add_argument("--model", action="append", default=[], help="preset or weight file (repeatable)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "polyu-crops.png")
    args = ap.parse_args()
    models = args.model or ["quality"]
    noisy_files = sorted(args.data.glob("*_real.JPG"))
    cameras, picks = set(), []
    for f in noisy_files:  # the first picture of each camera
        camera = f.name.split("_")[0]
        if camera not in cameras:
            cameras.add(camera)
            picks.append(f)
    picks = picks[:3]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for noisy_path in picks:
            clean = np.asarray(Image.open(str(noisy_path).replace("_real", "_mean")).convert("RGB"))
            noisy = np.asarray(Image.open(noisy_path).convert("RGB"))
            tiles = [crop(noisy)]
            scores = [f"noisy {psnr(noisy, clean):.2f}"]
            for model in models:
                out = Path(folder) / f"{model.replace('/', '_')}-{noisy_path.stem}.png"
                subprocess.run([str(ROOT / ".build" / "release" / "denoise"), str(noisy_path), str(out), "--model", model,
                                "--quiet"], check=True)
                result = np.asarray(Image.open(out).convert("RGB"))
                tiles.append(crop(result))
                scores.append(f"{model} {psnr(result, clean):.2f}")
            tiles.append(crop(clean))
            gap = np.full((CROP, GAP, 3), 255, np.uint8)
            rows.append(np.concatenate([t for tile in tiles for t in (tile, gap)][:-1], axis=1))
            print(f"{noisy_path.name}: " + ", ".join(scores) + " dB (whole 512x512 picture)")
    gap = np.full((GAP, rows[0].shape[1], 3), 255, np.uint8)
    figure = np.concatenate([r for row in rows for r in (row, gap)][:-1], axis=0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(figure).save(args.out, optimize=True)
    print(args.out)


if __name__ == "__main__":
    main()
