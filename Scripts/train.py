"""Train a SKIPAT denoiser preset on AWGN (sigma 0-55) and export its weights.

    python3 Scripts/train.py --preset quality --threads 1
    python3 Scripts/train.py --preset real --steps 600 --lr 1e-4 --warmup 100   # fine-tune on camera noise

Resumable: every --save-minutes (and on SIGTERM/SIGINT) a compact resume file (model fp32, EMA fp16,
Adam moments bf16; ~14 MB for the quality presets) goes to Scripts/training/<preset>.resume.pt, which is
committed so a later session on a fresh machine continues the same schedule. Each session can run its
own warm-up + cosine cycle that ends within its budget (`--new-cycle --steps END`): annealed weights at
the end of every session, and the next session warm-restarts from them. The resume file keeps the
cycle's schedule (end, peak and final lr, warm-up), so a plain resume continues the same curve; giving a
different one without --new-cycle is an error. The EMA weights are
exported to Sources/DenoiseModels/Weights/<preset>.safetensors after every validation.
Nothing under val/ feeds training: CBSD68 is only measured (PSNR after rounding to 8 bits).

The `real` preset starts from the bundled quality weights and trains mostly on the SIDD noisy/clean pairs
of train/real-sidd, each crop's noise-level plane being the blind level of its whole noisy image
(noise_level.py, the twin of the Swift BlindNoiseLevel), so the model sees at training what blind mode
gives it at inference; a share of AWGN crops keeps it sound on white noise. It is validated on the SIDD
validation blocks (measured only).
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
from real_pairs import sidd_training_pairs, sidd_validation_pairs
from skipat_model import PRESETS, SkipatDenoiser, denoise_full, model_input

ROOT = Path(__file__).resolve().parent.parent

# Per-preset crops: the quality presets train on the 128x128 inference tile (16x16 windows at every
# level); the fast preset (8x8 windows, two levels) sees more, smaller crops for the same pixels.
# `init`: a bundled preset whose weights start the run; `real_fraction`: share of crops from real pairs.
RECIPES = {
    "quality": {"crop": 128, "batch": 4},
    "quality-baseline": {"crop": 128, "batch": 4},
    "quality-shifted": {"crop": 128, "batch": 4},
    "fast": {"crop": 64, "batch": 16},
    "real": {"crop": 128, "batch": 4, "init": "quality", "real_fraction": 0.75},
    "real-fast": {"crop": 64, "batch": 16, "init": "fast", "real_fraction": 0.75},
}
DATA = ROOT.parent / "shared" / "data"
MAX_SIGMA = 55.0     # AWGN sigma (0-255 scale) is drawn uniformly from [0, MAX_SIGMA)
GRAY_FRACTION = 0.1  # share of synthetic crops made gray
BUNDLED_PRESETS = ("quality", "quality-baseline", "fast", "real", "real-fast")  # Sources/DenoiseModels/BundledWeights.swift


def load_training_images(root: Path, downscale_jpeg: bool) -> list[np.ndarray]:
    """All training images as (H, W, 3) uint8; gray images are replicated to RGB."""
    files = sorted(p for p in (root / "train" / "color").rglob("*") if p.suffix.lower() in (".png", ".jpg"))
    files += sorted((root / "train" / "video").rglob("*.png"))
    images = []
    for path in files:
        im = Image.open(path).convert("RGB")
        if downscale_jpeg and path.suffix.lower() == ".jpg":
            im = im.resize((im.width // 2, im.height // 2), Image.BOX)
        images.append(np.asarray(im))
    return images


def load_validation_images(root: Path, count: int) -> list[np.ndarray]:
    files = sorted((root / "val" / "CBSD68").glob("*.png"))[:count]
    return [np.asarray(Image.open(p).convert("RGB")) for p in files]


def load_real_pairs(pairs: list[tuple[Path, Path]]) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(noisy, clean, blind sigma) per pair: (H, W, 3) uint8 images and the level blind mode would give."""
    out = []
    for noisy_path, clean_path in pairs:
        noisy = np.asarray(Image.open(noisy_path).convert("RGB"))
        clean = np.asarray(Image.open(clean_path).convert("RGB"))
        out.append((noisy, clean, model_sigma(*fine_and_coarse(noisy))))
    return out


