"""Regenerate the block-matching fixture the Swift twin of Scripts/motion.py is checked against:

    python3 Scripts/make_motion_fixture.py     # writes Tests/DenoiseKitTests/Fixtures/motion-window.json

Three 56x40 crops of Samples/astronaut-clean.png, the neighbours taken at other positions (the camera
moved), each with its own seeded noise (sigma 10), rounded to 8 bits so both sides read identical floats;
56x40 has partial blocks at both resolutions. The file holds the frames (T, 3, H, W) as 0-255 integers,
motion.py's shifts per neighbour and block, its aligned window, and the temporal prefilter's centre
frame (float32, planar) and noise level per pixel for that window at sigma 10.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from motion import align_window, block_shifts, luma, temporal_prefilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "DenoiseKitTests" / "Fixtures" / "motion-window.json"
WIDTH, HEIGHT = 56, 40
POSITIONS = [(104, 126), (100, 120), (91, 131)]  # (y, x) of each frame's crop; the centre is the second


def main():
    still = np.asarray(Image.open(ROOT / "Samples" / "astronaut-clean.png").convert("RGB")).astype(np.float64)
    rng = np.random.default_rng(7)
    frames = []
    for y, x in POSITIONS:
        crop = still[y:y + HEIGHT, x:x + WIDTH] + rng.normal(0, 10, (HEIGHT, WIDTH, 3))
        frames.append(np.clip(np.round(crop), 0, 255))
    window = np.stack(frames).astype(np.float32) / np.float32(255)   # (T, H, W, 3)
    centre = luma(window[1])
    shifts = {str(t): block_shifts(centre, luma(window[t])).reshape(-1, 2).tolist() for t in (0, 2)}
    aligned = align_window(window)
    filtered, level = temporal_prefilter(aligned, 10.0)
    to_planes = lambda w: np.round(w * 255).astype(int).transpose(0, 3, 1, 2).reshape(len(w), -1).tolist()  # noqa: E731
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"width": WIDTH, "height": HEIGHT, "frames": to_planes(window), "shifts": shifts,
                               "aligned": to_planes(aligned),
                               "prefilter_sigma": 10.0, "filtered_centre": filtered[1].transpose(2, 0, 1).reshape(-1).tolist(),
                               "filtered_levels": level.reshape(-1).tolist()}))
    print(f"{OUT.relative_to(ROOT)}: shifts {shifts}")


if __name__ == "__main__":
    main()
