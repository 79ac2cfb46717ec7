"""Tests of the block motion compensation (Scripts/motion.py) on synthetic pictures (no ../shared, no
PyTorch). The Swift twin is checked against this module's output in Tests/DenoiseKitTests.

    python3 -m unittest discover -s Scripts/tests -v
"""
from __future__ import annotations

import sys
import unittest
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import motion  # noqa: E402
from test_video_training_data import textured  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent.parent / "Samples"


class MotionTests(unittest.TestCase):
    def test_translation_is_undone_inside_the_frame(self):
        still = np.asarray(Image.open(SAMPLES / "chelsea-clean.png").convert("RGB")).astype(np.float32) / 255
        for dy, dx in [(3, -5), (-12, 7), (17, -16)]:
            centre = still[60:140, 60:156]                      # the Swift test's crops
            moved = still[60 + dy:140 + dy, 60 + dx:156 + dx]
            aligned = motion.align_window(np.stack([moved, centre, moved]))
            inner = (slice(max(0, -dy) + 16, min(80, 80 - dy) - 16), slice(max(0, -dx) + 16, min(96, 96 - dx) - 16))
            before = np.abs(moved[inner] - centre[inner]).mean()
            after = np.abs(aligned[0][inner] - centre[inner]).mean()
            self.assertLess(after, 3 / 255, (dy, dx))       # as the Swift test: see its comment
            self.assertGreater(before, 10 / 255, (dy, dx))
            np.testing.assert_array_equal(aligned[1], centre)

    def test_copies_of_the_centre_stay_put(self):
        rng = np.random.default_rng(0)
        frame = np.clip(textured(48, 40, seed=1) / 255 + rng.normal(0, 0.1, (48, 40, 3)), 0, 1).astype(np.float32)
        window = np.stack([frame] * 5)
        np.testing.assert_array_equal(motion.align_window(window), window)

    def test_partial_blocks_take_their_own_pixels(self):
        diff = np.arange(5 * 7, dtype=np.float32).reshape(5, 7)
        means = motion.block_means(diff, 4)  # blocks 4x4, 4x3, 1x4, 1x3
        self.assertAlmostEqual(means[1, 1], diff[4:, 4:].mean())
        self.assertAlmostEqual(means[0, 1], diff[:4, 4:].mean())

    def test_prefilter_counts_each_frame_once_and_lowers_the_level(self):
        rng = np.random.default_rng(0)
        clean = textured(40, 48, seed=2).astype(np.float32) / 255
        a, b = (np.float32(clean + rng.normal(0, 20 / 255, clean.shape)) for _ in range(2))
        window, level = motion.temporal_prefilter(np.stack([a] * 5), 20.0)
        np.testing.assert_array_equal(window, np.stack([a] * 5))
        self.assertEqual(level, 20.0)
        _, pair = motion.temporal_prefilter(np.stack([a, a, a, b, b]), 20.0)
        _, plain = motion.temporal_prefilter(np.stack([a, a, b]), 20.0)
        np.testing.assert_array_equal(pair, plain)
        self.assertGreaterEqual(pair.min(), 20 / np.sqrt(2) * 0.999)   # two frames: sigma / sqrt(2) at best
        self.assertLessEqual(pair.max(), 20.0)
        self.assertLess(pair.mean(), 20 * 0.8)


if __name__ == "__main__":
    unittest.main()
