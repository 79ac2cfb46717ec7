"""Make the bundled sample images: clean crops of public-domain scikit-image pictures and noisy
copies with seeded additive white Gaussian noise (rounded and clipped, as any saved file must be), and
one real phone-noise pair.

    python3 Scripts/make_samples.py [--source ../shared/data/train/color/skimage] [--sidd ...]

Sources (public domain / CC0, per scikit-image's docstrings): astronaut.png (NASA), coffee.png
(Rachel Michetti, CC0), camera.png (public domain), chelsea.png (Stefan van der Walt, CC0).
The phone pair is SIDD validation block 0000-0003 (sRGB, 256x256; Abdelhamed et al., CVPR 2018; SIDD data
is for research use), copied unchanged.
"""
import argparse
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "Samples"

# name, source file, crop box (left, top, right, bottom), sigma (0-255), bit depth
ITEMS = [
    ("astronaut", "astronaut.png", (128, 20, 384, 276), 25, 8),
    ("coffee", "coffee.png", (100, 50, 420, 290), 15, 8),
    ("camera", "camera.png", (128, 40, 384, 296), 25, 8),
    ("chelsea", "chelsea.png", (100, 40, 292, 232), 50, 16),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared/data/train/color/skimage")
    ap.add_argument("--sidd", type=Path, default=ROOT.parent / "shared/data/val/SIDD/val_blocks_MIRNet")
    args = ap.parse_args()
    SAMPLES.mkdir(exist_ok=True)
    rng = np.random.default_rng(20261129)
    for name, file, box, sigma, bits in ITEMS:
        im = Image.open(args.source / file)
        im = im.convert("L" if im.mode in ("L", "I;16") else "RGB").crop(box)
        clean = np.asarray(im).astype(np.float64) / 255.0
        noisy = clean + rng.normal(0, sigma / 255.0, clean.shape)
        peak = 2 ** bits - 1
        for suffix, data in (("clean", clean), (f"noisy-s{sigma}", noisy)):
            q = np.clip(np.round(data * peak), 0, peak)
            arr = q.astype(np.uint16 if bits == 16 else np.uint8)
            path = SAMPLES / f"{name}-{suffix}.png"
            if bits == 16:
                save_png16(arr, path)
            else:
                Image.fromarray(arr).save(path, optimize=True)
            print(f"wrote {path.relative_to(ROOT)} {arr.shape} {bits}-bit")
    for folder, suffix in (("input", "noisy"), ("groundtruth", "clean")):
        path = SAMPLES / f"phone-{suffix}.png"
        shutil.copyfile(args.sidd / folder / "0000-0003.png", path)
        print(f"wrote {path.relative_to(ROOT)} (SIDD validation block 0000-0003, {folder})")


def save_png16(arr: np.ndarray, path: Path):
    """16-bit PNG (PIL cannot write 16-bit RGB): write through a minimal encoder."""
    import struct
    import zlib
    h, w = arr.shape[:2]
    channels = 1 if arr.ndim == 2 else arr.shape[2]
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


if __name__ == "__main__":
    main()
