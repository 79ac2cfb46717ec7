"""Training curves of every preset from the logs in Scripts/training/.

    python3 Scripts/training_report.py [--out results]

Two kinds of log: <preset>.awgn.log.csv or <preset>.log-until-<date>.csv (and the logs of presets trained
only that way) hold the earlier runs with a single validation (CBSD68 subset, or the SIDD blocks for `real`); <preset>.log.csv with a `val_score` column holds the runs
on the blind-default mix (docs/training.md) validated on five sets at once.

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


def read_mix_log(path: Path) -> list[dict]:
    """Rows of a multi-set log (val_<set> columns and val_score), with the run's CPU-hours added."""
    rows, hours, last_step = [], 0.0, None
    with open(path) as f:
        reader = csv.DictReader(f)
        sets = [c for c in reader.fieldnames if c.startswith("val_") and c != "val_score"]
        for row in reader:
            step = int(row["step"])
            if last_step is not None:
                hours += max(0, step - last_step) * float(row["seconds_per_step"]) * int(row.get("threads") or 1) / 3600
            last_step = step
            rows = [r for r in rows if r["step"] != step]
            rows.append({"step": step, "lr": float(row["lr"]), "score": float(row["val_score"]), "hours": hours,
                         "sets": {c[4:]: float(row[c]) for c in sets if row[c]}, "wall": row["wall_time"]})
    return rows


def mix_markdown(logs: dict[str, list[dict]]) -> list[str]:
    lines = ["", "## Blind-default recipe (multi-set validation)", "",
             "EMA weights on the centre 256x256 of the first 4 images of CBSD68, CQ12 and Urban12 (AWGN at sigma "
             "15, 25 and 50, averaged) and of the SIDD blocks and the first 4 PolyU pairs (blind); the score is the "
             "mean of the five. CPU-hours from the run's start (the first row's steps are not counted).", ""]
    for name, rows in logs.items():
        sets = list(rows[0]["sets"])
        lines += [f"### `{name}`", "", "| step | lr | " + " | ".join(sets) + " | score | CPU-hours | logged |",
                  "|---:|---:|" + "---:|" * (len(sets) + 2) + "---|"]
        lines += [f"| {r['step']} | {r['lr']:.2e} | " + " | ".join(f"{r['sets'][k]:.3f}" for k in sets)
                  + f" | {r['score']:.3f} | {r['hours']:.2f} | {r['wall']} |" for r in rows]
        lines.append("")
    return lines


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
    folder = ROOT / "Scripts" / "training"
    logs, mix_logs = {}, {}
    for name in PRESETS:
        # The earlier recipe's log: <preset>.awgn.log.csv, or the dated copy train.py keeps when a run with
        # the multi-set layout starts (<preset>.log-until-<date>.csv).
        earlier = sorted(folder.glob(f"{name}.log-until-*.csv"))
        awgn = folder / f"{name}.awgn.log.csv" if (folder / f"{name}.awgn.log.csv").exists() or not earlier else earlier[0]
        current = folder / f"{name}.log.csv"
        current_is_mix = current.exists() and "val_score" in current.open().readline()
        if awgn.exists() or (current.exists() and not current_is_mix):
            logs[name] = read_log(awgn if awgn.exists() else current)
        if current_is_mix and len(rows := read_mix_log(current)) > 0:
            mix_logs[name] = rows
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "training.md").write_text(markdown(logs) + "\n".join(mix_markdown(mix_logs)) + "\n")
    plot(logs, args.out / "training_curves.png")
    print(f"wrote {args.out / 'training.md'} and {args.out / 'training_curves.png'}")


if __name__ == "__main__":
    main()
