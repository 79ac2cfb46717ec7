"""How alike are the attention outputs of consecutive video frames, and what would reusing them cost?
(docs/design.md, section 9: temporal SKIPAT.)

    python3 Scripts/temporal_attention_study.py --model Sources/DenoiseModels/Weights/video.safetensors

For DAVIS frames with seeded AWGN (sigma 30), the model restores frame t and then frame t+1 of each
sequence (centre crops of --crop pixels). For every window-attention block it prints
- the mean cosine similarity of each attention window's output (the tokens of one window, flattened)
  between the two frames, and the share of windows whose relative change ||z1 - z0|| / ||z0|| is below
  0.1 and 0.3;
- the PSNR of frame t+1 when that block reuses frame t's attention output everywhere (SKIPAT across
  time with the identity as Phi, the cheapest approximation), against computing it;
- the same with frame t's output warped onto frame t+1 first: the block motion between the two prepared
  centre frames (motion.block_shifts, 16 px blocks) scaled to the block's grid, each token read from
  where its block came from (Phi = a motion-compensated copy).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch

import skipat_model
from export import load_engine_weights
from motion import BLOCK, block_shifts, luma
from validation import as_batch, prepared, psnr_uint8, read_rgb

ROOT = Path(__file__).resolve().parent.parent


def window_input(files, t: int, frames: int, crop: int, sigma: float, gen) -> tuple[torch.Tensor, np.ndarray]:
    """(1, 3T, H, W) noisy window centred on frame t (clamped to the sequence), clean centre (H, W, 3)."""
    idx = [min(max(t + d, 0), len(files) - 1) for d in range(-(frames // 2), frames // 2 + 1)]
    clean = [read_rgb(files[i], crop) for i in idx]
    noisy = torch.cat([as_batch(c) + torch.randn(as_batch(c).shape, generator=gen) * sigma / 255 for c in clean], 1)
    return noisy, clean[frames // 2]  # prepared (aligned) by the caller, which knows the model


def warped_tokens(z: torch.Tensor, shifts: np.ndarray, full_side: int) -> torch.Tensor:
    """(1, H, W, C) attention output of frame t, (by, bx, 2) full-resolution block shifts of frame t+1
    against frame t -> the output moved onto frame t+1: token (y, x) reads frame t's token at
    (y, x) + its block's shift / the grid's scale, clamped to the grid."""
    _, h, w, _ = z.shape
    scale = full_side // h
    ys, xs = np.arange(h), np.arange(w)
    by = np.minimum(ys * scale // BLOCK, shifts.shape[0] - 1)
    bx = np.minimum(xs * scale // BLOCK, shifts.shape[1] - 1)
    dy = np.rint(shifts[by[:, None], bx[None, :], 0] / scale).astype(np.int64)
    dx = np.rint(shifts[by[:, None], bx[None, :], 1] / scale).astype(np.int64)
    src_y = np.clip(ys[:, None] + dy, 0, h - 1)
    src_x = np.clip(xs[None, :] + dx, 0, w - 1)
    return z[:, torch.from_numpy(src_y), torch.from_numpy(src_x)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sequences", type=int, default=5)
    ap.add_argument("--crop", type=int, default=256)
    ap.add_argument("--sigma", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = load_engine_weights(args.model).eval()
    frames = model.cfg.frames
    blocks = [(name, m) for name, m in model.named_modules() if isinstance(m, skipat_model.WindowAttention)]

    captured: dict[str, torch.Tensor] = {}
    replay: dict[str, torch.Tensor] = {}
    originals = {}
    for name, module in blocks:
        originals[name] = module.forward

        def hooked(x, shift, _name=name, _forward=module.forward):
            if _name in replay:
                return replay[_name]
            out = _forward(x, shift)
            captured[_name] = out.detach()
            return out
        module.forward = hooked

    root = args.data / "val" / "DAVIS"
    sequences = sorted(p for p in root.iterdir() if p.is_dir())[: args.sequences]
    stats = {name: {"cos": [], "below01": [], "below03": [], "reuse_loss": [], "warped_loss": []} for name, _ in blocks}
    with torch.no_grad():
        for s, seq in enumerate(sequences):
            files = sorted(p for p in seq.iterdir() if p.suffix.lower() == ".jpg")
            t = len(files) // 2
            gen = torch.Generator().manual_seed(s)
            x0, _ = window_input(files, t, frames, args.crop, args.sigma, gen)
            x1, clean1 = window_input(files, t + 1, frames, args.crop, args.sigma, gen)
            (x0, level0), (x1, level1) = prepared(model, x0, args.sigma), prepared(model, x1, args.sigma)
            model(skipat_model.model_input(x0, torch.as_tensor(level0)))
            z0 = dict(captured)
            sigma = torch.as_tensor(level1)
            base = psnr_uint8(model(skipat_model.model_input(x1, sigma))[0], clean1)
            centre = frames // 2
            frame0 = x0[0, 3 * centre:3 * centre + 3].permute(1, 2, 0).numpy()
            frame1 = x1[0, 3 * centre:3 * centre + 3].permute(1, 2, 0).numpy()
            shifts = block_shifts(luma(frame1), luma(frame0))  # where each block of frame t+1 was in frame t
            z1 = dict(captured)
            for name, module in blocks:
                a, b = z0[name], z1[name]
                w = module.window if min(a.shape[1:3]) > module.window else min(a.shape[1:3])
                wa = skipat_model.window_partition(a, w).flatten(1)
                wb = skipat_model.window_partition(b, w).flatten(1)
                cos = torch.nn.functional.cosine_similarity(wa, wb, dim=1)
                rel = (wb - wa).norm(dim=1) / wa.norm(dim=1).clamp_min(1e-8)
                st = stats[name]
                st["cos"].append(cos.mean().item())
                st["below01"].append((rel < 0.1).float().mean().item())
                st["below03"].append((rel < 0.3).float().mean().item())
                replay.clear()
                replay[name] = a
                reused = psnr_uint8(model(skipat_model.model_input(x1, sigma))[0], clean1)
                replay[name] = warped_tokens(a, shifts, x1.shape[2])
                warped = psnr_uint8(model(skipat_model.model_input(x1, sigma))[0], clean1)
                replay.clear()
                st["reuse_loss"].append(reused - base)
                st["warped_loss"].append(warped - base)
    print(f"model {args.model.name} ({frames} frame(s)); {len(sequences)} DAVIS sequences, frames t, t+1 at the middle; "
          f"sigma {args.sigma:g}; {args.crop}x{args.crop} centre crops")
    print("| attention block | cosine similarity | windows changing < 10% | < 30% | PSNR when reused | reused, warped |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in blocks:
        st = stats[name]
        print(f"| {name} | {np.mean(st['cos']):.3f} | {100 * np.mean(st['below01']):.0f}% | "
              f"{100 * np.mean(st['below03']):.0f}% | {np.mean(st['reuse_loss']):+.2f} dB | {np.mean(st['warped_loss']):+.2f} dB |")


if __name__ == "__main__":
    main()
