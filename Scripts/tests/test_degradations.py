"""Tests of the training degradations (Scripts/degradations.py). NumPy, SciPy and Pillow only (no PyTorch):

    python3 -m unittest discover -s Scripts/tests -v
"""
from __future__ import annotations

import random
import sys
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import degradations as d  # noqa: E402


class CameraPipelineTests(unittest.TestCase):
    def test_process_inverts_unprocess(self):
        """Every colour and tone step is invertible: tolerance 1e-9 on [0, 1] sRGB, 20 random cameras."""
        rng = random.Random(3)
        img = np.random.default_rng(4).random((32, 48, 3))
        for _ in range(20):
            camera = d.Camera(rng)
            self.assertLess(np.abs(camera.process(camera.unprocess(img)) - img).max(), 1e-9)

    def test_tone_and_gamma_steps_invert(self):
        """Tolerance 1e-9 on a ramp over [0, 1]."""
        x = np.linspace(0.0, 1.0, 1001)
        self.assertLess(np.abs(d.smoothstep(d.inverse_smoothstep(x)) - x).max(), 1e-9)
        self.assertLess(np.abs(d.gamma_compress(d.gamma_expand(x, 2.2), 2.2) - x).max(), 1e-9)

    def test_camera_keeps_white_white(self):
        """The colour matrix rows sum to one, so a neutral raw signal stays neutral (tolerance 1e-9)."""
        camera = d.Camera(random.Random(5))
        np.testing.assert_allclose(camera.rgb_to_cam.sum(axis=1), 1.0, atol=1e-9)
        gray = np.full((4, 4, 3), 0.5)
        out = camera.process(camera.unprocess(gray))
        self.assertLess(np.abs(out - 0.5).max(), 1e-9)

    def test_noise_variance_grows_with_signal(self):
        """Sensor noise is heteroscedastic: at the Bayer sites its variance is read + shot * signal,
        measured within 5% on 256x256 flat patches, and increases with the signal."""
        shot, read = 1e-2, 1e-4
        masks = d.bayer_masks(256, 256).astype(bool)
        np_rng = np.random.default_rng(6)
        variances = []
        for level in (0.02, 0.1, 0.3, 0.6):
            noise = d.sensor_noise(np.full((256, 256, 3), level), shot, read, np_rng)
            measured = noise[masks].var()
            expected = read + shot * level
            self.assertLess(abs(measured / expected - 1), 0.05, f"level {level}: {measured} vs {expected}")
            variances.append(measured)
        self.assertEqual(variances, sorted(variances))

    def test_demosaiced_noise_is_spatially_correlated(self):
        """Demosaicing spreads each site's noise to its neighbours: correlation of horizontally adjacent
        green samples off-site is clearly positive (> 0.2), as in real camera noise; AWGN's is ~0."""
        noise = d.sensor_noise(np.full((256, 256, 3), 0.3), 1e-2, 1e-4, np.random.default_rng(7))
        green = noise[..., 1]
        corr = np.corrcoef(green[:, :-1].ravel(), green[:, 1:].ravel())[0, 1]
        self.assertGreater(corr, 0.2)

    def test_camera_noise_output_is_an_8bit_image(self):
        """Camera crops come out as a file holds them: in [0, 1], on the 1/255 grid (tolerance 1e-9)."""
        rng, np_rng = random.Random(8), np.random.default_rng(8)
        img = np.random.default_rng(9).random((64, 64, 3))
        for _ in range(6):
            out, target = d.add_camera_noise(img, rng, np_rng)
            self.assertEqual(out.shape, img.shape)
            self.assertEqual(target.shape, img.shape)
            self.assertGreaterEqual(out.min(), 0.0)
            self.assertLessEqual(out.max(), 1.0)
            self.assertLess(np.abs(out * 255 - np.round(out * 255)).max(), 1e-9)

    def test_noise_levels_stay_in_their_ranges(self):
        """Shot noise within RANGES; read noise follows it (Brooks et al.'s log-linear relation, 4 std)."""
        rng = random.Random(10)
        lo, hi = d.RANGES["shot_noise"]
        for _ in range(200):
            shot, read = d.noise_levels(rng)
            self.assertTrue(lo <= shot <= hi)
            line = d.RANGES["read_noise_slope"] * np.log(shot) + d.RANGES["read_noise_intercept"]
            self.assertLess(abs(np.log(read) - line), 4 * d.RANGES["read_noise_jitter"])


    def test_target_clips_where_the_sensor_saturates(self):
        """White under a bright camera exceeds the sensor's range: the target is the clipped picture that
        camera gives, not the input; below saturation the target is the input itself."""
        white = np.ones((16, 16, 3))
        rng, np_rng = random.Random(13), np.random.default_rng(13)
        saw_clipping = False
        for _ in range(200):
            state = rng.getstate()
            raw = d.Camera(rng).unprocess(white)
            rng.setstate(state)
            _, target = d.add_camera_noise(white, rng, np_rng)
            if raw.max() > 1.0:
                saw_clipping = True
                self.assertGreater(np.abs(target - white).max(), 1e-3)  # the saturated camera's white
            else:
                self.assertIs(target, white)
        self.assertTrue(saw_clipping)


