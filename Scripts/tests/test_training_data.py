"""Tests of the still-image training mix (Scripts/training_data.py) on a small synthetic data folder, so they
need neither ../shared nor PyTorch:

    python3 -m unittest discover -s Scripts/tests -v
"""
from __future__ import annotations

import random
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import training_data as t  # noqa: E402


class SubsampledChromaTests(unittest.TestCase):
    """Folders saved with 4:2:0 chroma (FOLDERS' flag) are downscaled 2x, or kept whole with a luma-only
    loss; 4:4:4 folders are used as they are either way."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        root = Path(cls.folder.name) / "train"
        rng = np.random.default_rng(0)
        for name in ("color/bsds432", "color/cq100"):  # subsampled, and not
            (root / name).mkdir(parents=True)
            Image.fromarray(rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)).save(root / name / "a.png")
        cls.data = Path(cls.folder.name)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def folders(self, treatment: str) -> dict[str, t.Folder]:
        return {f.name: f for f in t.load_folders(self.data, treatment)}

    def test_downscale_halves_the_subsampled_folder_only(self):
        folders = self.folders("downscale")
        self.assertEqual(folders["color/bsds432"].images[0].shape, (48, 64, 3))
        self.assertEqual(folders["color/cq100"].images[0].shape, (96, 128, 3))
        self.assertFalse(any(f.luma_only for f in folders.values()))

    def test_luma_keeps_the_size_and_flags_the_subsampled_folder(self):
        folders = self.folders("luma")
        self.assertEqual(folders["color/bsds432"].images[0].shape, (96, 128, 3))
        self.assertTrue(folders["color/bsds432"].luma_only)
        self.assertFalse(folders["color/cq100"].luma_only)

    def test_an_unknown_treatment_is_refused(self):
        with self.assertRaises(ValueError):
            t.load_folders(self.data, "blur")

    def test_every_crop_carries_its_folders_flag(self):
        folders = list(self.folders("luma").values())
        rng, np_rng = random.Random(1), np.random.default_rng(1)
        seen = set()
        for _ in range(40):
            kind = rng.choice(["awgn", "awgn_clipped"])
            noisy, clean, sigma, luma_only = t.noisy_crop(kind, folders, [], 32, rng, np_rng)
            self.assertEqual(noisy.shape, (32, 32, 3))
            seen.add(luma_only)
        self.assertEqual(seen, {True, False})  # both folders drawn, each with its own flag
        scene, folder = t.random_crop(folders, 32, rng)
        self.assertEqual(scene.shape, (32, 32, 3))
        self.assertIn(folder.name, ("color/bsds432", "color/cq100"))


if __name__ == "__main__":
    unittest.main()


class NoiseMixTests(unittest.TestCase):
    """train.py --noise-mix: kind=share pairs; unknown kinds, bad numbers and an all-zero mix are refused."""

    def test_parses_every_kind(self):
        self.assertEqual(t.noise_mix("awgn=0.15,camera=0.35,sidd=0.5"), {"awgn": 0.15, "camera": 0.35, "sidd": 0.5})
        self.assertEqual(set(t.noise_mix(",".join(f"{k}=1" for k in t.NOISE_KINDS))), set(t.NOISE_KINDS))

    def test_refuses_bad_mixes(self):
        for text in ("gauss=1", "awgn=x", "awgn=-0.1", "awgn=0,sidd=0", "awgn", "awgn=nan"):
            with self.subTest(text=text), self.assertRaises(t.argparse.ArgumentTypeError):
                t.noise_mix(text)
