"""Three variants of the temporal prefilter, measured against the shipped one (`plain`; docs/design.md,
section 9):

    python3 Scripts/prefilter_study.py --model Sources/DenoiseModels/Weights/video-fast.safetensors

- `previous:ALPHA`: the previous frame's output (a recurrent state) joins the average as one more
  neighbour: aligned onto the prefiltered centre by the same block search, its error taken as
  ALPHA * sigma, weighed by inverse variances and the robust rule on its difference to the centre; the
  level told to the network is the inverse-variance mean's.
- `two-pass:GAIN`: the weights are computed a second time against the first pass's average (whose noise
  is lower than the noisy centre's) instead of the noisy centre, with the robust rule's gain GAIN.
- `guided:GAIN[@FLOOR]`: every frame is first denoised on its own by the image model --guide (once per
  frame); the block shifts are searched on those denoised frames, and each neighbour's weight is
  exp(-GAIN * max(0, D - FLOOR)), D the box mean of the denoised frames' squared difference over
  2 sigma^2 (what is left there is motion the blocks did not follow, not noise). The noisy frames are
  averaged as before.

For the DAVIS validation clips (the first --frames frames of each sequence, centre crops of --crop
pixels, seeded AWGN per frame, windows clamped at the clip's ends as the tools clamp them) each variant
restores every frame; prints mean PSNR (per clip, then over clips) per sigma.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

import skipat_model
from export import load_engine_weights
from motion import (FILTER_GAIN, FILTER_PATCH, align_window, block_shifts, box_mean, distinct_neighbours, luma,
                    temporal_prefilter, warp_plane)
from validation import psnr_uint8, read_rgb

ROOT = Path(__file__).resolve().parent.parent


def with_previous(window: np.ndarray, level, sigma: float, previous: np.ndarray, alpha: float):
    """Prefiltered window (T, H, W, 3) and its level -> the centre averaged with the previous output
    (H, W, 3) by inverse variances (centre: level^2, output: (alpha sigma)^2, times the robust weight)."""
    t = window.shape[0] // 2
    centre = window[t].astype(np.float64)
    shifts = block_shifts(luma(window[t]), luma(previous))
    y = np.stack([warp_plane(previous[..., c], shifts) for c in range(3)], axis=2).astype(np.float64)
    centre_var = ((np.asarray(level, np.float64) / 255.0) ** 2) * np.ones(centre.shape[:2])
    output_var = (alpha * sigma / 255.0) ** 2
    d = box_mean(((y - centre) ** 2).mean(axis=2), FILTER_PATCH) / (centre_var + output_var)
    inv_c, inv_y = 1.0 / centre_var, np.exp(-FILTER_GAIN * np.maximum(0.0, d - 1.0)) / output_var
    out = window.copy()
    out[t] = ((inv_c[..., None] * centre + inv_y[..., None] * y) / (inv_c + inv_y)[..., None]).astype(window.dtype)
    return out, (255.0 / np.sqrt(inv_c + inv_y)).astype(np.float32)


def two_pass(window: np.ndarray, sigma: float, gain: float):
    """motion.temporal_prefilter with the weights computed again against its own first average."""
    centre, neighbours = window.shape[0] // 2, distinct_neighbours(window)
    if not neighbours:
        return window, sigma
    s2 = (sigma / 255.0) ** 2
    c = window[centre].astype(np.float64)
    reference, reference_var = c, np.full(c.shape[:2], s2)
    for gain_now in (FILTER_GAIN, gain):
        total, weights, squares = c.copy(), np.ones(c.shape[:2]), np.ones(c.shape[:2])
        for t in neighbours:
            a = window[t].astype(np.float64)
            d = box_mean(((a - reference) ** 2).mean(axis=2), FILTER_PATCH) / (s2 + reference_var)
            w = np.exp(-gain_now * np.maximum(0.0, d - 1.0))
            total, weights, squares = total + w[..., None] * a, weights + w, squares + w * w
        reference, reference_var = total / weights[..., None], s2 * squares / weights ** 2
    out = window.copy()
    out[centre] = reference.astype(window.dtype)
    return out, (sigma * np.sqrt(squares) / weights).astype(np.float32)


def guided(noisy_window: np.ndarray, guide_window: np.ndarray, sigma: float, gain: float, floor: float = 0.0):
    """Noisy (T, H, W, 3) window and the same frames denoised one by one -> the window aligned by shifts
    found on the denoised frames, its centre the weighted average, and the level left at each pixel."""
    centre, neighbours = noisy_window.shape[0] // 2, distinct_neighbours(noisy_window)
    out = noisy_window.copy()
    if not neighbours:
        return out, sigma
    s2 = (sigma / 255.0) ** 2
    c, guide_c = noisy_window[centre].astype(np.float64), guide_window[centre].astype(np.float64)
    total, weights, squares = c.copy(), np.ones(c.shape[:2]), np.ones(c.shape[:2])
    for t in range(noisy_window.shape[0]):
        if t == centre:
            continue
        shifts = block_shifts(luma(guide_window[centre]), luma(guide_window[t]))
        out[t] = np.stack([warp_plane(noisy_window[t][..., k], shifts) for k in range(3)], axis=2)
        if t not in neighbours:
            continue
        guide_t = np.stack([warp_plane(guide_window[t][..., k], shifts) for k in range(3)], axis=2)
        d = box_mean(((guide_t - guide_c) ** 2).mean(axis=2), FILTER_PATCH) / (2 * s2)
        w = np.exp(-gain * np.maximum(0.0, d - floor))
        a = out[t].astype(np.float64)
        total, weights, squares = total + w[..., None] * a, weights + w, squares + w * w
    out[centre] = (total / weights[..., None]).astype(noisy_window.dtype)
    return out, (sigma * np.sqrt(squares) / weights).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sequences", type=int, default=10)
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--crop", type=int, default=256)
    ap.add_argument("--sigma", default="10,30,50")
    ap.add_argument("--variants", default="plain,previous:0.5,previous:2,two-pass:8,two-pass:32")
    ap.add_argument("--guide", type=Path, default=ROOT / "Sources" / "DenoiseModels" / "Weights" / "fast.safetensors",
                    help="image model that denoises each frame for the guided variant")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = load_engine_weights(args.model).eval()
    radius = model.cfg.frames // 2
    variants = args.variants.split(",")
    guide_model = load_engine_weights(args.guide).eval() if any(v.startswith("guided") for v in variants) else None
    sequences = sorted(p for p in (args.data / "val" / "DAVIS").iterdir() if p.is_dir())[: args.sequences]
    with torch.no_grad():
        for sigma in [float(s) for s in args.sigma.split(",")]:
            scores = {v: [] for v in variants}
            for s, seq in enumerate(sequences):
                files = sorted(p for p in seq.iterdir() if p.suffix.lower() == ".jpg")[: args.frames]
                clean = [read_rgb(f, args.crop) for f in files]
                rng = np.random.default_rng(1000 * s + int(sigma))
                noisy = [c.astype(np.float32) / 255 + rng.standard_normal(c.shape).astype(np.float32) * sigma / 255
                         for c in clean]
                guides = []
                if guide_model is not None:
                    for frame in noisy:
                        x = torch.from_numpy(frame).permute(2, 0, 1)[None]
                        guides.append(skipat_model.denoise_full(guide_model, x, sigma)[0].clamp(0, 1).permute(1, 2, 0).numpy())
                for variant in variants:
                    kind, _, value = variant.partition(":")
                    previous, psnrs = None, []
                    for t in range(len(files)):
                        idx = [min(max(t + d, 0), len(files) - 1) for d in range(-radius, radius + 1)]
                        raw = np.stack([noisy[i] for i in idx])
                        if kind == "guided":
                            gain, _, floor = value.partition("@")
                            window, level = guided(raw, np.stack([guides[i] for i in idx]), sigma, float(gain), float(floor or 0))
                        elif kind == "two-pass":
                            window, level = two_pass(align_window(raw), sigma, float(value))
                        else:
                            window, level = temporal_prefilter(align_window(raw), sigma)
                        if kind == "previous" and previous is not None:
                            window, level = with_previous(window, level, sigma, previous, float(value))
                        x = torch.from_numpy(window).permute(0, 3, 1, 2).reshape(1, -1, *window.shape[1:3])
                        lv = torch.from_numpy(level)[None, None] if isinstance(level, np.ndarray) else level
                        out = model(skipat_model.model_input(x, lv))[0]
                        psnrs.append(psnr_uint8(out, clean[t]))
                        previous = out.clamp(0, 1).permute(1, 2, 0).numpy()
                    scores[variant].append(np.mean(psnrs))
            for variant in variants:
                print(f"sigma {sigma:g}  {variant:>14}: {np.mean(scores[variant]):.3f} dB", flush=True)


if __name__ == "__main__":
    main()
