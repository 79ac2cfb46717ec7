"""Tests of the temporal training windows (Scripts/video_training_data.py) on synthetic pictures, so they
need neither ../shared nor PyTorch:

    python3 -m unittest discover -s Scripts/tests -v
"""
from __future__ import annotations

import random
import sys
import unittest
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import video_training_data as v  # noqa: E402
from training_data import Folder  # noqa: E402


def textured(h: int, w: int, seed: int) -> np.ndarray:
    """(h, w, 3) uint8 with detail at every scale, so any shift shows."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    smooth = 0.5 + 0.25 * np.sin(x / 7.0 + seed)[..., None] * np.cos(y / 5.0)[..., None] * np.array([1.0, 0.6, -0.8])
    return (np.clip(smooth + 0.15 * rng.random((h, w, 3)), 0, 1) * 255).astype(np.uint8)


FOLDERS = [Folder("synthetic", 1.0, [textured(300, 320, s) for s in range(3)])]
SEQUENCES = [v.Sequence("synthetic-seq", [np.roll(textured(140, 150, 9), 2 * t, axis=1) for t in range(7)])]


class WindowTests(unittest.TestCase):
    def test_shot_indices_keep_the_centre_and_clamp(self):
        """Every drawn window keeps the centre in its slot and repeats frames only at its ends."""
        rng = random.Random(1)
        for _ in range(500):
            idx = v.shot_indices(5, rng)
            self.assertEqual(idx[2], 2)
            self.assertEqual(idx, sorted(idx))
            lo, hi = idx[0], idx[-1]
            self.assertEqual(idx, [min(max(i, lo), hi) for i in range(5)])

    def test_camera_path_leaves_the_centre_frame_put(self):
        rng = random.Random(2)
        for _ in range(200):
            path = v.camera_path(5, rng)
            self.assertEqual(path[2], (0.0, 0.0, 0.0, 0.0))

    def test_moved_identity_and_whole_pixel_shifts_are_exact_cuts(self):
        """No resampling where none is needed (tolerance 0)."""
        from PIL import Image
        im = textured(100, 100, 4)
        region = Image.fromarray(im)
        centre = v.moved(region, 40, 0, 0, 0, 0)
        np.testing.assert_array_equal(centre, im[30:70, 30:70])
        np.testing.assert_array_equal(v.moved(region, 40, 3, -2, 0, 0), im[28:68, 33:73])

    def test_synthetic_window_centre_is_the_still(self):
        """Without occlusions and cuts the centre frame is an exact cut of a still; neighbours differ."""
        ranges = dict(v.VIDEO_RANGES, occlusion_share=0.0, cut_share=0.0, static_share=0.0)
        with mock.patch.dict(v.VIDEO_RANGES, ranges):
            window = v.synthetic_window(FOLDERS, 5, 64, random.Random(3))
        self.assertEqual(window.shape, (5, 64, 64, 3))
        self.assertTrue(0.0 <= window.min() and window.max() <= 1.0)
        self.assertGreater(np.abs(window[0] - window[2]).mean(), 0.01)

    def test_awgn_windows_have_independent_noise_per_frame(self):
        """Static scene (tolerance: noise std within 10% of sigma * sqrt(2) for the frame difference)."""
        ranges = dict(v.VIDEO_RANGES, static_share=1.0, occlusion_share=0.0, cut_share=0.0, shot_edge_share=0.0,
                      sigma=(25.0, 25.0))
        with mock.patch.dict(v.VIDEO_RANGES, ranges), mock.patch.dict(v.VIDEO_MIX, {"sequence": 0.0, "synthetic": 1.0}):
            noisy, clean, sigma = v.video_window(FOLDERS, SEQUENCES, [], 5, 64, "awgn", random.Random(5),
                                                 np.random.default_rng(6))
        self.assertEqual(sigma, 25.0)
        difference = (noisy[1] - noisy[3]) * 255
        self.assertLess(abs(difference.std() / (25 * np.sqrt(2)) - 1), 0.1)
        self.assertLess(np.abs((noisy[2] - clean) * 255).std() - 25, 2.5)

    def test_camera_windows_share_one_camera(self):
        """One camera per clip: every frame's camera is drawn from the same generator state, its noise afresh."""
        states = []
        real = v.add_camera_noise

        def recording(frame, rng, np_rng):
            states.append(rng.getstate())
            return real(frame, rng, np_rng)

        ranges = dict(v.VIDEO_RANGES, static_share=1.0, occlusion_share=0.0, cut_share=0.0, shot_edge_share=0.0)
        with mock.patch.dict(v.VIDEO_RANGES, ranges), mock.patch.dict(v.VIDEO_MIX, {"sequence": 0.0, "synthetic": 1.0}), \
                mock.patch.object(v, "add_camera_noise", recording):
            cells = list(v.camera_windows(FOLDERS, SEQUENCES, 5, 64, random.Random(7), np.random.default_rng(8)))
        self.assertEqual(len(states), 5)
        self.assertTrue(all(state == states[0] for state in states))
        self.assertEqual(len(cells), 4)  # a 128-px clip cut into 64-px windows
        noisy, clean, sigma = cells[0]
        self.assertEqual(noisy.shape, (5, 64, 64, 3))
        self.assertEqual(clean.shape, (64, 64, 3))
        self.assertGreater(sigma, 0)
        self.assertGreater(np.abs(noisy[0] - noisy[1]).mean(), 0.2 / 255)  # fresh noise in every frame

    def test_sequence_windows_follow_the_frames(self):
        window = v.sequence_window(SEQUENCES, 5, 64, random.Random(9))
        self.assertEqual(window.shape, (5, 64, 64, 3))
        self.assertGreater(np.abs(window[0] - window[4]).mean(), 0.01)


if __name__ == "__main__":
    unittest.main()
