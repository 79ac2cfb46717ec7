"""Where a training step's time goes (README design notes: trainer speed).

    python3 Scripts/profile_train_step.py --preset quality --threads 1

Runs train.py's own optimisation step (loss, gradient clipping, AdamW) on batches drawn as the trainer
draws them (the preset's crops of the training images, AWGN, a share of gray crops), and prints the operators that take most of the step's CPU time (torch.profiler, self time).
A benchmark, not a test: nothing is trained or saved.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

from skipat_model import PRESETS, SkipatDenoiser
from train import (DATA, GRAY_FRACTION, MAX_SIGMA, RECIPES, awgn_batch, load_training_images, make_optimizer,
                   optimisation_step)


def seconds_per_step(model, opt, batches) -> list[float]:
    times = []
    for noisy, clean, sigma in batches:
        t = time.perf_counter()
        optimisation_step(model, opt, noisy, clean, sigma)
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
    rng = random.Random(0)
    recipe = RECIPES[args.preset]
    images = load_training_images(args.data, downscale_jpeg=False)
    batches = [awgn_batch(images, recipe["batch"], recipe["crop"], MAX_SIGMA, GRAY_FRACTION, rng)
               for _ in range(args.steps + 1)]

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
