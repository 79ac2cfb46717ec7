"""Which sigma should blind mode give the model on real (spatially correlated) camera noise?

    python3 Scripts/blind_sigma_study.py [--out results/blind-sigma-study.json] [--model quality]

For every real noisy/clean pair (SIDD training pairs, SIDD validation blocks, a PolyU subset) it measures the
noise at two scales with noise_level.py, the NumPy twin of NoiseEstimator.swift (`fine` at full resolution,
`coarse` = 2 x the estimate of the 2x2-averaged image), denoises with the Swift CLI at a grid of fixed sigmas,
and prints the PSNR each blind rule would get (interpolated on the grid) beside the best sigma per image. This
is how BlindNoiseLevel's coarse gain was chosen (Sources/DenoiseKit/BlindNoiseLevel.swift). Needs the release
`denoise` binary (swift build -c release) and ../shared/data.
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from noise_level import fine_and_coarse, model_sigma
from real_pairs import polyu_pairs, sidd_training_pairs, sidd_validation_pairs

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
GRID = [4, 8, 12, 20, 30, 40, 50, 60]


def pairs(data: Path):
    yield from (("sidd-train", n, c) for n, c in sidd_training_pairs(data))
    yield from (("sidd-val", n, c) for n, c in sidd_validation_pairs(data))
    yield from (("polyu", n, c) for n, c in polyu_pairs(data)[::10])


def blind_noise_level(rec: dict) -> float:
    """BlindNoiseLevel.modelSigma (Sources/DenoiseKit/BlindNoiseLevel.swift)."""
    return model_sigma(rec["fine"], rec["coarse"])


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(255.0 ** 2 / np.mean((a - b) ** 2)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--model", default="quality")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "blind-sigma-study.json")
    ap.add_argument("--table-only", action="store_true", help="print the table from an earlier --out file")
    args = ap.parse_args()
    if args.table_only:
        print_table(json.loads(args.out.read_text()))
        return
    records = sweep(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(records, indent=1))
    print_table(records)


def sweep(args) -> list:
    tool = ROOT / ".build" / "release" / "denoise"
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, noisy_path, clean_path in pairs(args.data):
            noisy = np.asarray(Image.open(noisy_path).convert("RGB"), dtype=np.float64)
            clean = np.asarray(Image.open(clean_path).convert("RGB"), dtype=np.float64)
            src, dst = Path(tmp) / "in.png", Path(tmp) / "out.png"
            Image.fromarray(noisy.astype(np.uint8)).save(src)
            rec = {"kind": kind, "file": str(noisy_path.relative_to(args.data)), "noise_std": float((noisy - clean).std()),
                   "psnr": {}}
            rec["fine"], rec["coarse"] = fine_and_coarse(noisy)
            for sigma in GRID:
                subprocess.run([str(tool), str(src), str(dst), "--model", args.model, "--sigma", str(sigma), "--force"],
                               check=True, capture_output=True)
                rec["psnr"][str(sigma)] = psnr(np.asarray(Image.open(dst).convert("RGB"), dtype=np.float64), clean)
            print(f"{kind} {noisy_path.name}: noise std {rec['noise_std']:.1f}, fine {rec['fine']:.1f}, "
                  f"coarse {rec['coarse']:.1f}, best sigma {max(rec['psnr'], key=rec['psnr'].get)}", flush=True)
            records.append(rec)
    return records


def print_table(records: list):
    def at(rec, sigma):  # PSNR at a sigma, interpolated on the grid (held constant outside it)
        return float(np.interp(sigma, GRID, [rec["psnr"][str(g)] for g in GRID]))

    rules = {"best fixed sigma per image": lambda r: GRID[int(np.argmax([r["psnr"][str(g)] for g in GRID]))],
             "fine (PCA at full resolution)": lambda r: r["fine"]}
    for gain in (2.0, 2.5, 3.0, 3.5):
        rules[f"{gain} x coarse (max 55)"] = lambda r, g=gain: min(55.0, g * r["coarse"])
    rules["BlindNoiseLevel (2.5 x coarse, with its ramps)"] = blind_noise_level
    kinds = sorted({r["kind"] for r in records})
    print(f"Mean PSNR (dB) per rule, interpolated on the sigma grid {GRID} (held at the ends outside it).")
    print("| rule | " + " | ".join(f"{k} ({sum(r['kind'] == k for r in records)})" for k in kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for name, rule in rules.items():
        means = [np.mean([at(r, rule(r)) for r in records if r["kind"] == k]) for k in kinds]
        print(f"| {name} | " + " | ".join(f"{m:.2f}" for m in means) + " |")


if __name__ == "__main__":
    main()