def augment(patch: np.ndarray, flip: bool, turns: int) -> np.ndarray:
    return np.rot90(patch[:, ::-1] if flip else patch, turns)


def random_batch(images, batch: int, crop: int, rng: random.Random) -> torch.Tensor:
    """(B, 3, crop, crop) float in [0,1]: random image, crop, flip and 90-degree rotation."""
    out = np.empty((batch, crop, crop, 3), np.float32)
    for b in range(batch):
        im = images[rng.randrange(len(images))]
        while im.shape[0] < crop or im.shape[1] < crop:
            im = images[rng.randrange(len(images))]
        y, x = rng.randrange(im.shape[0] - crop + 1), rng.randrange(im.shape[1] - crop + 1)
        out[b] = augment(im[y:y + crop, x:x + crop], rng.random() < 0.5, rng.randrange(4)) / 255.0
    return torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()


def awgn_batch(images, batch: int, crop: int, max_sigma: float, gray_fraction: float, rng: random.Random):
    """-> noisy, clean (B, 3, crop, crop) and sigma (B,) on the 0-255 scale, uniform in [0, max_sigma): AWGN,
    not clipped, on random crops (random_batch)."""
    clean = random_batch(images, batch, crop, rng)
    sigma = torch.rand(batch) * max_sigma
    noise = torch.randn_like(clean)
    # Gray pictures reach the model as three equal planes with equal noise (see Denoiser): teach it
    # that case on a share of the crops.
    gray = torch.rand(batch) < gray_fraction
    if gray.any():
        clean[gray] = clean[gray].mean(dim=1, keepdim=True).expand(-1, 3, -1, -1)
        noise[gray] = noise[gray][:, :1].expand(-1, 3, -1, -1)
    return clean + noise * (sigma / 255.0).view(-1, 1, 1, 1), clean, sigma


def random_real_crop(pairs, crop: int, rng: random.Random) -> tuple[np.ndarray, np.ndarray, float]:
    """One (noisy, clean) crop pair, (crop, crop, 3) float in [0,1], same crop and augmentation, and its sigma."""
    noisy, clean, sigma = pairs[rng.randrange(len(pairs))]
    y, x = rng.randrange(noisy.shape[0] - crop + 1), rng.randrange(noisy.shape[1] - crop + 1)
    flip, turns = rng.random() < 0.5, rng.randrange(4)
    return (augment(noisy[y:y + crop, x:x + crop], flip, turns) / 255.0,
            augment(clean[y:y + crop, x:x + crop], flip, turns) / 255.0, sigma)


def psnr_uint8(out: torch.Tensor, clean: np.ndarray) -> float:
    """PSNR (data range 255) after rounding the output to 8 bits, as the Swift evaluator does."""
    q = (out.clamp(0, 1) * 255.0).round().permute(1, 2, 0).numpy().astype(np.float64)
    mse = np.mean((q - clean.astype(np.float64)) ** 2)
    return 10 * math.log10(255.0 ** 2 / mse)


