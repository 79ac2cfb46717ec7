"""Where a training step's time goes (README design notes: trainer speed).

    python3 Scripts/profile_train_step.py --preset quality --threads 1

Runs train.py's own optimisation step (loss, gradient clipping, AdamW) on batches drawn as the trainer
draws them (training_data.training_batch with the preset's crops and noise mix), times drawing a batch
too, and prints the operators that take most of the step's CPU time (torch.profiler, self time).
A benchmark, not a test: nothing is trained or saved.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from torch.profiler import ProfilerActivity, profile

from real_pairs import sidd_training_pairs
from skipat_model import PRESETS, SkipatDenoiser
from train import DATA, RECIPES, load_real_pairs, make_optimizer, optimisation_step
from training_data import load_folders, training_batch


def seconds_per_step(model, opt, batches) -> list[float]:
    times = []
    for noisy, clean, sigma, luma_only in batches:
        t = time.perf_counter()
        optimisation_step(model, opt, noisy, clean, sigma, luma_only)
        times.append(time.perf_counter() - t)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=sorted(RECIPES), default="quality")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=5, help="profiled (and timed) steps, after one warm-up step")
    ap.add_argument("--top", type=int, default=15, help="operators listed")
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng, np_rng = random.Random(0), np.random.default_rng(0)
    recipe = RECIPES[args.preset]
    folders = load_folders(args.data, recipe.get("subsampled_chroma", "downscale"))
    pairs = load_real_pairs(sidd_training_pairs(args.data)) if recipe["mix"].get("sidd", 0) > 0 else []
    t = time.perf_counter()
    batches = [training_batch(recipe["mix"], folders, pairs, recipe["batch"], recipe["crop"], rng, np_rng)
               for _ in range(args.steps + 1)]
    print(f"drawing a batch: {(time.perf_counter() - t) / len(batches):.3f} s (noise mix {recipe['mix']})")

    model = SkipatDenoiser(PRESETS[args.preset]).train()
    opt = make_optimizer(model)
    seconds_per_step(model, opt, batches[:1])  # warm-up: allocator, lazy inits
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        times = seconds_per_step(model, opt, batches[1:])
    print(f"{args.preset}: batch {recipe['batch']} x {recipe['crop']}^2, {args.threads} thread(s); "
          f"{statistics.median(times):.3f} s/step (median of {len(times)}, profiler on)")
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.top))


if __name__ == "__main__":
    main()
