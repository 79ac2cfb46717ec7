"""Training degradations: small composable steps on (H, W, 3) float images in [0, 1], with every
parameter range in one place (RANGES), so a run can be reproduced and the ranges reviewed.

Three kinds of noisy input are made from a clean sRGB crop (docs/training.md gives the mix):
- `awgn`: additive white Gaussian noise at a known sigma, optionally clipped to [0, 1] and rounded to
  8 bits as every PNG or JPEG holds it (noise at 0 or 255 cannot go further, so its mean is biased);
- `camera`: realistic sensor noise after "Unprocessing Images for Learned Raw Denoising" (Brooks et al.,
  CVPR 2019) and CBDNet (Guo et al., CVPR 2019): the sRGB crop is unprocessed to a linear raw-like
  signal (inverse tone curve, inverse gamma, inverse colour matrix, inverse white balance and
  brightness), heteroscedastic shot + read noise is drawn on a Bayer mosaic and demosaiced, and the
  result is processed forward again (white balance, colour matrix, gamma, tone curve), rounded to
  8 bits and optionally JPEG-compressed;
- colour augmentation before either: channel permutation, mild saturation and hue changes.

Only the noise passes through the mosaic: noisy = raw + demosaic(mosaic(noise)). The noise gets the
spatial and cross-channel correlation that demosaicing gives real noise, while the signal is not
blurred by the bilinear demosaic (a better demosaic made the photographs people bring), so the clean
target is exactly the input crop and the model is not taught to sharpen.
"""
from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image
from scipy.ndimage import convolve

# Every random choice of the degradations draws from these ranges.
RANGES = {
    # colour augmentation (applied to a share of crops, before any noise)
    "color_jitter_share": 0.5,
    "saturation": (0.7, 1.3),           # chroma scale about the gray axis
    "hue_degrees": (-12.0, 12.0),       # rotation about the gray axis
    # crushed blacks and blown highlights (applied to crops whose noise is then clipped): levels with a
    # random black and white point, per channel for a share of them, so flat regions sit exactly at 0
    # or 1 in one channel or all, as in saturated colours, shadows and highlights
    "levels_share": 0.6,
    "levels_black": (0.0, 0.3),
    "levels_white": (0.7, 1.0),
    "levels_per_channel_share": 0.5,
    # AWGN
    "awgn_sigma": (0.0, 55.0),          # 0-255 scale, uniform
    # camera: Brooks et al. 2019, Table/section 3, widened at the strong end for night phone shots
    "shot_noise": (1e-4, 2e-2),         # log-uniform, variance per unit linear signal
    "read_noise_slope": 2.18,           # log(read) = slope * log(shot) + intercept + N(0, read_noise_jitter)
    "read_noise_intercept": 1.20,
    "read_noise_jitter": 0.26,
    "brightness_gain_mean": 0.8,        # overall gain = 1 / N(mean, std)
    "brightness_gain_std": 0.1,
    "red_gain": (1.9, 2.4),             # white-balance gains, uniform
    "blue_gain": (1.5, 1.9),
    "gamma": 2.2,
    "jpeg_share": 0.5,                  # share of camera crops JPEG-compressed after 8-bit rounding
    "jpeg_quality": (70, 95),           # uniform, integer
    "jpeg_subsampling": (0, 2),         # PIL: 0 = 4:4:4, 2 = 4:2:0, drawn at random
}

# XYZ -> camera matrices of four cameras (Adobe DNG colour matrices, as listed by Brooks et al.); a
# random convex combination is one "camera".
XYZ_TO_CAMERA = np.array([
    [[1.0234, -0.2969, -0.2266], [-0.5625, 1.6328, -0.0469], [-0.0703, 0.2188, 0.6406]],
    [[0.4913, -0.0541, -0.0202], [-0.6130, 1.3513, 0.2906], [-0.1564, 0.2151, 0.7183]],
    [[0.8380, -0.2630, -0.0639], [-0.2887, 1.0725, 0.2496], [-0.0627, 0.1427, 0.5438]],
    [[0.6596, -0.2079, -0.0562], [-0.4782, 1.3016, 0.1933], [-0.0970, 0.1581, 0.5181]],
])
RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                       [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
LUMA = np.array([0.299, 0.587, 0.114])


# ---------------------------------------------------------------- colour augmentation

def permute_channels(img: np.ndarray, rng: random.Random) -> np.ndarray:
    order = [0, 1, 2]
    rng.shuffle(order)
    return img[..., order]


def gray_axis_rotation(degrees: float) -> np.ndarray:
    """(3, 3) rotation of RGB about the gray axis (1, 1, 1): a hue shift that keeps gray gray."""
    a = math.radians(degrees)
    k = np.ones((3, 3)) / 3.0
    cross = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]) / math.sqrt(3.0)
    return math.cos(a) * np.eye(3) + math.sin(a) * cross + (1 - math.cos(a)) * k


