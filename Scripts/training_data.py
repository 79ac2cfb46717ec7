"""The training mix: which clean images, how often each folder is drawn, and which noise each crop gets.

Folders under <data>/train (../shared/data by default) and their sampling weights are in FOLDERS; the
share of each kind of noisy input is in NOISE_MIX (per recipe, see train.py). The degradations
themselves and their parameter ranges live in degradations.py. Nothing under val/ is read here.
"""
from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from degradations import RANGES, add_awgn, add_camera_noise, augment_color, crush_levels
from noise_level import fine_and_coarse, model_sigma

# folder under train/ -> (sampling weight, chroma subsampled). bsds432 is saved as 4:2:0 JPEG: its
# chroma has half the resolution of its luma, and a model trained on it never sees a sharp colour edge.
# Such a folder is treated by SUBSAMPLED_CHROMA's choice (a recipe's `subsampled_chroma`):
# - "downscale": a 2x area downscale makes its chroma as sharp as its luma;
# - "luma": full resolution, and the loss on its crops measures luma only (the chroma teaches nothing).
# The other folders are 4:4:4.
SUBSAMPLED_CHROMA = ("downscale", "luma")
FOLDERS = {
    "color/bsds432": (0.20, True),
    "color/cq100": (0.20, False),
    "color/urban100-half": (0.20, False),
    "color/wallpapers": (0.10, False),
    "color/wikipedia30": (0.10, False),
    "color/skimage": (0.05, False),
    "video": (0.075, False),                  # Vimeo-90K frames (png)
    "video-seq/demo416x240": (0.075, False),
}

# Share of crops per kind of noisy input (the recipes in train.py pick one).
NOISE_MIX_BLIND_DEFAULT = {"awgn": 0.25, "awgn_clipped": 0.25, "camera": 0.35, "sidd": 0.15}
NOISE_MIX_SIDD = {"awgn": 0.25, "sidd": 0.75}
NOISE_MIX_GAUSSIAN = {"awgn": 0.5, "awgn_clipped": 0.5}  # the Gaussian-noise specialist (`gaussian`)
NOISE_KINDS = ("awgn", "awgn_clipped", "camera", "sidd")


def noise_mix(text: str) -> dict[str, float]:
    """"awgn=0.15,camera=0.35,sidd=0.5" -> {"awgn": 0.15, "camera": 0.35, "sidd": 0.5} (train.py --noise-mix;
    shares are relative, as random.choices weighs them)."""
    mix = {}
    for item in text.split(","):
        kind, _, share = item.partition("=")
        if kind not in NOISE_KINDS:
            raise argparse.ArgumentTypeError(f"unknown noise kind {kind!r} (kinds: {', '.join(NOISE_KINDS)})")
        try:
            mix[kind] = float(share)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{kind}: share {share!r} is not a number") from None
        if not mix[kind] >= 0:
            raise argparse.ArgumentTypeError(f"{kind}: share {share} is not a non-negative number")
    if sum(mix.values()) <= 0:
        raise argparse.ArgumentTypeError("the shares add up to zero")
    return mix
GRAY_SHARE = 0.1  # of AWGN crops made gray: gray pictures reach the model as three equal planes
# Camera noise is made on a region of at least this side and its blind level measured there, then the
# training crop is cut from it: blind mode measures whole pictures, and the coarse estimate on a 64-px
# crop reads 15-35% low (2-16% at 128 px).
CAMERA_REGION = 256


@dataclass
class Folder:
    name: str
    weight: float
    images: list  # (H, W, 3) uint8
    luma_only: bool = False  # the loss measures only the luma of this folder's crops


