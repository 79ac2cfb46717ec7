"""Regenerate the synthetic camera-noise pair the bundled camera-noise preset is tested on:

    python3 Scripts/make_camera_noise_fixture.py
    # writes Tests/DenoiseKitTests/Fixtures/camera-noise-noisy.png and camera-noise-clean.png

The centre 256x256 of Samples/camera-clean.png through the trainer's synthetic camera
(degradations.add_camera_noise, seed 2: unprocessing, shot and read noise on a Bayer mosaic, processing,
8 bits), and the clean picture that camera gives. Phone noise has its own fixture (Samples/phone-*.png,
a SIDD block); this one stands for the other cameras people bring, whose noise blind mode also reads as
camera noise.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image

from degradations import add_camera_noise, to_uint8
from noise_level import blind_route, fine_and_coarse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "DenoiseKitTests" / "Fixtures"
SIDE, SEED = 256, 2


def main():
    still = np.asarray(Image.open(ROOT / "Samples" / "camera-clean.png").convert("RGB"), np.float64) / 255
    y, x = (still.shape[0] - SIDE) // 2, (still.shape[1] - SIDE) // 2
    noisy, target = add_camera_noise(still[y:y + SIDE, x:x + SIDE], random.Random(SEED), np.random.default_rng(SEED))
    noisy8, target8 = to_uint8(noisy), to_uint8(target)
    route = blind_route(*fine_and_coarse(noisy8))
    if route != "real":
        raise SystemExit(f"blind mode would route this noise to {route}, not to the camera-noise preset")
    Image.fromarray(noisy8).save(OUT / "camera-noise-noisy.png")
    Image.fromarray(target8).save(OUT / "camera-noise-clean.png")
    print(f"wrote {OUT / 'camera-noise-noisy.png'} and camera-noise-clean.png (route: {route})")


if __name__ == "__main__":
    main()