def jitter_color(img: np.ndarray, saturation: float, hue_degrees: float) -> np.ndarray:
    """Scale chroma about the pixel's luma and rotate hue about the gray axis; clipped to [0, 1]."""
    luma = img @ LUMA
    out = luma[..., None] + saturation * (img - luma[..., None])
    return np.clip(out @ gray_axis_rotation(hue_degrees).T, 0.0, 1.0)


def augment_color(img: np.ndarray, rng: random.Random) -> np.ndarray:
    img = permute_channels(img, rng)
    if rng.random() < RANGES["color_jitter_share"]:
        img = jitter_color(img, rng.uniform(*RANGES["saturation"]), rng.uniform(*RANGES["hue_degrees"]))
    return img


def crush_levels(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Levels with a random black and white point (per channel for a share of crops), clipped to [0, 1]:
    flat regions land exactly on 0 or 1, where clipped noise is biased."""
    channels = 3 if rng.random() < RANGES["levels_per_channel_share"] else 1
    black = np.array([rng.uniform(*RANGES["levels_black"]) for _ in range(channels)])
    white = np.array([rng.uniform(*RANGES["levels_white"]) for _ in range(channels)])
    return np.clip((img - black) / (white - black), 0.0, 1.0)


# ---------------------------------------------------------------- 8-bit files

def to_uint8(img: np.ndarray) -> np.ndarray:
    """What an 8-bit file holds, as 0-255 integers: clipped to [0, 1], scaled and rounded."""
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)


def quantize_8bit(img: np.ndarray) -> np.ndarray:
    """What an 8-bit file holds, on the [0, 1] scale: to_uint8's levels / 255."""
    return to_uint8(img) / 255.0


def jpeg_roundtrip(img: np.ndarray, quality: int, subsampling: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray((quantize_8bit(img) * 255).astype(np.uint8)).save(
        buffer, format="JPEG", quality=quality, subsampling=subsampling)
    return np.asarray(Image.open(buffer).convert("RGB"), np.float64) / 255.0


def add_awgn(img: np.ndarray, sigma255: float, clipped: bool, np_rng: np.random.Generator,
             same_in_every_channel: bool = False) -> np.ndarray:
    """White Gaussian noise; `same_in_every_channel` for gray pictures stored as three equal planes."""
    planes = 1 if same_in_every_channel else img.shape[2]
    noisy = img + np_rng.standard_normal(img.shape[:2] + (planes,)) * sigma255 / 255.0
    return quantize_8bit(noisy) if clipped else noisy


# ---------------------------------------------------------------- camera pipeline (Brooks et al.)

def smoothstep(x):
    return 3 * x ** 2 - 2 * x ** 3


def inverse_smoothstep(y):
    y = np.clip(y, 0.0, 1.0)
    return 0.5 - np.sin(np.arcsin(1.0 - 2.0 * y) / 3.0)


def gamma_compress(x, gamma: float):
    return np.maximum(x, 0.0) ** (1.0 / gamma)


def gamma_expand(y, gamma: float):
    return np.maximum(y, 0.0) ** gamma


class Camera:
    """One random camera: colour matrix, white balance and brightness; unprocess() and process() are
    inverses of each other for signals inside the sensor's range (tested in Scripts/tests)."""

    def __init__(self, rng: random.Random):
        weights = np.array([rng.random() for _ in XYZ_TO_CAMERA])
        xyz_to_cam = np.tensordot(weights / weights.sum(), XYZ_TO_CAMERA, axes=1)
        rgb_to_cam = xyz_to_cam @ RGB_TO_XYZ
        self.rgb_to_cam = rgb_to_cam / rgb_to_cam.sum(axis=1, keepdims=True)  # white stays white
        self.cam_to_rgb = np.linalg.inv(self.rgb_to_cam)
        brightness = 1.0 / max(0.3, rng.gauss(RANGES["brightness_gain_mean"], RANGES["brightness_gain_std"]))
        self.gains = np.array([rng.uniform(*RANGES["red_gain"]), 1.0, rng.uniform(*RANGES["blue_gain"])]) * brightness
        self.gamma = RANGES["gamma"]

    def unprocess(self, srgb: np.ndarray) -> np.ndarray:
        """(H, W, 3) sRGB in [0, 1] -> linear camera RGB (before white balance), (H, W, 3)."""
        linear = gamma_expand(inverse_smoothstep(srgb), self.gamma)
        return (linear @ self.rgb_to_cam.T) / self.gains

    def process(self, raw: np.ndarray) -> np.ndarray:
        """Linear camera RGB (H, W, 3) -> sRGB in [0, 1]: white balance, colour matrix, gamma, tone curve."""
        linear = np.clip((raw * self.gains) @ self.cam_to_rgb.T, 0.0, 1.0)
        return smoothstep(gamma_compress(linear, self.gamma))


def bayer_masks(h: int, w: int) -> np.ndarray:
    """(H, W, 3) 0/1 masks of an RGGB mosaic."""
    masks = np.zeros((h, w, 3))
    masks[0::2, 0::2, 0] = 1
    masks[0::2, 1::2, 1] = 1
    masks[1::2, 0::2, 1] = 1
    masks[1::2, 1::2, 2] = 1
    return masks


_GREEN_KERNEL = np.array([[0, 1, 0], [1, 4, 1], [0, 1, 0]]) / 4.0
_RED_BLUE_KERNEL = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4.0


def demosaic_bilinear(mosaic: np.ndarray) -> np.ndarray:
    """(H, W, 3) masked planes of an RGGB mosaic (zeros off-site) -> (H, W, 3) bilinear interpolation."""
    out = np.empty_like(mosaic)
    for c, kernel in ((0, _RED_BLUE_KERNEL), (1, _GREEN_KERNEL), (2, _RED_BLUE_KERNEL)):
        out[..., c] = convolve(mosaic[..., c], kernel, mode="mirror")
    return out


def noise_levels(rng: random.Random) -> tuple[float, float]:
    """(shot, read): variance = read + shot * signal, in linear raw units (Brooks et al.'s model)."""
    lo, hi = RANGES["shot_noise"]
    log_shot = rng.uniform(math.log(lo), math.log(hi))
    log_read = (RANGES["read_noise_slope"] * log_shot + RANGES["read_noise_intercept"]
                + rng.gauss(0.0, RANGES["read_noise_jitter"]))
    return math.exp(log_shot), math.exp(log_read)


def sensor_noise(raw: np.ndarray, shot: float, read: float, np_rng: np.random.Generator) -> np.ndarray:
    """Heteroscedastic noise drawn on the Bayer sites of `raw` (H, W, 3), then demosaiced."""
    masks = bayer_masks(*raw.shape[:2])
    std = np.sqrt(read + shot * np.clip(raw, 0.0, 1.0))
    return demosaic_bilinear(np_rng.standard_normal(raw.shape) * std * masks)


def add_camera_noise(img: np.ndarray, rng: random.Random, np_rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Clean sRGB (H, W, 3) -> (noisy, target): the scene as a camera with realistic noise would save it
    (8-bit, sometimes JPEG), and the clean picture that camera would give (its highlights clipped where
    the sensor saturates, as in the noisy one; otherwise the input)."""
    camera = Camera(rng)
    raw = camera.unprocess(img)
    shot, read = noise_levels(rng)
    # The sensor saturates at 1; read noise below the black level survives until processing clips it.
    noisy = quantize_8bit(camera.process(np.minimum(raw + sensor_noise(raw, shot, read, np_rng), 1.0)))
    target = camera.process(np.minimum(raw, 1.0)) if raw.max() > 1.0 else img
    if rng.random() < RANGES["jpeg_share"]:
        lo, hi = RANGES["jpeg_subsampling"]
        noisy = jpeg_roundtrip(noisy, rng.randint(*RANGES["jpeg_quality"]), rng.choice((lo, hi)))
    return noisy, target