def as_batch(image: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (1, 3, H, W) float in [0, 1]."""
    return torch.from_numpy(image.copy()).permute(2, 0, 1)[None].float() / 255.0


def awgn_cases(images, sigma: float, seed: int = 0):
    """(noisy, clean, sigma) per image: seeded AWGN, not clipped."""
    gen = torch.Generator().manual_seed(seed)
    for im in images:
        clean = as_batch(im)
        yield clean + torch.randn(clean.shape, generator=gen) * sigma / 255.0, im, sigma


def real_cases(pairs):
    """(noisy, clean, sigma) per real pair, at its blind level (as `denoise` with no --sigma)."""
    for noisy, clean, sigma in pairs:
        yield as_batch(noisy), clean, sigma


@torch.no_grad()
def validate(model, cases) -> float:
    """Mean PSNR over (noisy (1, 3, H, W), clean (H, W, 3) uint8, sigma) cases, whole images."""
    model.eval()
    scores = [psnr_uint8(denoise_full(model, noisy, sigma)[0], clean) for noisy, clean, sigma in cases]
    model.train()
    return float(np.mean(scores))


def make_optimizer(model) -> torch.optim.AdamW:
    """AdamW as every preset trains (the cycle's schedule sets the learning rate each step)."""
    return torch.optim.AdamW(model.parameters(), lr=SCHEDULE_DEFAULTS["lr"], betas=(0.9, 0.99), weight_decay=0.02)


def optimisation_step(model, opt, noisy: torch.Tensor, clean: torch.Tensor, sigma: torch.Tensor) -> float:
    """One AdamW step on (B, 3, H, W) noisy/clean crops with (B,) sigmas (0-255): Charbonnier loss,
    gradients clipped to norm 1. -> the loss."""
    out = model(model_input(noisy, sigma))
    loss = torch.sqrt((out - clean) ** 2 + 1e-6).mean()
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


# One warm-up + cosine cycle (with args.cycle_start): the options a resume file keeps, and their defaults.
SCHEDULE_DEFAULTS = {"steps": 30000, "lr": 5e-4, "min_lr": 1e-6, "warmup": 300}


def save_resume(path: Path, model, ema, opt, step: int, best: float, args):
    """Compact resume file: model fp32, EMA fp16, Adam moments bf16; the cycle's schedule."""
    half = lambda sd, dt: {k: v.to(dt) for k, v in sd.items()}  # noqa: E731
    moments = {k: {"exp_avg": s["exp_avg"].to(torch.bfloat16), "exp_avg_sq": s["exp_avg_sq"].to(torch.bfloat16),
                   "step": s["step"]} for k, s in opt.state_dict()["state"].items()}
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "ema": half(ema.state_dict(), torch.float16),
                "moments": moments, "step": step, "best": best, "cycle_start": args.cycle_start,
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
    return state["step"], state["best"], state.get("cycle_start", 0), state.get("schedule")


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--steps", type=int, help="step at which the cosine cycle ends (default: the resumed "
                    f"cycle's end, else {SCHEDULE_DEFAULTS['steps']})")
    ap.add_argument("--new-cycle", action="store_true",
                    help="start a new warm-up + cosine cycle at the resumed step, ending at --steps (a warm "
                         "restart: each session can anneal within its own budget and the next one goes on)")
    ap.add_argument("--batch", type=int, help="crops per step (default: the preset's recipe)")
    ap.add_argument("--crop", type=int, help="crop side (default: the preset's recipe)")
    ap.add_argument("--lr", type=float, help=f"peak learning rate of a new cycle (default {SCHEDULE_DEFAULTS['lr']:g})")
    ap.add_argument("--min-lr", type=float, help=f"learning rate at a cycle's end (default {SCHEDULE_DEFAULTS['min_lr']:g})")
    ap.add_argument("--warmup", type=int,
                    help=f"warm-up steps at the start of a new cycle (default {SCHEDULE_DEFAULTS['warmup']})")
    ap.add_argument("--max-sigma", type=float, default=MAX_SIGMA)
    ap.add_argument("--gray-fraction", type=float, default=GRAY_FRACTION, help="share of crops made gray (equal planes)")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--val-every", type=int, default=500)
    ap.add_argument("--val-images", type=int, default=12)
    ap.add_argument("--save-minutes", type=float, default=10.0)
    ap.add_argument("--downscale-jpeg", action="store_true")
    ap.add_argument("--stop-after-minutes", type=float, default=1e9)
    ap.add_argument("--stop-step", type=int, default=None,
                    help="stop (validate, export, save) at this step without ending the cycle there, e.g. to "
                         "compare two presets at equal steps on one schedule")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    recipe = RECIPES[args.preset]
    args.batch = args.batch or recipe["batch"]
    args.crop = args.crop or recipe["crop"]
    real_fraction = recipe.get("real_fraction", 0.0)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train_dir = ROOT / "Scripts" / "training"
    train_dir.mkdir(parents=True, exist_ok=True)
    resume_path = train_dir / f"{args.preset}.resume.pt"
    log_path = train_dir / f"{args.preset}.log.csv"
    # Bundled presets export into the package; candidates (e.g. quality-shifted) beside their resume file,
    # so nothing untrained ships.
    weights_path = (ROOT / "Sources" / "DenoiseModels" / "Weights" if args.preset in BUNDLED_PRESETS
                    else train_dir) / f"{args.preset}.safetensors"

    cfg = PRESETS[args.preset]
    model = SkipatDenoiser(cfg)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = make_optimizer(model)
    step, best, args.cycle_start, saved_schedule = 0, -1.0, 0, None
    resuming = resume_path.exists()
    if resuming:
        step, best, args.cycle_start, saved_schedule = load_resume(resume_path, model, ema, opt)
        rng.seed(args.seed * 1_000_003 + step)
        torch.manual_seed(args.seed * 1_000_003 + step)
        if args.new_cycle:
            args.cycle_start = step
    resolve_schedule(args, saved_schedule, continuing=resuming and not args.new_cycle)
    if resuming:
        print(f"resumed {args.preset} at step {step} (best val {best:.3f} dB); cycle {args.cycle_start}-{args.steps}, "
              f"peak lr {args.lr:g}, warm-up {args.warmup}")
    elif "init" in recipe:
        start_weights = ROOT / "Sources" / "DenoiseModels" / "Weights" / f"{recipe['init']}.safetensors"
        model.load_state_dict(load_engine_weights(start_weights).state_dict())
        ema.load_state_dict(model.state_dict())
        print(f"{args.preset}: starting from {start_weights.relative_to(ROOT)}")
    if args.stop_step is not None and step >= args.stop_step:
        raise SystemExit(f"{args.preset} is at step {step}, already at or past --stop-step {args.stop_step}")
    if step >= args.steps:
        raise SystemExit(f"{args.preset} is at step {step}, past --steps {args.steps}: pass a larger --steps "
                         f"(with --new-cycle to warm up again)")

    images = load_training_images(args.data, args.downscale_jpeg)
    real_pairs = load_real_pairs(sidd_training_pairs(args.data)) if real_fraction > 0 else []
    if real_pairs:  # real-noise presets are measured on real noise: the SIDD validation blocks
        val_pairs = load_real_pairs(sidd_validation_pairs(args.data))
        run_validation, val_column = (lambda m: validate(m, real_cases(val_pairs))), "val_psnr_sidd_blocks"
    else:
        val_images = load_validation_images(args.data, args.val_images)
        run_validation, val_column = (lambda m: validate(m, awgn_cases(val_images, 25.0))), "val_psnr_sigma25"
    print(f"{args.preset}: {sum(p.numel() for p in model.parameters())} params, {len(images)} training images, "
          f"{len(real_pairs)} real pairs")
    new_log = not log_path.exists()
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "lr", "loss", val_column, "seconds_per_step", "wall_time", "threads"])

    # SIGTERM/SIGINT: finish the step, validate, export and save, then exit (a session ending cleanly).
    stop_requested = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop_requested.append(True))

    start = last_save = time.time()
    losses, t_step = [], time.time()
    while step < args.steps:
        lr = learning_rate(step, args)
        for g in opt.param_groups:
            g["lr"] = lr
        noisy, clean, sigma = awgn_batch(images, args.batch, args.crop, args.max_sigma, args.gray_fraction, rng)
        if real_pairs:  # real crops replace synthetic ones, at their blind level
            for b in range(args.batch):
                if rng.random() < real_fraction:
                    real_noisy, real_clean, sigma[b] = random_real_crop(real_pairs, args.crop, rng)
                    noisy[b] = torch.from_numpy(real_noisy.transpose(2, 0, 1).copy())
                    clean[b] = torch.from_numpy(real_clean.transpose(2, 0, 1).copy())
        loss = optimisation_step(model, opt, noisy, clean, sigma)
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
            val = run_validation(ema)
            best = max(best, val)
            writer.writerow([step, f"{lr:.3e}", f"{np.mean(losses):.5f}", f"{val:.3f}", f"{sec:.3f}",
                             time.strftime("%Y-%m-%dT%H:%M:%S"), args.threads])
            log.flush()
            print(f"step {step} lr {lr:.2e} loss {np.mean(losses):.5f} val {val:.3f} dB ({sec:.2f} s/step)",
                  flush=True)
            export_safetensors(ema, weights_path, {"preset": args.preset, "train_step": str(step),
                                                   "val_sidd_blocks" if real_pairs else "val_cbsd68_sigma25_subset":
                                                   f"{val:.3f}"})
            losses, t_step = [], time.time()
        if time.time() - last_save > args.save_minutes * 60 or step == args.steps or stopping:
            save_resume(resume_path, model, ema, opt, step, best, args)
            last_save = time.time()
        if stopping:
            break
    print(f"stopped at step {step}")


if __name__ == "__main__":
    main()
