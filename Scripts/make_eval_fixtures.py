"""Fixtures for Tests/EvaluationTests (the denoise-eval library), all synthetic:

    python3 Scripts/make_eval_fixtures.py   # writes Tests/EvaluationTests/Fixtures/

- blocks-{uncompressed,compressed}.mat: scipy.io.savemat of a uint8 array [2][3][16][12][3] named
  ValidationNoisyBlocksSrgb (the layout of SIDD's ValidationNoisyBlocksSrgb.mat, smaller), with
  value(i, j, y, x, c) = (97 i + 41 j + 13 y + 7 x + 3 c) % 256; do_compression False / True.
- blocks-gt.mat: the same shape, value + 5 (mod 256), compressed: a clean partner for end-to-end tests.
- single-block.mat: one [16][12][3] block named im_noisy, compressed (the layout of the DANet
  val_block .mat files, which are SIDD data and are not copied here).
- small-elements.mat: a uint8 [1][1][3] array named "im" = [10, 20, 30], uncompressed: its name and
  data use the MAT-file "small data element" format (4 bytes or fewer packed into the tag).
- double.mat (double [2][2][3]) and four-channels.mat (uint8 [4][4][4]): arrays the SIDD reader must refuse.
- noise.json: the first values of the evaluation noise generator for a few seeds, from the Python
  twin of Sources/Evaluation/GaussianNoise.swift (Scripts/eval_noise.py) (SplitMix64 + Box-Muller).
"""
import json
from pathlib import Path

import numpy as np
import scipy.io as sio

from eval_noise import derive_seed, gaussians, gaussians_np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "EvaluationTests" / "Fixtures"
def blocks(offset=0):
    i, j, y, x, c = np.meshgrid(*(np.arange(n) for n in (2, 3, 16, 12, 3)), indexing="ij")
    return ((97 * i + 41 * j + 13 * y + 7 * x + 3 * c + offset) % 256).astype(np.uint8)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    noisy = blocks()
    sio.savemat(OUT / "blocks-uncompressed.mat", {"ValidationNoisyBlocksSrgb": noisy}, do_compression=False)
    sio.savemat(OUT / "blocks-compressed.mat", {"ValidationNoisyBlocksSrgb": noisy}, do_compression=True)
    sio.savemat(OUT / "blocks-gt.mat", {"ValidationGtBlocksSrgb": blocks(5)}, do_compression=True)
    sio.savemat(OUT / "single-block.mat", {"im_noisy": noisy[1, 2]}, do_compression=True)
    sio.savemat(OUT / "small-elements.mat", {"im": np.array([10, 20, 30], np.uint8).reshape(1, 1, 3)}, do_compression=False)
    sio.savemat(OUT / "double.mat", {"x": np.zeros((2, 2, 3))}, do_compression=False)
    sio.savemat(OUT / "four-channels.mat", {"x": np.zeros((4, 4, 4), np.uint8)}, do_compression=True)

    # Read back through scipy: what the Swift reader must agree with.
    assert (sio.loadmat(OUT / "blocks-compressed.mat")["ValidationNoisyBlocksSrgb"] == noisy).all()

    cases = []
    for base, parts in [(0, [0, 2500]), (0, [3, 1500]), (7, [1, 2, 5000]), (12345, [67, 2500])]:
        seed = derive_seed(base, parts)
        values = gaussians(seed, 9)
        assert np.allclose(gaussians_np(seed, 9), values, rtol=1e-12, atol=1e-12)  # the report's fast twin agrees
        cases.append({"base": base, "parts": parts, "seed": str(seed), "values": values})
    (OUT / "noise.json").write_text(json.dumps({"cases": cases}, indent=1) + "\n")
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