def load_folders(data: Path, subsampled_chroma: str = "downscale") -> list[Folder]:
    """Every folder of FOLDERS that exists under data/train, its images as (H, W, 3) uint8; folders with
    subsampled chroma treated as `subsampled_chroma` says (SUBSAMPLED_CHROMA)."""
    if subsampled_chroma not in SUBSAMPLED_CHROMA:
        raise ValueError(f"subsampled_chroma must be one of {SUBSAMPLED_CHROMA}, not {subsampled_chroma!r}")
    folders = []
    for name, (weight, subsampled) in FOLDERS.items():
        files = sorted(p for p in (data / "train" / name).rglob("*") if p.suffix.lower() in (".png", ".jpg"))
        images = []
        for path in files:
            im = Image.open(path).convert("RGB")
            if subsampled and subsampled_chroma == "downscale":
                im = im.resize((im.width // 2, im.height // 2), Image.BOX)
            images.append(np.asarray(im))
        if images:
            folders.append(Folder(name, weight, images, luma_only=subsampled and subsampled_chroma == "luma"))
    if not folders:
        raise SystemExit(f"no training images under {data / 'train'}")
    return folders


def blind_sigma(noisy: np.ndarray) -> float:
    """The level blind mode gives the model for this (H, W, 3) [0, 1] image (noise_level.py)."""
    return model_sigma(*fine_and_coarse(noisy * 255.0))


def geometric(patch: np.ndarray, flip: bool, turns: int) -> np.ndarray:
    return np.rot90(patch[:, ::-1] if flip else patch, turns)


def random_crop(folders: list[Folder], crop: int, rng: random.Random, region: int | None = None
                ) -> tuple[np.ndarray, Folder]:
    """(side, side, 3) float64 in [0, 1] and its folder: a folder by weight, an image in it, a crop, flip and
    rotation. side = crop, or up to `region` where the image is large enough."""
    folder = rng.choices(folders, weights=[f.weight for f in folders])[0]
    im = folder.images[rng.randrange(len(folder.images))]
    while im.shape[0] < crop or im.shape[1] < crop:
        im = folder.images[rng.randrange(len(folder.images))]
    side = max(crop, min(region or crop, im.shape[0], im.shape[1]))
    y, x = rng.randrange(im.shape[0] - side + 1), rng.randrange(im.shape[1] - side + 1)
    return geometric(im[y:y + side, x:x + side], rng.random() < 0.5, rng.randrange(4)) / 255.0, folder


def sidd_crop(pairs, crop: int, rng: random.Random) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """(noisy, clean) (crop, crop, 3) in [0, 1] from one real pair, same crop and augmentation, the
    pair's blind level, and False (the loss measures every channel)."""
    noisy, clean, sigma = pairs[rng.randrange(len(pairs))]
    y, x = rng.randrange(noisy.shape[0] - crop + 1), rng.randrange(noisy.shape[1] - crop + 1)
    flip, turns = rng.random() < 0.5, rng.randrange(4)
    return (geometric(noisy[y:y + crop, x:x + crop], flip, turns) / 255.0,
            geometric(clean[y:y + crop, x:x + crop], flip, turns) / 255.0, sigma, False)


def noisy_crop(kind: str, folders, pairs, crop: int, rng: random.Random, np_rng: np.random.Generator):
    """-> noisy, clean (crop, crop, 3), the sigma (0-255) the model is given for this crop, and whether the
    loss measures its luma only (Folder.luma_only)."""
    if kind == "sidd":
        return sidd_crop(pairs, crop, rng)
    if kind == "camera":
        return next(camera_crops(folders, crop, rng, np_rng))
    scene, folder = random_crop(folders, crop, rng)
    clean = augment_color(scene, rng)
    if kind == "awgn_clipped" and rng.random() < RANGES["levels_share"]:
        clean = crush_levels(clean, rng)
    sigma = rng.uniform(*RANGES["awgn_sigma"])
    gray = rng.random() < GRAY_SHARE
    if gray:
        clean = np.repeat(clean.mean(axis=2, keepdims=True), 3, axis=2)
    noisy = add_awgn(clean, sigma, kind == "awgn_clipped", np_rng, same_in_every_channel=gray)
    return noisy, clean, sigma, folder.luma_only


def camera_crops(folders, crop: int, rng: random.Random, np_rng: np.random.Generator):
    """Yields (noisy, target, sigma, luma only) crops of one camera-noise region (CAMERA_REGION, measured whole):
    its non-overlapping crop x crop cells in random order, so the costly part (the blind level of a
    256-px region) serves several small crops."""
    scene, folder = random_crop(folders, crop, rng, region=CAMERA_REGION)
    scene = augment_color(scene, rng)
    noisy, target = add_camera_noise(scene, rng, np_rng)
    sigma = blind_sigma(noisy)
    for y, x in shuffled_cells(scene.shape[0], scene.shape[1], crop, rng):
        yield noisy[y:y + crop, x:x + crop], target[y:y + crop, x:x + crop], sigma, folder.luma_only


def shuffled_cells(height: int, width: int, crop: int, rng: random.Random) -> list[tuple[int, int]]:
    """Top-left corners of the non-overlapping crop x crop cells of a height x width region, in random order."""
    cells = [(y, x) for y in range(0, height - crop + 1, crop) for x in range(0, width - crop + 1, crop)]
    rng.shuffle(cells)
    return cells


def training_batch(mix: dict[str, float], folders, pairs, batch: int, crop: int, rng: random.Random,
                   np_rng: np.random.Generator):
    """-> noisy, clean (B, 3, crop, crop) float32, sigma (B,) on the 0-255 scale and luma_only (B,) bool
    (Folder.luma_only), one noise kind per crop drawn from `mix`; the camera crops of a batch share regions
    (camera_crops)."""
    import torch  # here, not at the top: the crop and window makers are tested without PyTorch
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=batch)
    noisy = np.empty((batch, crop, crop, 3), np.float32)
    clean = np.empty_like(noisy)
    sigma = torch.empty(batch)
    luma_only = torch.zeros(batch, dtype=torch.bool)
    region = iter(())
    for b, kind in enumerate(kinds):
        if kind == "camera":
            item = next(region, None)
            if item is None:
                region = camera_crops(folders, crop, rng, np_rng)
                item = next(region)
        else:
            item = noisy_crop(kind, folders, pairs, crop, rng, np_rng)
        noisy[b], clean[b], sigma[b], luma_only[b] = item
    as_tensor = lambda a: torch.from_numpy(a).permute(0, 3, 1, 2).contiguous()  # noqa: E731
    return as_tensor(noisy), as_tensor(clean), sigma, luma_only
