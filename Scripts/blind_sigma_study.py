"""Which sigma should blind mode give the model on real (spatially correlated) camera noise?

    python3 Scripts/blind_sigma_study.py [--out results/blind-sigma-study.json] [--model quality]

For every real noisy/clean pair (SIDD training pairs, SIDD validation blocks, a PolyU subset) it measures the
noise at two scales with a NumPy twin of NoiseEstimator.swift (`fine` at full resolution, `coarse` = 2 x the
estimate of the 2x2-averaged image), denoises with the Swift CLI at a grid of fixed sigmas, and prints the
PSNR each blind rule would get (interpolated on the grid) beside the best sigma per image. This is how
BlindNoiseLevel's coarse gain was chosen (Sources/DenoiseKit/BlindNoiseLevel.swift). Needs the release
`denoise` binary (swift build -c release) and ../shared/data.
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
GRID = [4, 8, 12, 20, 30, 40, 50, 60]


def estimate(img: np.ndarray, p: int = 8, max_patches: int = 60000) -> float:
    """Chen et al. (ICCV 2015) as in NoiseEstimator.swift: img (H, W, C) on the 0-255 scale."""
    h, w, _ = img.shape
    step = max(1, int(np.ceil(np.sqrt((w - p + 1) * (h - p + 1) / max_patches))))
    patches = np.stack([img[y:y + p, x:x + p, :].transpose(2, 0, 1).ravel()
                        for y in range(0, h - p + 1, step) for x in range(0, w - p + 1, step)]).astype(np.float64)
    patches -= patches.mean(0)
    lam = np.sort(np.linalg.eigvalsh(patches.T @ patches / len(patches)))
    for size in range(len(lam), 0, -1):
        m = lam[:size].mean()
        if (lam[:size] > m).sum() == (lam[:size] < m).sum():
            return float(np.sqrt(max(0.0, m)))
    return float(np.sqrt(max(0.0, lam[0])))


def halved(img: np.ndarray) -> np.ndarray:
    h, w, c = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2, img.shape[2]
    return img[:h, :w].reshape(h // 2, 2, w // 2, 2, c).mean((1, 3))


def pairs(data: Path):
    sidd = data / "train" / "real-sidd"
    for f in sorted((sidd / "train_patches256_MIRNet" / "input").glob("*.png")):
        yield "sidd-train", f, f.parent.parent / "groundtruth" / f.name
    for f in sorted((sidd / "samples_yilmazdoga" / "Noisy_Images").glob("*.png")):
        yield "sidd-train", f, f.parent.parent / "GT_Images" / f.name.replace("NOISY", "GT")
    for f in sorted((sidd / "train_patches512_InvDN" / "Noisy").glob("*")):
        yield "sidd-train", f, f.parent.parent / "GT" / f.name
    for f in sorted((data / "val" / "SIDD" / "val_blocks_MIRNet" / "input").glob("*.png")):
        yield "sidd-val", f, f.parent.parent / "groundtruth" / f.name
    for f in sorted((data / "val" / "PolyU").glob("*_real.JPG"))[::10]:
        yield "polyu", f, f.with_name(f.name.replace("_real", "_mean"))


def blind_noise_level(rec: dict) -> float:
    """BlindNoiseLevel.modelSigma (Sources/DenoiseKit/BlindNoiseLevel.swift)."""
    def ramp(v, lo, hi):
        return min(1.0, max(0.0, (v - lo) / (hi - lo)))
    fine, coarse = rec["fine"], rec["coarse"]
    correlation = ramp(coarse / max(fine, 1e-3), 1.25, 2.0) * ramp(coarse, 1.5, 3.0)
    return fine + correlation * (max(fine, min(55.0, 2.5 * coarse)) - fine)


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
                   "fine": estimate(noisy), "coarse": 2 * estimate(halved(noisy)), "psnr": {}}
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
