#!/usr/bin/env python3
"""How much tile overlap the pipeline needs: PSNR on the seam bands of each overlap setting.

    python3 Scripts/seam_study.py [--overlaps 4,8,12,16] [--images N] [--model fast]   # docs/design.md: --images 10

For each image (first frame of each DAVIS sequence, 854x480, by default) AWGN of --sigma (seeded, rounded and
clipped to 8 bits) is added once, and `denoise` runs with every overlap and once untiled (one tile covering the
whole image: no seams at all, the reference). The seam band of an overlap is every pixel within 2 px of the
centre line of a region where two tiles overlap (where a seam would show). Reported per overlap, as PSNR against
the clean image minus the untiled run's PSNR on the same pixels: the whole image, and its own seam band (a seam
shows as a band value well below the whole-image value). Also the tile count of a 6000x4000 image (the cost).
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def positions(length, tile, overlap):
    """Tile origins along one axis, as in Sources/Tiling/TilePlan.swift."""
    margin = overlap // 2
    start, end = -margin, length + margin
    if end - start <= tile:
        return [start]
    result = list(range(start, end - tile, tile - overlap))
    return result + [end - tile]


def seam_mask(length, tile, overlap, half_width=2):
    """(length) bool: within half_width of the centre of any overlap between consecutive tiles."""
    mask = np.zeros(length, bool)
    xs = positions(length, tile, overlap)
    for a, b in zip(xs, xs[1:]):
        centre = (b + a + tile) // 2  # overlap of [a, a+tile) and [b, b+tile) is [b, a+tile)
        mask[max(0, centre - half_width):max(0, min(length, centre + half_width))] = True
    return mask


def psnr(x, y, mask=None):
    d = (x.astype(np.float64) - y.astype(np.float64)) ** 2
    mse = d[mask].mean() if mask is not None else d.mean()
    return 10 * np.log10(255.0 ** 2 / mse)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/val/DAVIS"))
    ap.add_argument("--images", type=int, default=10)
    ap.add_argument("--overlaps", default="4,8,12,16")
    ap.add_argument("--sigma", type=float, default=25)
    ap.add_argument("--model", default="quality")
    ap.add_argument("--tile", type=int, default=128)
    args = ap.parse_args()
    overlaps = [int(o) for o in args.overlaps.split(",")]
    subprocess.run(["swift", "build", "-c", "release", "--product", "denoise"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tool = ROOT / ".build/release/denoise"
    frames = sorted(p / "00000.jpg" for p in Path(args.data).iterdir() if (p / "00000.jpg").exists())[:args.images]
    rng = np.random.default_rng(0)
    whole = {o: [] for o in overlaps}
    band = {o: [] for o in overlaps}
    with tempfile.TemporaryDirectory() as tmp:
        for frame in frames:
            clean = np.asarray(Image.open(frame).convert("RGB"))
            noisy = np.clip(np.round(clean + rng.normal(0, args.sigma, clean.shape)), 0, 255).astype(np.uint8)
            Image.fromarray(noisy).save(f"{tmp}/noisy.png")
            h, w = clean.shape[:2]
            untiled = -(-max(h, w) // 64) * 64  # one tile over the whole image (sides: multiples of 64)
            out = {}
            for name, tile, o in [("untiled", untiled, 0)] + [(o, args.tile, o) for o in overlaps]:
                subprocess.run([str(tool), f"{tmp}/noisy.png", f"{tmp}/out.png", "--sigma", str(args.sigma),
                                "--model", args.model, "--tile", str(tile), "--overlap", str(o), "--force"],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                out[name] = np.asarray(Image.open(f"{tmp}/out.png").convert("RGB"))
            for o in overlaps:
                m2 = seam_mask(h, args.tile, o)[:, None] | seam_mask(w, args.tile, o)[None, :]
                m3 = np.repeat(m2[:, :, None], 3, axis=2)
                whole[o].append(psnr(out[o], clean) - psnr(out["untiled"], clean))
                band[o].append(psnr(out[o], clean, m3) - psnr(out["untiled"], clean, m3))
            print(f"{frame.parent.name}: untiled {psnr(out['untiled'], clean):.3f} dB; " +
                  ", ".join(f"overlap {o}: {whole[o][-1]:+.3f} / seams {band[o][-1]:+.3f}" for o in overlaps),
                  file=sys.stderr)
    print(f"{len(frames)} images, sigma {args.sigma:g}, model {args.model}, tile {args.tile}")
    print("| overlap | tiles for 6000x4000 | whole image vs untiled (dB) | seam band vs untiled (dB) |")
    print("|---:|---:|---:|---:|")
    for o in overlaps:
        tiles = len(positions(6000, args.tile, o)) * len(positions(4000, args.tile, o))
        print(f"| {o} | {tiles} | {np.mean(whole[o]):+.3f} | {np.mean(band[o]):+.3f} |")


if __name__ == "__main__":
    main()
