"""Train a SKIPAT denoiser preset and export candidate weights (docs/training.md has the recipe).

    python3 Scripts/train.py --preset quality --threads 2 --new-cycle --steps 33000 --lr 2e-4
    python3 Scripts/export.py Scripts/training/quality.best.safetensors --bundle quality   # ship it

The blind-default recipes (quality, fast, quality-baseline) train on the mix of training_data.py: clean
crops from several folders with colour augmentation, and per crop one kind of noise: AWGN (a share
clipped and rounded to 8 bits as files hold it), synthetic camera noise (degradations.py), or a real
SIDD pair. AWGN crops give the model their true sigma; camera and real crops the level blind mode gives
it at inference (noise_level.py, the twin of the Swift BlindNoiseLevel). The `real` recipes fine-tune
on the SIDD pairs alone (with a share of AWGN).

Validation measures several distributions at once (validation.py): CBSD68, CQ12 and Urban12 at sigma
15/25/50 and the SIDD blocks and PolyU pairs blind; the checkpoint with the best mean over the sets is
kept as Scripts/training/<preset>.best.safetensors, the latest as <preset>.safetensors. Training never
writes into Sources/: bundled weights change only through Scripts/export.py --bundle.

Resumable: every --save-minutes (and on SIGTERM/SIGINT) a compact resume file (model fp32, EMA fp16,
Adam moments bf16; ~14 MB for the quality presets) goes to Scripts/training/<preset>.resume.pt. Commit
it only when a run stops or pauses, replacing the previous one. Each run is one warm-up + cosine cycle
(`--new-cycle --steps END` warm-restarts from a resume file); the file keeps the cycle's schedule, so a
plain resume continues the same curve, and giving a different one without --new-cycle is an error.
Nothing under val/ feeds training.
"""
from __future__ import annotations

import argparse
import copy
import csv
import math
import os
import random
import signal
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from export import export_safetensors, load_engine_weights
from noise_level import fine_and_coarse, model_sigma
from real_pairs import sidd_training_pairs
from skipat_model import PRESETS, SkipatDenoiser, model_input, temporal_from_image
from training_data import (NOISE_KINDS, NOISE_MIX_BLIND_DEFAULT, NOISE_MIX_GAUSSIAN, NOISE_MIX_SIDD, SUBSAMPLED_CHROMA,
                           load_folders, noise_mix, training_batch)
from validation import validate_all, validation_sets
from video_training_data import VIDEO_MIX, VIDEO_NOISE, load_sequences, video_batch

ROOT = Path(__file__).resolve().parent.parent

# Per-preset crops and noise mix: the quality presets train on the 128x128 inference tile (16x16 windows
# at every level); the fast preset (8x8 windows, two levels) sees more, smaller crops for the same pixels.
# `init`: a bundled preset whose weights start a run that has no resume file (--init FILE overrides it).
# `validation`: the sets whose mean picks the best checkpoint (default: all of VALIDATION_SETS).
# `subsampled_chroma`: how folders saved with 4:2:0 chroma are used (training_data.SUBSAMPLED_CHROMA).
GAUSSIAN_SETS = ("cbsd68", "cq12", "urban12")
REAL_SETS = ("cbsd68", "cq12", "urban12", "sidd", "polyu", "camera")  # camera-noise presets: other cameras too
RECIPES = {
    "quality": {"crop": 128, "batch": 4, "mix": NOISE_MIX_BLIND_DEFAULT},
    # The Gaussian-noise specialist `--sigma` picks: white noise only, judged on the Gaussian sets.
    "gaussian": {"crop": 128, "batch": 4, "init": "quality", "mix": NOISE_MIX_GAUSSIAN, "validation": GAUSSIAN_SETS},
    "quality-baseline": {"crop": 128, "batch": 4, "mix": NOISE_MIX_BLIND_DEFAULT},
    "quality-shifted": {"crop": 128, "batch": 4, "mix": NOISE_MIX_BLIND_DEFAULT},
    "fast": {"crop": 64, "batch": 16, "mix": NOISE_MIX_BLIND_DEFAULT},
    "real": {"crop": 128, "batch": 4, "init": "quality", "mix": NOISE_MIX_SIDD, "validation": REAL_SETS},
    "real-fast": {"crop": 64, "batch": 16, "init": "fast", "mix": NOISE_MIX_SIDD, "validation": REAL_SETS},
    # Temporal presets: windows of the preset's frames (video_training_data.py), from the image weights.
    "video": {"crop": 128, "batch": 4, "init": "quality", "mix": VIDEO_MIX},
    "video-fast": {"crop": 64, "batch": 16, "init": "fast", "mix": VIDEO_MIX},
}
DATA = ROOT.parent / "shared" / "data"  # default data folder: ../shared/data beside the clone (--data)
BUNDLED = ROOT / "Sources" / "DenoiseModels" / "Weights"
VALIDATION_SETS = ("cbsd68", "cq12", "urban12", "sidd", "polyu")
VIDEO_VALIDATION_SETS = ("davis", *VALIDATION_SETS)  # temporal presets: DAVIS windows first


