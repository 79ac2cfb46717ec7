"""JPEG fixtures of a photograph's metadata (Tests/CodecTests/Fixtures/).

    python3 Scripts/make_orientation_fixtures.py

orientation-N.jpg: the upright picture is 32x16, red, green / blue, white quadrants; each file stores it
turned so that the EXIF tag N turns it back (checked here with Pillow's own exif_transpose), at quality
95, 4:4:4. photo-exif-icc.jpg: the upright picture with an EXIF block (Make "TestCam", Model "Fixture 1",
DateTimeOriginal 2026:12:07 10:00:00, orientation 6, so stored turned) and an sRGB ICC profile.
text-chunks.png: the upright picture with PNG text chunks as photo tools write them: tEXt "Title" in
Latin-1 ("Nuit à Paris"), tEXt "Author", iTXt "Description" in UTF-8 (Japanese), and a zTXt "Comment"
of 3000 characters.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, PngImagePlugin

ROOT = Path(__file__).resolve().parent.parent
STORED = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def upright() -> Image.Image:
    a = np.zeros((16, 32, 3), np.uint8)
    a[:8, :16] = (255, 0, 0)
    a[:8, 16:] = (0, 255, 0)
    a[8:, :16] = (0, 0, 255)
    a[8:, 16:] = (255, 255, 255)
    return Image.fromarray(a)


def main():
    picture = upright()
    for tag, turn in STORED.items():
        stored = picture.transpose(turn)
        exif = Image.Exif()
        exif[0x0112] = tag
        path = ROOT / "Tests" / "CodecTests" / "Fixtures" / f"orientation-{tag}.jpg"
        stored.save(path, quality=95, subsampling=0, exif=exif)
        check = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"), np.int16)
        assert check.shape == (16, 32, 3) and np.abs(check - np.asarray(picture, np.int16)).max() < 40, tag
        print(path)
    exif = Image.Exif()
    exif[0x010F] = "TestCam"        # Make
    exif[0x0110] = "Fixture 1"      # Model
    exif[0x0112] = 6                # Orientation
    exif.get_ifd(0x8769)[0x9003] = "2026:12:07 10:00:00"  # DateTimeOriginal, in the Exif IFD
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = ROOT / "Tests" / "CodecTests" / "Fixtures" / "photo-exif-icc.jpg"
    picture.transpose(STORED[6]).save(path, quality=95, subsampling=0, exif=exif, icc_profile=icc)
    print(path, len(icc), "bytes of ICC")
    text = PngImagePlugin.PngInfo()
    text.add_text("Title", "Nuit \u00e0 Paris")
    text.add_text("Author", "A. Photographer")
    text.add_itxt("Description", "\u591c\u306e\u5199\u771f, night")
    text.add_text("Comment", "grain " * 500, zip=True)
    path = ROOT / "Tests" / "CodecTests" / "Fixtures" / "text-chunks.png"
    picture.save(path, pnginfo=text)
    print(path)


if __name__ == "__main__":
    main()
