"""Which preset the blind default routes synthetic camera noise to, and how each preset does on it.

    swift build -c release && python3 Scripts/camera_route_study.py [--models quality,gaussian,real,FILE]

The top-left 256x256 crops of the first 20 CBSD68 pictures get the trainer's synthetic camera noise
(degradations.add_camera_noise, seeded), saved as 8-bit PNGs; each is denoised blind by the built
`denoise` with `quality`, `gaussian` and `real`, and scored against the camera's clean picture. The route
is the one BlindModels takes from the blind level (noise_level.blind_route, the Swift rule's twin).
"""
from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from degradations import add_camera_noise, to_uint8
from noise_level import blind_route, fine_and_coarse

ROOT = Path(__file__).resolve().parent.parent
CBSD68 = ROOT.parent / "shared" / "data" / "val" / "CBSD68"
PRESETS = ("quality", "gaussian", "real")


def psnr(out: np.ndarray, clean: np.ndarray) -> float:
    """PSNR (dB) of two 0-255 images."""
    return float(10 * np.log10(255 ** 2 / np.mean((out - clean) ** 2)))


def denoised(noisy_png: Path, preset: str, folder: Path) -> np.ndarray:
    """The built `denoise`'s blind output for `noisy_png` with `preset`, as 0-255 floats."""
    out = folder / f"{noisy_png.stem}-{Path(preset).stem}.png"
    subprocess.run([str(ROOT / ".build" / "release" / "denoise"), str(noisy_png), str(out), "--model", preset,
                    "--quiet", "--threads", "2"], check=True)
    return np.asarray(Image.open(out).convert("RGB"), np.float64)


def scores_text(models: list[str], scores) -> str:
    """"quality 33.130 real 32.770" (a weight file by its stem)."""
    return " ".join(f"{Path(m).stem} {v:.3f}" for m, v in zip(models, scores))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(PRESETS), help="presets or weight files, comma-separated")
    models = ap.parse_args().models.split(",")
    rng, np_rng = random.Random(5), np.random.default_rng(5)
    rows = []  # (route, fine, coarse, noisy PSNR, PSNR per preset...)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, path in enumerate(sorted(CBSD68.glob("*.png"))[:20]):
            clean = np.asarray(Image.open(path).convert("RGB"), np.float64)[:256, :256] / 255
            noisy, target = add_camera_noise(clean, rng, np_rng)
            noisy8, target8 = (to_uint8(a).astype(np.float64) for a in (noisy, target))
            fine, coarse = fine_and_coarse(noisy8)
            source = folder / f"noisy{i}.png"
            Image.fromarray(noisy8.astype(np.uint8)).save(source)
            scores = [psnr(denoised(source, model, folder), target8) for model in models]
            rows.append((blind_route(fine, coarse), fine, coarse, psnr(noisy8, target8), *scores))
            print("%-8s fine %5.2f coarse %5.2f noisy %.2f " % rows[-1][:4] + scores_text(models, scores), flush=True)
    for route in PRESETS:
        routed = [r[4:] for r in rows if r[0] == route]
        print(f"routed to {route}: {len(routed)} of {len(rows)}" + (": " + scores_text(models, np.mean(routed, 0)) if routed else ""))
    print("all: " + scores_text(models, np.mean([r[4:] for r in rows], 0)))


if __name__ == "__main__":
    main()
