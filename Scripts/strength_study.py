"""Two ways to denoise part-way, compared for `denoise --strength S` (docs/design.md, "Strength").

    swift build -c release
    python3 Scripts/strength_study.py          # table on stdout, figure -> docs/images/strength.png

blend: the full result mixed with the input, S * denoised + (1 - S) * noisy (what --strength does);
sigma: the model told a noise level of S * sigma, so it removes less by itself.
For each, on CBSD68 and CQ12 (first 6 images each, centre 256x256, ../shared/data/val by default:
measured, never trained on) with AWGN sigma 25 clipped and rounded to 8 bits as files hold it:
PSNR against the clean image, and how the noise that is left looks: its standard deviation and the
correlation of horizontally neighbouring residual pixels (0 for film-like white grain; near 1 for
smooth blotches, which read as artefacts rather than grain).
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DENOISE = ROOT / ".build" / "release" / "denoise"
SIGMA = 25.0
CROP = 256
STRENGTHS = (0.25, 0.5, 0.75)


def centre(image: np.ndarray, size: int) -> np.ndarray:
    y, x = max(0, (image.shape[0] - size) // 2), max(0, (image.shape[1] - size) // 2)
    return image[y:y + size, x:x + size]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(255.0 ** 2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)))


def residual_stats(output: np.ndarray, clean: np.ndarray) -> tuple[float, float]:
    """Standard deviation of output - clean (0-255 scale) and its lag-1 horizontal correlation."""
    r = output.astype(np.float64) - clean.astype(np.float64)
    r -= r.mean(axis=(0, 1))
    left, right = r[:, :-1].ravel(), r[:, 1:].ravel()
    return float(r.std()), float(np.dot(left, right) / (np.linalg.norm(left) * np.linalg.norm(right) + 1e-12))


def run(noisy: Path, out: Path, model: str, sigma: float, strength: float):
    subprocess.run([str(DENOISE), str(noisy), str(out), "--model", model, "--sigma", f"{sigma:g}",
                    "--strength", f"{strength:g}", "--threads", "1", "--quiet", "--force"], check=True)
    return np.asarray(Image.open(out).convert("RGB"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "val")
    ap.add_argument("--model", default="quality")
    ap.add_argument("--images", type=int, default=6, help="per set")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "strength.png")
    args = ap.parse_args()
    rng = np.random.default_rng(25)
    files = [f for s in ("CBSD68", "CQ12") for f in sorted(p for p in (args.data / s).iterdir()
                                                          if p.suffix.lower() in (".png", ".jpg"))[:args.images]]
    rows = {(kind, s): [] for kind in ("blend", "sigma") for s in STRENGTHS}
    noisy_scores, figure_tiles = [], None
    with tempfile.TemporaryDirectory() as folder:
        for index, path in enumerate(files):
            clean = centre(np.asarray(Image.open(path).convert("RGB")), CROP)
            noisy = np.clip(np.round(clean + rng.normal(0, SIGMA, clean.shape)), 0, 255).astype(np.uint8)
            noisy_path = Path(folder) / "noisy.png"
            Image.fromarray(noisy).save(noisy_path)
            noisy_scores.append(psnr(noisy, clean))
            tiles = {}
            for s in STRENGTHS:
                blend = run(noisy_path, Path(folder) / "blend.png", args.model, SIGMA, s)
                scaled = run(noisy_path, Path(folder) / "sigma.png", args.model, s * SIGMA, 1)
                for kind, output in (("blend", blend), ("sigma", scaled)):
                    rows[(kind, s)].append((psnr(output, clean), *residual_stats(output, clean)))
                    tiles[(kind, s)] = output
            if index == 0:
                figure_tiles = (noisy, tiles)
    print(f"{len(files)} images, AWGN sigma {SIGMA:g} clipped to 8 bits, model {args.model}; noisy PSNR "
          f"{np.mean(noisy_scores):.2f} dB")
    print("| strength | blend: PSNR / residual std / neighbour corr. | sigma scaling: PSNR / residual std / neighbour corr. |")
    print("|---|---|---|")
    for s in STRENGTHS:
        b, g = np.mean(rows[("blend", s)], axis=0), np.mean(rows[("sigma", s)], axis=0)
        print(f"| {s:g} | {b[0]:.2f} dB / {b[1]:.1f} / {b[2]:.2f} | {g[0]:.2f} dB / {g[1]:.1f} / {g[2]:.2f} |")
    noisy, tiles = figure_tiles
    size, gap = 128, 6
    y0 = x0 = (CROP - size) // 2
    canvas = np.full((2 * size + gap, (len(STRENGTHS) + 1) * (size + gap) - gap, 3), 255, np.uint8)
    for row, kind in enumerate(("blend", "sigma")):
        canvas[row * (size + gap):row * (size + gap) + size, :size] = noisy[y0:y0 + size, x0:x0 + size]
        for column, s in enumerate(STRENGTHS, start=1):
            x = column * (size + gap)
            canvas[row * (size + gap):row * (size + gap) + size, x:x + size] = tiles[(kind, s)][y0:y0 + size, x0:x0 + size]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(canvas).save(args.out, optimize=True)
    print(f"figure: {args.out} (rows: blend, sigma scaling; columns: noisy, then strength "
          + ", ".join(f"{s:g}" for s in STRENGTHS) + ")")


if __name__ == "__main__":
    main()
