"""Validation during training over several distributions at once, so that a checkpoint is chosen by
photographs in general and not by the set it was tuned on.

Sets under <data>/val (measured only, never trained on):
- CBSD68, CQ12, Urban12: the first `count` images of each, seeded AWGN (not clipped) at sigma 15, 25
  and 50, the model given the true sigma; the set's score is the mean over images and sigmas;
- SIDD (the 11 validation blocks) and PolyU (the first `count` pairs): real camera noise, the model
  given the blind level (as `denoise` with no --sigma).
- camera: the first `count` CBSD68 and CQ12 images with the trainer's synthetic camera noise (seeded;
  degradations.add_camera_noise: a DSLR- or phone-like raw pipeline, 8-bit, a share JPEG), scored against
  that camera's clean picture, the model given the blind level. SIDD holds phones only; this set holds the
  other cameras people bring.
- DAVIS (temporal models only): windows of T consecutive frames from the first `count` sequences (two
  windows each), seeded AWGN per frame (not clipped) at sigma 10, 30 and 50, the model given the true sigma.
  A temporal model sees every still case as a clip that holds one frame: the frame repeated T times, as
  the tools give it the first frame of a clip.
Every image is cut to its centre `crop` x `crop` (when larger), so a pass costs little on 2 cores.
PSNR is measured after rounding the output to 8 bits, as the Swift evaluator does. The checkpoint
score is the plain mean of the set scores, so every set weighs the same.
"""
from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from degradations import add_camera_noise, to_uint8
from motion import align_window, temporal_prefilter
from noise_level import fine_and_coarse, model_sigma
from real_pairs import polyu_pairs, sidd_validation_pairs
from skipat_model import denoise_full

AWGN_SETS = {"cbsd68": "CBSD68", "cq12": "CQ12", "urban12": "Urban12"}
AWGN_SIGMAS = (15.0, 25.0, 50.0)
VIDEO_SIGMAS = (10.0, 30.0, 50.0)


def psnr_uint8(out: torch.Tensor, clean: np.ndarray) -> float:
    """PSNR (data range 255) of (3, H, W) output in [0, 1] after rounding to 8 bits, against (H, W, 3) uint8."""
    q = (out.clamp(0, 1) * 255.0).round().permute(1, 2, 0).numpy().astype(np.float64)
    mse = np.mean((q - clean.astype(np.float64)) ** 2)
    return 10 * math.log10(255.0 ** 2 / mse)