def load_real_pairs(pairs: list[tuple[Path, Path]]) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(noisy, clean, blind sigma) per pair: (H, W, 3) uint8 images and the level blind mode would give."""
    out = []
    for noisy_path, clean_path in pairs:
        noisy = np.asarray(Image.open(noisy_path).convert("RGB"))
        clean = np.asarray(Image.open(clean_path).convert("RGB"))
        out.append((noisy, clean, model_sigma(*fine_and_coarse(noisy))))
    return out


# Temporal models: the layers that see the neighbour frames start at (or near) zero, where the image
# weights they are made from give them almost no gradient; they learn at this multiple of the schedule.
TEMPORAL_INPUT_LR_SCALE = 5.0


def make_optimizer(model) -> torch.optim.AdamW:
    """AdamW as every preset trains (the cycle's schedule, times a group's `lr_scale`, sets the learning
    rate each step): one group, or for temporal models the rest and the input layers that see the frames."""
    sees_frames = lambda name: model.cfg.frames > 1 and name.startswith(("input_proj.", "fusion_"))  # noqa: E731
    groups = [{"params": [p for n, p in model.named_parameters() if not sees_frames(n)], "lr_scale": 1.0}]
    temporal_input = [p for n, p in model.named_parameters() if sees_frames(n)]
    if temporal_input:
        groups.append({"params": temporal_input, "lr_scale": TEMPORAL_INPUT_LR_SCALE})
    return torch.optim.AdamW(groups, lr=SCHEDULE_DEFAULTS["lr"], betas=(0.9, 0.99), weight_decay=0.02)


# Rec. 601 luma, for the crops whose loss measures luma only (their chroma is subsampled).
LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)


def charbonnier(error: torch.Tensor, luma_only: torch.Tensor | None = None) -> torch.Tensor:
    """Mean Charbonnier penalty of a (B, 3, H, W) error; crops flagged in luma_only (B,) count the error of
    their luma instead of their three channels."""
    penalty = torch.sqrt(error ** 2 + 1e-6).mean(dim=(1, 2, 3))  # (B,)
    if luma_only is not None and bool(luma_only.any()):
        luma = (error * LUMA).sum(dim=1)  # (B, H, W)
        penalty = torch.where(luma_only, torch.sqrt(luma ** 2 + 1e-6).mean(dim=(1, 2)), penalty)
    return penalty.mean()


def optimisation_step(model, opt, noisy: torch.Tensor, clean: torch.Tensor, sigma: torch.Tensor,
                      luma_only: torch.Tensor | None = None) -> float:
    """One AdamW step on (B, 3T, H, W) noisy windows (T = 1 for images), (B, 3, H, W) clean (centre) crops and
    their noise levels (0-255; (B,), or (B, 1, H, W) per pixel after a temporal prefilter): Charbonnier
    loss (luma only for the crops flagged in luma_only (B,)), gradients clipped to norm 1. -> the loss."""
    out = model(model_input(noisy, sigma))
    loss = charbonnier(out - clean, luma_only)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()


def learning_rate(step: int, args) -> float:
    """Linear warm-up, then cosine decay to min_lr, over the cycle [args.cycle_start, args.steps)."""
    step -= args.cycle_start
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = min(1.0, (step - args.warmup) / max(1, args.steps - args.cycle_start - args.warmup))
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * t))


# What `best` in a resume file measures: validation.validate_all's mean over the sets.
BEST_METRIC = "mean-of-validation-sets"

# One warm-up + cosine cycle (with args.cycle_start): the options a resume file keeps, and their defaults.
SCHEDULE_DEFAULTS = {"steps": 30000, "lr": 5e-4, "min_lr": 1e-6, "warmup": 300}


def save_resume(path: Path, model, ema, opt, step: int, best: float, args):
    """Compact resume file: model fp32, EMA fp16, Adam moments bf16; the cycle's schedule."""
    half = lambda sd, dt: {k: v.to(dt) for k, v in sd.items()}  # noqa: E731
    moments = {k: {"exp_avg": s["exp_avg"].to(torch.bfloat16), "exp_avg_sq": s["exp_avg_sq"].to(torch.bfloat16),
                   "step": s["step"]} for k, s in opt.state_dict()["state"].items()}
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "ema": half(ema.state_dict(), torch.float16),
                "moments": moments, "step": step, "best": best, "best_metric": BEST_METRIC, "cycle_start": args.cycle_start,
                "schedule": {k: getattr(args, k) for k in SCHEDULE_DEFAULTS}}, tmp)
    os.replace(tmp, path)


