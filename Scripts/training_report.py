"""Training curves of every preset from Scripts/training/<preset>.log.csv.

    python3 Scripts/training_report.py [--out results]

Writes OUT/training.md (validation PSNR per step, the SKIPAT-vs-baseline comparison at equal steps and at
equal compute, and the CPU-hours spent) and OUT/training_curves.png (validation PSNR against steps and against CPU-hours).
CPU-hours are summed from the logged (wall-clock) seconds per step times the trainer's threads, so they
count the trainer's cores for its whole run time, including time spent waiting for cores shared with
other trainers or builds: an upper bound on the compute actually used. The validation column is the
trainer's own: EMA weights, 12 CBSD68 images, sigma 25, PSNR after rounding to 8 bits; for the camera-noise
presets (`real`, `real-fast`) the 11 SIDD validation blocks, blind, so it is tabulated but not drawn beside the others.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRESETS = ("quality", "quality-baseline", "quality-shifted", "fast", "real", "real-fast")
# Validation column of each kind of log, and what it measures.
VALIDATIONS = {"val_psnr_sigma25": "CBSD68 subset, sigma 25", "val_psnr_sidd_blocks": "SIDD validation blocks, blind"}
SAME_STEP_SLACK = 10


def read_log(path: Path) -> list[dict]:
    """Rows with cumulative CPU-hours added; a step logged twice (a resumed run) keeps its last row."""
    rows, hours, last_step = [], 0.0, 0
    with open(path) as f:
        reader = csv.DictReader(f)
        column = next(c for c in VALIDATIONS if c in reader.fieldnames)
        for row in reader:
            step = int(row["step"])
            threads = int(row.get("threads") or 1)
            hours += max(0, step - last_step) * float(row["seconds_per_step"]) * threads / 3600
            last_step = step
            rows = [r for r in rows if r["step"] != step]
            rows.append({"step": step, "lr": float(row["lr"]), "val": float(row[column]),
                         "measure": VALIDATIONS[column], "hours": hours, "wall": row["wall_time"]})
    return rows


def best_within(rows: list[dict], hours: float) -> dict | None:
    """The row with the best validation among those logged within `hours` CPU-hours."""
    within = [r for r in rows if r["hours"] <= hours + 1e-9]
    return max(within, key=lambda r: r["val"]) if within else None


def rate(rows: list[dict]) -> float:
    """Steps per CPU-hour over a whole log."""
    return rows[-1]["step"] / max(rows[-1]["hours"], 1e-9)


def markdown(logs: dict[str, list[dict]]) -> str:
    lines = ["# Training curves", "",
             "Validation PSNR (dB) of the EMA weights on the trainer's 12-image CBSD68 subset at sigma 25 "
             "(validation only: nothing under val/ feeds training). CPU-hours: wall-clock hours x threads of the "
             "trainer on the shared 2-core machine (an upper bound on compute used). `real` is validated on the "
             "11 SIDD validation blocks (blind) instead; its steps and CPU-hours are the fine-tune's alone, on top "
             "of the bundled `quality` weights it starts from.", "",
             "| preset | validated on | last step | last val | CPU-hours | steps/CPU-hour |",
             "|---|---|---:|---:|---:|---:|"]
    for name, rows in logs.items():
        last = rows[-1]
        lines.append(f"| `{name}` | {last['measure']} | {last['step']} | {last['val']:.3f} | {last['hours']:.2f} | "
                     f"{rate(rows):.0f} |")
    if "quality" in logs and "quality-baseline" in logs:
        # Pairs of validations at the same step, give or take a few steps (a run stopped by SIGTERM
        # validates where it stopped).
        pairs, used = [], set()
        for a in logs["quality"]:
            near = [b for b in logs["quality-baseline"] if abs(a["step"] - b["step"]) <= SAME_STEP_SLACK]
            if near:
                b = min(near, key=lambda b: abs(a["step"] - b["step"]))
                if b["step"] not in used:
                    used.add(b["step"])
                    pairs.append((a, b))
        lines += ["", "## SKIPAT vs baseline at equal steps", "",
                  "Same recipe (data, crops, loss, optimiser, EMA); the learning rate at a step can differ a "
                  "little where a run was restarted with another cycle length, so it is shown.", "",
                  "| step | quality (SKIPAT) | quality-baseline | difference | lr SKIPAT / baseline | "
                  "CPU-hours SKIPAT / baseline |", "|---:|---:|---:|---:|---|---|"]
        for a, b in pairs:
            step = str(a["step"]) if a["step"] == b["step"] else f"{a['step']} / {b['step']}"
            lines.append(f"| {step} | {a['val']:.3f} | {b['val']:.3f} | {a['val'] - b['val']:+.3f} | "
                         f"{a['lr']:.2e} / {b['lr']:.2e} | {a['hours']:.2f} / {b['hours']:.2f} |")
        # Equal compute: at each of the baseline's validations, the best validation each run had reached
        # within that many CPU-hours (what either run would ship on that budget).
        lines += ["", "## SKIPAT vs baseline at equal compute", "",
                  "At each baseline validation: the best validation each run had reached within the baseline's "
                  f"CPU-hours so far (SKIPAT trained {rate(logs['quality']) / rate(logs['quality-baseline']):.2f}x "
                  "as many steps per CPU-hour).", "",
                  "| CPU-hours | quality (SKIPAT): best val (step) | quality-baseline: best val (step) | difference |",
                  "|---:|---|---|---:|"]
        improved = [b for b in logs["quality-baseline"] if best_within(logs["quality-baseline"], b["hours"]) is b]
        for b, after in zip(improved, improved[1:] + [None]):
            a = best_within(logs["quality"], b["hours"])
            # rows where the baseline improved on its own best, one per few steps (a stopped run validates twice)
            if a is not None and (after is None or after["step"] - b["step"] > SAME_STEP_SLACK):
                lines.append(f"| {b['hours']:.2f} | {a['val']:.3f} ({a['step']}) | {b['val']:.3f} ({b['step']}) | "
                             f"{a['val'] - b['val']:+.3f} |")
    lines += ["", "![training curves](training_curves.png)", ""]
    for name, rows in logs.items():
        lines += [f"## `{name}`", "", "| step | lr | val (dB) | CPU-hours | logged |", "|---:|---:|---:|---:|---|"]
        lines += [f"| {r['step']} | {r['lr']:.2e} | {r['val']:.3f} | {r['hours']:.2f} | {r['wall']} |" for r in rows]
        lines.append("")
    return "\n".join(lines)


def plot(logs: dict[str, list[dict]], target: Path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name, rows in logs.items():
        if rows[-1]["measure"] != VALIDATIONS["val_psnr_sigma25"]:
            continue
        for ax, key in zip(axes, ("step", "hours")):
            ax.plot([r[key] for r in rows], [r["val"] for r in rows], marker="o", label=name)
    axes[0].set_xlabel("training step")
    axes[1].set_xlabel("CPU-hours (one core)")
    for ax in axes:
        ax.set_ylabel("val PSNR, CBSD68 subset, sigma 25 (dB)")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(target, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "results")
    args = ap.parse_args()
    logs = {name: read_log(path) for name in PRESETS
            if (path := ROOT / "Scripts" / "training" / f"{name}.log.csv").exists()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "training.md").write_text(markdown(logs))
    plot(logs, args.out / "training_curves.png")
    print(f"wrote {args.out / 'training.md'} and {args.out / 'training_curves.png'}")


if __name__ == "__main__":
    main()
