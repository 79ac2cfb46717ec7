"""The NumPy twin of the blind rule (Scripts/noise_level.py) on the cases BlindNoiseLevelTests checks in
Swift, so trainer and tools agree on the level and on the model it picks; no PyTorch needed:

    python3 -m unittest discover -s Scripts/tests -v
"""
from __future__ import annotations

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from noise_level import blind_route, correlation, model_sigma  # noqa: E402


class BlindRuleTests(unittest.TestCase):
    def test_model_sigma(self):  # tolerance 1e-9 (float64 arithmetic)
        self.assertAlmostEqual(model_sigma(25, 25.5), 25, delta=1e-9)  # white: the fine level
        self.assertEqual(correlation(3, 15), 1.0)
        self.assertAlmostEqual(model_sigma(3, 15), 2.5 * 15, delta=1e-9)  # camera noise: the coarse gain
        self.assertAlmostEqual(model_sigma(8, 40), 55, delta=1e-9)  # capped at the training range
        self.assertAlmostEqual(model_sigma(0.5, 1.2), 0.5, delta=1e-9)  # texture, not noise

    def test_route(self):
        self.assertEqual(blind_route(25, 25.5), "gaussian")
        self.assertEqual(blind_route(3, 15), "real")
        self.assertEqual(blind_route(0.3, 0.35), "quality")  # faint white noise, as camera JPEGs read
        self.assertEqual(blind_route(3.9, 4.0), "quality")  # below the floor of 4


if __name__ == "__main__":
    unittest.main()
