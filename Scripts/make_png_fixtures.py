"""PNG layouts the Swift PNG tests read but cannot easily write themselves (palette, palette with
transparency, 1-bit gray, interlaced). Pixels are synthetic, so no licence applies.

    python3 Scripts/make_png_fixtures.py   # writes Tests/CodecTests/Fixtures/*.png
"""
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "Tests" / "CodecTests" / "Fixtures"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    yy, xx = np.mgrid[0:13, 0:17]
    index = ((xx + 2 * yy) % 4).astype(np.uint8)
    palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 250]
    im = Image.fromarray(index, mode="P")
    im.putpalette(palette)
    im.save(OUT / "palette.png")
    im.info["transparency"] = bytes([255, 128, 0, 255])
    im.save(OUT / "palette-trns.png", transparency=bytes([255, 128, 0, 255]))
    Image.fromarray(((xx + yy) % 2 * 255).astype(np.uint8)).convert("1").save(OUT / "gray-1bit.png")
    rgb = np.stack([xx * 15, yy * 19, (xx * yy) % 256], -1).astype(np.uint8)
    write_adam7(rgb, OUT / "interlaced.png")
    Image.fromarray(rgb).save(OUT / "interlaced-expected.png")
    print("wrote", sorted(p.name for p in OUT.glob("*.png")))


def write_adam7(rgb: np.ndarray, path: Path):
    """8-bit RGB PNG with Adam7 interlacing (PIL cannot write it): the seven passes, filter 0."""
    import struct
    import zlib
    h, w, _ = rgb.shape
    passes = [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)]
    raw = b""
    for y0, x0, dy, dx in passes:
        sub = rgb[y0::dy, x0::dx]
        if sub.size:
            raw += b"".join(b"\x00" + row.tobytes() for row in sub)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    main()