def load_resume(path: Path, model, ema, opt) -> tuple[int, float, int, dict | None]:
    """-> step, best validation, cycle start, the cycle's schedule (None in files from before it was kept)."""
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state["model"])
    ema.load_state_dict({k: v.float() for k, v in state["ema"].items()})
    opt_state = opt.state_dict()
    opt_state["state"] = {k: {"exp_avg": s["exp_avg"].float(), "exp_avg_sq": s["exp_avg_sq"].float(),
                              "step": s["step"]} for k, s in state["moments"].items()}
    opt.load_state_dict(opt_state)
    # A best value of another metric (files from before the multi-set score) is not comparable.
    best = state["best"] if state.get("best_metric") == BEST_METRIC else -1.0
    return state["step"], best, state.get("cycle_start", 0), state.get("schedule")


def resolve_schedule(args, saved: dict | None, continuing: bool):
    """Fill --steps/--lr/--min-lr/--warmup: a continued cycle keeps its saved schedule (an explicit
    different value is an error, since it would bend the curve mid-cycle); a new one takes the options."""
    for key in SCHEDULE_DEFAULTS:
        given = getattr(args, key)
        if continuing and saved is not None:
            if given is not None and given != saved[key]:
                flag = "--" + key.replace("_", "-")
                raise SystemExit(f"{args.preset}: the cycle in progress ({args.cycle_start}-{saved['steps']}) has "
                                 f"{flag} {saved[key]:g}, not {given:g}; resume without {flag}, or pass "
                                 f"--new-cycle to start a new cycle with it")
            setattr(args, key, saved[key])
        elif given is None:
            setattr(args, key, SCHEDULE_DEFAULTS[key])