class AwgnAndColourTests(unittest.TestCase):
    def test_clipped_awgn_is_biased_at_black(self):
        """Clipped noise on black has a positive mean (about sigma / sqrt(2 pi)), which is what the model
        must learn not to return; unclipped noise has none (tolerances 0.5 and 0.2 levels)."""
        black = np.zeros((256, 256, 3))
        np_rng = np.random.default_rng(11)
        clipped = d.add_awgn(black, 25.0, True, np_rng) * 255
        unclipped = d.add_awgn(black, 25.0, False, np_rng) * 255
        self.assertLess(abs(clipped.mean() - 25.0 / np.sqrt(2 * np.pi)), 0.5)
        self.assertLess(abs(unclipped.mean()), 0.2)
        self.assertLess(np.abs(clipped - np.round(clipped)).max(), 1e-9)

    def test_crushed_levels_make_flat_clipped_regions(self):
        """Levels with a black point above the darkest values put a share of the picture exactly at 0 (and
        a white point below the brightest at 1), and keep values in [0, 1]."""
        ramp = np.repeat(np.linspace(0, 1, 256).reshape(16, 16, 1), 3, axis=2)
        rng = random.Random(14)
        zeros = ones = 0
        for _ in range(50):
            out = d.crush_levels(ramp, rng)
            self.assertGreaterEqual(out.min(), 0.0)
            self.assertLessEqual(out.max(), 1.0)
            zeros += (out == 0).any()
            ones += (out == 1).any()
        self.assertGreater(zeros, 40)
        self.assertGreater(ones, 40)

    def test_gray_awgn_is_the_same_in_every_channel(self):
        gray = np.full((16, 16, 3), 0.5)
        out = d.add_awgn(gray, 20.0, False, np.random.default_rng(12), same_in_every_channel=True)
        np.testing.assert_array_equal(out[..., 0], out[..., 1])
        np.testing.assert_array_equal(out[..., 0], out[..., 2])

    def test_colour_jitter_keeps_gray_gray(self):
        """Hue rotation and saturation act about the gray axis: gray pixels are unchanged (1e-9)."""
        gray = np.repeat(np.linspace(0, 1, 64).reshape(8, 8, 1), 3, axis=2)
        out = d.jitter_color(gray, 1.3, 12.0)
        self.assertLess(np.abs(out - gray).max(), 1e-9)

    def test_colour_jitter_changes_colour_mildly(self):
        """A saturated colour changes, but by at most 0.2 per channel at the range limits."""
        red = np.zeros((4, 4, 3))
        red[..., 0] = 0.8
        out = d.jitter_color(red, d.RANGES["saturation"][1], d.RANGES["hue_degrees"][1])
        self.assertGreater(np.abs(out - red).max(), 0.01)
        self.assertLess(np.abs(out - red).max(), 0.2)


if __name__ == "__main__":
    unittest.main()
