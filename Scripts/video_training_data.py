"""Training windows for the temporal presets: T consecutive noisy frames and the clean centre frame.

Two sources, drawn by VIDEO_MIX:
- real motion: the frame sequences under <data>/train (Vimeo-90K septuplets in video/, the 100 frames of
  video-seq/demo416x240), a random run of T frames (forwards or backwards, a share at twice the frame
  step for faster motion), one crop and one flip/rotation for all of them;
- synthetic motion: a still from the image mix (training_data.FOLDERS) moved by a smooth random camera
  path (translation with acceleration, small rotation and zoom; a share whole-pixel translation only,
  which needs no resampling), with an occluding patch that moves on its own path for a share, and a
  scene cut (the frames on one side of it from another still) for a share.
Every window may then be cut short as the tools cut it at the first and last frames of a clip and at a
detected scene cut: the frames beyond the shot replaced by copies of the nearest frame inside it (noise
included, since the tool repeats the noisy frame). Noise, drawn by VIDEO_NOISE, independent per frame:
AWGN at one sigma per window, plain or clipped and rounded to 8 bits (with random levels for a share, so
that shadows and highlights sit on the clipping points); synthetic camera noise (degradations.py), one
camera per window, the model given the blind level of the centre frame as the tools measure it; or a
real SIDD pair seen as a clip of one frame (the noisy crop in every slot), so that phone noise stays
learned. The parameter ranges are in VIDEO_RANGES.
Nothing under val/ is read here.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from degradations import RANGES, add_awgn, add_camera_noise, augment_color, crush_levels
from training_data import GRAY_SHARE, Folder, blind_sigma, geometric, shuffled_cells, sidd_crop
from motion import align_window, temporal_prefilter

VIDEO_MIX = {"sequence": 0.4, "synthetic": 0.6}
VIDEO_NOISE = {"awgn": 0.35, "awgn_clipped": 0.3, "camera": 0.25, "sidd": 0.1}
ALIGN_MARGIN = 16    # px added on each side of a window before motion compensation, cut off after
CAMERA_WINDOW = 128  # camera windows are made and measured at least this large (blind level bias on small crops)
VIDEO_RANGES = {
    "sigma": (0.0, 55.0),               # 0-255 scale, uniform, one per window
    "double_step_share": 0.3,           # real sequences: every second frame (twice the motion)
    "velocity": 4.0,                    # synthetic: px/frame, uniform in +-, per axis
    "acceleration": 0.5,                # px/frame^2, uniform in +-
    "rotation_degrees": 1.0,            # per frame, uniform in +-
    "zoom": 0.015,                      # log scale per frame, uniform in +-
    "whole_pixel_share": 0.3,           # synthetic paths that only translate by whole pixels
    "static_share": 0.05,               # synthetic windows with no motion at all
    "occlusion_share": 0.3,
    "occlusion_side": (16, 64),         # px, uniform
    "occlusion_velocity": 6.0,          # px/frame, uniform in +-
    "cut_share": 0.08,                  # an unannounced scene cut inside the window
    "shot_edge_share": 0.15,            # the window clamped to a shot, as at a clip's ends or a detected cut
}


@dataclass
class Sequence:
    name: str
    frames: list  # (H, W, 3) uint8, in time order


def load_sequences(data: Path) -> list[Sequence]:
    """Frame sequences under data/train: every folder of video/ (Vimeo septuplets) and video-seq/."""
    sequences = []
    for root in (data / "train" / "video", data / "train" / "video-seq"):
        if not root.is_dir():
            continue
        folders = sorted({p.parent for p in root.rglob("*") if p.suffix.lower() in (".png", ".jpg")})
        for folder in folders:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg"))
            frames = [np.asarray(Image.open(p).convert("RGB")) for p in files]
            if len(frames) >= 3:
                sequences.append(Sequence(str(folder.relative_to(data / "train")), frames))
    if not sequences:
        raise SystemExit(f"no frame sequences under {data / 'train' / 'video'} or {data / 'train' / 'video-seq'}")
    return sequences


def sequence_window(sequences: list[Sequence], frames: int, crop: int, rng: random.Random) -> np.ndarray:
    """(T, crop, crop, 3) float64 in [0, 1]: T frames of one sequence, cropped and turned alike."""
    seq = sequences[rng.randrange(len(sequences))]
    step = 2 if rng.random() < VIDEO_RANGES["double_step_share"] and len(seq.frames) >= 2 * frames - 1 else 1
    span = step * (frames - 1) + 1
    indices = [i * step for i in range(frames)] if len(seq.frames) >= span else \
        [min(i, len(seq.frames) - 1) for i in range(frames)]  # a short sequence holds its last frame
    start = rng.randrange(len(seq.frames) - min(span, len(seq.frames)) + 1)
    if rng.random() < 0.5:
        indices = indices[::-1]
    h, w = seq.frames[0].shape[:2]
    y, x = rng.randrange(h - crop + 1), rng.randrange(w - crop + 1)
    flip, turns = rng.random() < 0.5, rng.randrange(4)
    return np.stack([geometric(seq.frames[min(start + i, len(seq.frames) - 1)][y:y + crop, x:x + crop], flip, turns)
                     for i in indices]) / 255.0


def camera_path(frames: int, rng: random.Random) -> list[tuple[float, float, float, float]]:
    """Per frame (dx, dy, degrees, log zoom) relative to the centre frame, which stays put."""
    r = VIDEO_RANGES
    if rng.random() < r["static_share"]:
        return [(0.0, 0.0, 0.0, 0.0)] * frames
    whole = rng.random() < r["whole_pixel_share"]
    v = [rng.uniform(-r["velocity"], r["velocity"]) for _ in range(2)]
    a = [0.0, 0.0] if whole else [rng.uniform(-r["acceleration"], r["acceleration"]) for _ in range(2)]
    rot = 0.0 if whole else rng.uniform(-r["rotation_degrees"], r["rotation_degrees"])
    zoom = 0.0 if whole else rng.uniform(-r["zoom"], r["zoom"])
    path = []
    for t in range(frames):
        d = t - frames // 2
        dx, dy = (v[i] * d + 0.5 * a[i] * d * d for i in range(2))
        if whole:
            dx, dy = round(dx), round(dy)
        path.append((dx, dy, rot * d, zoom * d))
    return path


def moved(region: Image.Image, crop: int, dx: float, dy: float, degrees: float, log_zoom: float) -> np.ndarray:
    """The crop x crop view at the centre of `region` after the camera moved by (dx, dy), turned and zoomed:
    (crop, crop, 3) uint8. The identity is an exact cut (no resampling); whole-pixel shifts too."""
    cx, cy = region.width / 2 + dx, region.height / 2 + dy
    if degrees == 0 and log_zoom == 0 and dx == int(dx) and dy == int(dy):
        x0, y0 = int(cx - crop / 2), int(cy - crop / 2)
        return np.asarray(region.crop((x0, y0, x0 + crop, y0 + crop)))
    s, a = math.exp(-log_zoom), math.radians(degrees)
    cos, sin = s * math.cos(a), s * math.sin(a)
    # Output pixel (u, v) about the crop centre samples the region at centre + R(u, v).
    h = crop / 2
    coeffs = (cos, -sin, cx - cos * h + sin * h, sin, cos, cy - sin * h - cos * h)
    return np.asarray(region.transform((crop, crop), Image.AFFINE, coeffs, resample=Image.BICUBIC))


def still_region(folders: list[Folder], side: int, rng: random.Random) -> Image.Image:
    folder = rng.choices(folders, weights=[f.weight for f in folders])[0]
    im = folder.images[rng.randrange(len(folder.images))]
    while im.shape[0] < side or im.shape[1] < side:
        folder = rng.choices(folders, weights=[f.weight for f in folders])[0]
        im = folder.images[rng.randrange(len(folder.images))]
    y, x = rng.randrange(im.shape[0] - side + 1), rng.randrange(im.shape[1] - side + 1)
    return Image.fromarray(np.ascontiguousarray(geometric(im[y:y + side, x:x + side], rng.random() < 0.5, rng.randrange(4))))


def synthetic_window(folders: list[Folder], frames: int, crop: int, rng: random.Random) -> np.ndarray:
    """(T, crop, crop, 3) float64 in [0, 1]: a still seen by a moving camera, maybe occluded and cut."""
    r = VIDEO_RANGES
    half = frames // 2
    reach = r["velocity"] * half + r["acceleration"] * half * half + 4
    side = int(math.ceil((crop * math.sqrt(2) * math.exp(r["zoom"] * half) + 2 * reach))) + 2
    region = still_region(folders, side, rng)
    window = np.stack([moved(region, crop, *step) for step in camera_path(frames, rng)])
    if rng.random() < r["occlusion_share"]:
        p = rng.randint(*r["occlusion_side"])
        patch = np.asarray(still_region(folders, p, rng))
        x0, y0 = rng.uniform(0, crop - p), rng.uniform(0, crop - p)
        vx, vy = (rng.uniform(-r["occlusion_velocity"], r["occlusion_velocity"]) for _ in range(2))
        for t in range(frames):
            x, y = int(round(x0 + vx * (t - half))), int(round(y0 + vy * (t - half)))
            ys, xs = slice(max(0, y), min(crop, y + p)), slice(max(0, x), min(crop, x + p))
            if ys.start < ys.stop and xs.start < xs.stop:
                window[t, ys, xs] = patch[ys.start - y:ys.stop - y, xs.start - x:xs.stop - x]
    if rng.random() < r["cut_share"]:
        cut = rng.randrange(1, frames)  # frames before `cut` and from `cut` on show different scenes
        other = np.stack([moved(still_region(folders, side, rng), crop, *step) for step in camera_path(frames, rng)])
        if cut <= half:
            window[:cut] = other[:cut]
        else:
            window[cut:] = other[cut:]
    return window / 255.0


def shot_indices(frames: int, rng: random.Random) -> list[int]:
    """Which frame of the window each input slot shows: the identity, or for a share the window clamped to
    a shot [lo, hi] around the centre (the tools' rule at a clip's ends and at detected cuts)."""
    half = frames // 2
    if rng.random() >= VIDEO_RANGES["shot_edge_share"]:
        return list(range(frames))
    lo, hi = rng.randint(0, half), rng.randint(half, frames - 1)
    return [min(max(i, lo), hi) for i in range(frames)]


def clean_window(folders, sequences, frames: int, crop: int, rng: random.Random) -> np.ndarray:
    """(T, crop, crop, 3) in [0, 1]: real or synthetic motion by VIDEO_MIX, colour-augmented alike."""
    kind = rng.choices(list(VIDEO_MIX), weights=list(VIDEO_MIX.values()))[0]
    clean = sequence_window(sequences, frames, crop, rng) if kind == "sequence" else \
        synthetic_window(folders, frames, crop, rng)
    return augment_color(clean, rng)                          # one colour change for the whole window


def camera_windows(folders, sequences, frames: int, crop: int, rng: random.Random, np_rng: np.random.Generator):
    """Yields (noisy, clean centre, sigma) windows of one camera-noise clip of side max(crop, CAMERA_WINDOW):
    one camera for every frame (the same draws of `rng`), noise drawn afresh per frame, the blind level
    measured on the whole centre frame, then its crop x crop cells in random order (so the costly part
    serves several small windows, as training_data.camera_crops does for stills)."""
    side = max(crop, CAMERA_WINDOW)
    clean = clean_window(folders, sequences, frames, side, rng)
    state = rng.getstate()
    noisy, target = [], []
    for frame in clean:
        rng.setstate(state)
        n, t = add_camera_noise(frame, rng, np_rng)
        noisy.append(n)
        target.append(t)
    noisy, target = np.stack(noisy)[shot_indices(frames, rng)], np.stack(target)
    sigma = blind_sigma(noisy[frames // 2])
    for y, x in shuffled_cells(side, side, crop, rng):
        yield noisy[:, y:y + crop, x:x + crop], target[frames // 2, y:y + crop, x:x + crop], sigma


def video_window(folders, sequences, pairs, frames: int, crop: int, noise: str, rng: random.Random,
                 np_rng: np.random.Generator):
    """-> noisy (T, crop, crop, 3), clean centre (crop, crop, 3), sigma (0-255) the model is given, for
    AWGN (plain or clipped) or a SIDD pair (camera windows come from camera_windows)."""
    if noise == "sidd":
        noisy, clean, sigma = sidd_crop(pairs, crop, rng)
        return np.repeat(noisy[None], frames, axis=0), clean, sigma
    clean = clean_window(folders, sequences, frames, crop, rng)
    clipped = noise == "awgn_clipped"
    if clipped and rng.random() < RANGES["levels_share"]:
        clean = crush_levels(clean, rng)
    gray = rng.random() < GRAY_SHARE
    if gray:
        clean = np.repeat(clean.mean(axis=3, keepdims=True), 3, axis=3)
    sigma = rng.uniform(*VIDEO_RANGES["sigma"])
    noisy = np.stack([add_awgn(f, sigma, clipped, np_rng, same_in_every_channel=gray) for f in clean])
    return noisy[shot_indices(frames, rng)], clean[frames // 2], sigma


def video_batch(folders, sequences, pairs, batch: int, crop: int, frames: int, rng: random.Random,
                np_rng: np.random.Generator, align: bool = False, prefilter: bool = False):
    """-> noisy (B, 3T, crop, crop) (frame t in channels 3t..3t+2), clean (B, 3, crop, crop), sigma (B,);
    one noise kind per window from VIDEO_NOISE (SIDD only when `pairs` are given). With `align`, every
    window is made ALIGN_MARGIN larger on each side, its noisy neighbours are warped onto the centre frame
    (motion.align_window, as the engine does for models whose config says "block") and the margin is cut
    off again, so the crop's blocks see real context instead of the crop's edge. With `prefilter` the
    centre frame is then replaced by its robust temporal average and sigma by the level left at each pixel
    (motion.temporal_prefilter): sigma is then (B, 1, crop, crop), else (B,)."""
    import torch  # here, not at the top: the crop and window makers are tested without PyTorch
    margin = ALIGN_MARGIN if align else 0
    side = crop + 2 * margin
    mix = {k: v for k, v in VIDEO_NOISE.items() if k != "sidd" or pairs}
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=batch)
    noisy = np.empty((batch, frames, crop, crop, 3), np.float32)
    clean = np.empty((batch, crop, crop, 3), np.float32)
    sigma = torch.empty(batch)
    levels = np.empty((batch, 1, crop, crop), np.float32)  # per pixel, with the prefilter
    cells = iter(())
    for b, kind in enumerate(kinds):
        if kind == "camera":
            item = next(cells, None)
            if item is None:
                cells = camera_windows(folders, sequences, frames, side, rng, np_rng)
                item = next(cells)
        else:
            item = video_window(folders, sequences, pairs, frames, side, kind, rng, np_rng)
        window, centre, sigma[b] = item
        level = float(sigma[b])
        if align and kind != "sidd":  # a SIDD window is one frame repeated: aligned already, nothing to average
            window = align_window(window)
            if prefilter:
                window, level = temporal_prefilter(window, level)
        inner = slice(margin, margin + crop)
        noisy[b], clean[b] = window[:, inner, inner], centre[inner, inner]
        levels[b, 0] = level[inner, inner] if isinstance(level, np.ndarray) else level
    noisy_t = torch.from_numpy(noisy).permute(0, 1, 4, 2, 3).reshape(batch, frames * 3, crop, crop).contiguous()
    return noisy_t, torch.from_numpy(clean).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(levels) if prefilter else sigma