def open_log(path: Path, set_names: tuple[str, ...]):
    """CSV log with one column per validation set; a log of another layout is kept beside it."""
    header = ["step", "lr", "loss", *(f"val_{name}" for name in set_names), "val_score",
              "seconds_per_step", "wall_time", "threads"]
    if path.exists():
        with open(path) as f:
            if f.readline().strip().split(",") != header:
                kept = path.with_name(path.stem + f"-until-{time.strftime('%Y%m%d-%H%M%S')}.csv")
                path.rename(kept)
    new = not path.exists()
    log = open(path, "a", newline="")
    writer = csv.writer(log)
    if new:
        writer.writerow(header)
    return log, writer


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=sorted(RECIPES), required=True)
    ap.add_argument("--name", help="run name: the files under Scripts/training are <name>.* (default: the preset), "
                                   "so two runs of one preset can be compared side by side")
    ap.add_argument("--init", type=Path, help="weights (engine safetensors) that start a run with no resume file "
                                              "(default: the recipe's bundled preset)")
    ap.add_argument("--subsampled-chroma", choices=SUBSAMPLED_CHROMA,
                    help="folders with 4:2:0 chroma: 2x downscale, or full size with a luma-only loss "
                         "(default: the recipe's, else downscale)")
    ap.add_argument("--noise-mix", type=noise_mix,
                    help="share of crops per noise kind, e.g. awgn=0.15,camera=0.35,sidd=0.5 (default: the recipe's; "
                         f"kinds: {', '.join(NOISE_KINDS)})")
    ap.add_argument("--data", type=Path, default=DATA, help="folder with train/ and val/ (default ../shared/data)")
    ap.add_argument("--steps", type=int, help="step at which the cosine cycle ends (default: the resumed "
                    f"cycle's end, else {SCHEDULE_DEFAULTS['steps']})")
    ap.add_argument("--new-cycle", action="store_true",
                    help="start a new warm-up + cosine cycle at the resumed step, ending at --steps (a warm "
                         "restart from the resume file's weights and moments)")
    ap.add_argument("--batch", type=int, help="crops per step (default: the preset's recipe)")
    ap.add_argument("--crop", type=int, help="crop side (default: the preset's recipe)")
    ap.add_argument("--lr", type=float, help=f"peak learning rate of a new cycle (default {SCHEDULE_DEFAULTS['lr']:g})")
    ap.add_argument("--min-lr", type=float, help=f"learning rate at a cycle's end (default {SCHEDULE_DEFAULTS['min_lr']:g})")
    ap.add_argument("--warmup", type=int,
                    help=f"warm-up steps at the start of a new cycle (default {SCHEDULE_DEFAULTS['warmup']})")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--val-every", type=int, default=500)
    ap.add_argument("--val-images", type=int, default=4, help="images per validation set")
    ap.add_argument("--val-crop", type=int, default=256, help="validation images are cut to their centre crop")
    ap.add_argument("--save-minutes", type=float, default=10.0)
    ap.add_argument("--stop-after-minutes", type=float, default=1e9)
    ap.add_argument("--stop-step", type=int, default=None,
                    help="stop (validate, export, save) at this step without ending the cycle there, e.g. to "
                         "compare two presets at equal steps on one schedule")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    recipe = RECIPES[args.preset]
    args.batch = args.batch or recipe["batch"]
    args.crop = args.crop or recipe["crop"]
    args.name = args.name or args.preset
    subsampled_chroma = args.subsampled_chroma or recipe.get("subsampled_chroma", "downscale")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    np_rng = np.random.default_rng(args.seed)
    train_dir = ROOT / "Scripts" / "training"
    train_dir.mkdir(parents=True, exist_ok=True)
    resume_path = train_dir / f"{args.name}.resume.pt"
    latest_path = train_dir / f"{args.name}.safetensors"
    best_path = train_dir / f"{args.name}.best.safetensors"

    cfg = PRESETS[args.preset]
    model = SkipatDenoiser(cfg)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = make_optimizer(model)
    step, best, args.cycle_start, saved_schedule = 0, -1.0, 0, None
    resuming = resume_path.exists()
    if resuming:
        step, best, args.cycle_start, saved_schedule = load_resume(resume_path, model, ema, opt)
        rng.seed(args.seed * 1_000_003 + step)
        np_rng = np.random.default_rng(args.seed * 1_000_003 + step)
        torch.manual_seed(args.seed * 1_000_003 + step)
        if args.new_cycle:
            args.cycle_start = step
            best = -1.0  # a new recipe's score is not comparable with the last cycle's
    resolve_schedule(args, saved_schedule, continuing=resuming and not args.new_cycle)
    if resuming:
        print(f"resumed {args.preset} at step {step} (best score {best:.3f} dB); cycle {args.cycle_start}-{args.steps}, "
              f"peak lr {args.lr:g}, warm-up {args.warmup}")
    elif args.init or "init" in recipe:
        start_weights = (args.init or BUNDLED / f"{recipe['init']}.safetensors").resolve()
        image = load_engine_weights(start_weights)
        if cfg.frames > 1:
            temporal_from_image(model, image)  # the neighbours' input weights start at zero
        else:
            model.load_state_dict(image.state_dict())
        ema.load_state_dict(model.state_dict())
        print(f"{args.name}: starting from {start_weights}")
    if args.stop_step is not None and step >= args.stop_step:
        raise SystemExit(f"{args.preset} is at step {step}, already at or past --stop-step {args.stop_step}")
    if step >= args.steps:
        raise SystemExit(f"{args.preset} is at step {step}, past --steps {args.steps}: pass a larger --steps "
                         f"(with --new-cycle to warm up again)")

    mix = args.noise_mix or recipe["mix"]
    folders = load_folders(args.data, subsampled_chroma)
    sequences = load_sequences(args.data) if cfg.frames > 1 else []
    needs_pairs = mix.get("sidd", 0) > 0 or (cfg.frames > 1 and VIDEO_NOISE.get("sidd", 0) > 0)
    real_pairs = load_real_pairs(sidd_training_pairs(args.data)) if needs_pairs else []
    if mix.get("sidd", 0) > 0 and not real_pairs:
        raise SystemExit(f"{args.preset}: the recipe needs the SIDD pairs under {args.data / 'train' / 'real-sidd'}")
    set_names = recipe.get("validation", VIDEO_VALIDATION_SETS if cfg.frames > 1 else VALIDATION_SETS)
    val_sets = validation_sets(args.data, args.val_images, args.val_crop, set_names, cfg.frames)
    print(f"{args.name}: {sum(p.numel() for p in model.parameters())} params; "
          + ", ".join(f"{f.name} {len(f.images)}" for f in folders) + f"; {len(real_pairs)} real pairs; mix {mix}; "
          f"{subsampled_chroma} for 4:2:0 folders; validation {', '.join(f'{k} {len(v)}' for k, v in val_sets.items())}",
          flush=True)
    log, writer = open_log(train_dir / f"{args.name}.log.csv", set_names)

    # SIGTERM/SIGINT: finish the step, validate, export and save, then exit (a machine shutting down cleanly).
    stop_requested = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop_requested.append(True))

    start = last_save = time.time()
    losses, t_step = [], time.time()
    while step < args.steps:
        lr = learning_rate(step, args)
        for g in opt.param_groups:
            g["lr"] = lr * g["lr_scale"]
        if cfg.frames > 1:
            noisy, clean, sigma = video_batch(folders, sequences, real_pairs, args.batch, args.crop, cfg.frames, rng, np_rng,
                                              align=cfg.alignment == "block", prefilter=cfg.prefilter == "robust")
            luma_only = None
        else:
            noisy, clean, sigma, luma_only = training_batch(mix, folders, real_pairs, args.batch, args.crop, rng, np_rng)
        loss = optimisation_step(model, opt, noisy, clean, sigma, luma_only)
        with torch.no_grad():
            d = min(args.ema, (1 + step) / (10 + step))
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm, alpha=1 - d)
        step += 1
        losses.append(loss)

        stopping = (bool(stop_requested) or time.time() - start > args.stop_after_minutes * 60
                    or step == args.stop_step)
        if step % args.val_every == 0 or step == args.steps or stopping:
            sec = (time.time() - t_step) / len(losses)
            val = validate_all(ema, val_sets)
            writer.writerow([step, f"{lr:.3e}", f"{np.mean(losses):.5f}",
                             *(f"{val[name]:.3f}" if name in val else "" for name in set_names),
                             f"{val['score']:.3f}", f"{sec:.3f}", time.strftime("%Y-%m-%dT%H:%M:%S"), args.threads])
            log.flush()
            print(f"step {step} lr {lr:.2e} loss {np.mean(losses):.5f} "
                  + " ".join(f"{k} {v:.3f}" for k, v in val.items()) + f" ({sec:.2f} s/step)", flush=True)
            metadata = {"preset": args.preset, "run": args.name, "train_step": str(step),
                        "val_score": f"{val['score']:.3f}", "subsampled_chroma": subsampled_chroma}
            export_safetensors(ema, latest_path, metadata)
            if val["score"] > best:
                best = val["score"]
                export_safetensors(ema, best_path, metadata)
            losses, t_step = [], time.time()
        if time.time() - last_save > args.save_minutes * 60 or step == args.steps or stopping:
            save_resume(resume_path, model, ema, opt, step, best, args)
            last_save = time.time()
        if stopping:
            break
    print(f"stopped at step {step}")


if __name__ == "__main__":
    main()
