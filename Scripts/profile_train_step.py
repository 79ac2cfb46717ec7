"""Where a training step's time goes (README design notes: trainer speed).

    python3 Scripts/profile_train_step.py --preset quality --threads 1

Runs train.py's own optimisation step (loss, gradient clipping, AdamW) on the preset's crops of the
training images, with AWGN drawn as the trainer draws it (without its share of gray crops, which cost the
same), and prints the operators that take most of the step's CPU time (torch.profiler, self time).
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
from train import DATA, RECIPES, load_training_images, make_optimizer, optimisation_step, random_batch


def noisy_batch(images, batch: int, crop: int, max_sigma: float, rng: random.Random):
    """(noisy, clean, sigma) as the trainer draws them: AWGN with sigma uniform in [0, max_sigma)."""
    clean = random_batch(images, batch, crop, rng)
    sigma = torch.rand(batch) * max_sigma
    return clean + torch.randn_like(clean) * (sigma / 255.0).view(-1, 1, 1, 1), clean, sigma


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
    batches = [noisy_batch(images, recipe["batch"], recipe["crop"], 55.0, rng) for _ in range(args.steps + 1)]

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