def as_batch(image: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (1, 3, H, W) float in [0, 1]."""
    return torch.from_numpy(image.copy()).permute(2, 0, 1)[None].float() / 255.0


def read_rgb(path: Path, crop: int) -> np.ndarray:
    """(H, W, 3) uint8, cut to its centre crop x crop where larger."""
    im = np.asarray(Image.open(path).convert("RGB"))
    y, x = max(0, (im.shape[0] - crop) // 2), max(0, (im.shape[1] - crop) // 2)
    return im[y:y + crop, x:x + crop]


def awgn_cases(images: list[np.ndarray], sigmas=AWGN_SIGMAS, seed: int = 0):
    """(noisy (1, 3, H, W), clean (H, W, 3) uint8, sigma) per image and sigma: seeded AWGN, not clipped."""
    gen = torch.Generator().manual_seed(seed)
    cases = []
    for sigma in sigmas:
        for im in images:
            clean = as_batch(im)
            cases.append((clean + torch.randn(clean.shape, generator=gen) * sigma / 255.0, im, sigma))
    return cases


def real_cases(pairs: list[tuple[Path, Path]], crop: int):
    """(noisy, clean, blind sigma) per real pair: the level blind mode would give the model."""
    cases = []
    for noisy_path, clean_path in pairs:
        noisy = read_rgb(noisy_path, crop)
        cases.append((as_batch(noisy), read_rgb(clean_path, crop), model_sigma(*fine_and_coarse(noisy))))
    return cases


def camera_cases(images: list[np.ndarray], seed: int = 5):
    """(noisy (1, 3, H, W), target (H, W, 3) uint8, blind sigma) per image: seeded synthetic camera noise."""
    rng, np_rng = random.Random(seed), np.random.default_rng(seed)
    cases = []
    for im in images:
        noisy, target = add_camera_noise(im.astype(np.float64) / 255.0, rng, np_rng)
        noisy8, target8 = to_uint8(noisy), to_uint8(target)
        cases.append((as_batch(noisy8), target8, model_sigma(*fine_and_coarse(noisy8))))
    return cases


def davis_cases(data: Path, count: int, crop: int, frames: int, sigmas=VIDEO_SIGMAS, seed: int = 0):
    """(noisy (1, 3T, H, W), clean centre (H, W, 3) uint8, sigma) per window and sigma."""
    root = data / "val" / "DAVIS"
    sequences = sorted(p for p in root.iterdir() if p.is_dir())[:count] if root.is_dir() else []
    gen = torch.Generator().manual_seed(seed)
    cases = []
    for sequence in sequences:
        files = sorted(p for p in sequence.iterdir() if p.suffix.lower() in (".png", ".jpg"))
        for start in (0, max(0, len(files) // 2 - frames // 2))[: 2 if len(files) >= 2 * frames else 1]:
            window = [read_rgb(files[min(start + t, len(files) - 1)], crop) for t in range(frames)]
            for sigma in sigmas:
                clean = torch.cat([as_batch(im) for im in window], dim=1)
                cases.append((clean + torch.randn(clean.shape, generator=gen) * sigma / 255.0, window[frames // 2], sigma))
    return cases


def validation_sets(data: Path, count: int, crop: int, names: tuple[str, ...], frames: int = 1) -> dict[str, list]:
    """name -> cases, for each of `names` present under data/val (davis needs a temporal model, frames > 1)."""
    images: dict[str, list[np.ndarray]] = {}

    def first_images(folder: str) -> list[np.ndarray]:
        """The first `count` images of val/<folder>, centre-cropped; read once for every set that uses them."""
        if folder not in images:
            files = sorted(p for p in (data / "val" / folder).glob("*") if p.suffix.lower() in (".png", ".jpg"))
            images[folder] = [read_rgb(p, crop) for p in files[:count]]
        return images[folder]

    sets = {}
    if "davis" in names and frames > 1:
        davis = davis_cases(data, count, crop, frames)
        if davis:
            sets["davis"] = davis
    for name, folder in AWGN_SETS.items():
        if name in names and first_images(folder):
            sets[name] = awgn_cases(first_images(folder))
    if "camera" in names:
        camera_images = first_images("CBSD68") + first_images("CQ12")
        if camera_images:
            sets["camera"] = camera_cases(camera_images)
    if "sidd" in names:
        sidd = sidd_validation_pairs(data)
        if sidd:
            sets["sidd"] = real_cases(sidd, crop)
    if "polyu" in names:
        polyu = polyu_pairs(data)[:count]
        if polyu:
            sets["polyu"] = real_cases(polyu, crop)
    if not sets:
        raise SystemExit(f"no validation sets under {data / 'val'}")
    return sets


def prepared(model, noisy: torch.Tensor, sigma: float) -> tuple[torch.Tensor, torch.Tensor | float]:
    """(1, 3T, H, W) noisy window and its noise level as the model's config wants them, as the engine
    prepares them: neighbours warped onto the centre frame (block alignment), then the centre replaced by
    its robust temporal average and the level by the one left at each pixel, a (1, 1, H, W) map (prefilter;
    motion.py)."""
    if model.cfg.alignment != "block":
        return noisy, sigma
    frames = model.cfg.frames
    window = align_window(noisy[0].reshape(frames, 3, *noisy.shape[2:]).permute(0, 2, 3, 1).numpy())
    if model.cfg.prefilter == "robust":
        window, level = temporal_prefilter(window, sigma)
        sigma = torch.from_numpy(level)[None, None] if isinstance(level, np.ndarray) else level
    return torch.from_numpy(window).permute(0, 3, 1, 2).reshape(1, 3 * frames, *noisy.shape[2:]), sigma


@torch.no_grad()
def validate(model, cases) -> float:
    """Mean PSNR over (noisy (1, 3, H, W) or (1, 3T, H, W), clean (H, W, 3) uint8, sigma) cases, whole images."""
    model.eval()
    frames = model.cfg.frames
    scores = []
    for noisy, clean, sigma in cases:
        x, level = (noisy.repeat(1, frames, 1, 1), sigma) if noisy.shape[1] == 3 else prepared(model, noisy, sigma)
        scores.append(psnr_uint8(denoise_full(model, x, level)[0], clean))
    model.train()
    return float(np.mean(scores))


def validate_all(model, sets: dict[str, list]) -> dict[str, float]:
    """name -> mean PSNR per set, and "score": the mean over the sets."""
    result = {name: validate(model, cases) for name, cases in sets.items()}
    result["score"] = float(np.mean(list(result.values())))
    return result
