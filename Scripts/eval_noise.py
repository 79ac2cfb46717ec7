"""Python twin of Sources/Evaluation/GaussianNoise.swift: the evaluation's seeded AWGN.

SplitMix64 draws, Box-Muller in float64 (u1 = (a >> 11 + 1) / 2^53, u2 = (b >> 11) / 2^53,
r = sqrt(-2 ln u1), values r cos(2 pi u2) then r sin(2 pi u2)); seeds derived per item as
f(...f(f(base) ^ part1)... ^ partN), f(z) = mix(z + GAMMA); parts (image index, round(100 sigma))
for image sets, (sequence index, frame index, round(100 sigma)) for DAVIS. Noise is added to the
planar (C, H, W) float32 image in [0, 1] at sigma / 255, not clipped.

`gaussians` is the exact scalar reference (fixtures); `add_noise` is a vectorised numpy version for
reports (numpy's log/cos may differ from libm in the last bit, invisible at image precision).
"""
import math

import numpy as np

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def derive_seed(base, parts):
    f = lambda z: mix((z + GAMMA) & MASK)
    h = f(base)
    for p in parts:
        h = f(h ^ p)
    return h


def sigma_code(sigma):
    return int(round(sigma * 100))


def gaussians(seed, count):
    state, out = seed, []

    def nxt():
        nonlocal state
        state = (state + GAMMA) & MASK
        return mix(state)

    while len(out) < count:
        u1 = ((nxt() >> 11) + 1) * 2.0 ** -53
        u2 = (nxt() >> 11) * 2.0 ** -53
        r = math.sqrt(-2 * math.log(u1))
        out += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
    return out[:count]


def _mix_np(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def gaussians_np(seed, count):
    pairs = (count + 1) // 2
    with np.errstate(over="ignore"):
        k = np.arange(1, 2 * pairs + 1, dtype=np.uint64)
        draws = _mix_np(np.uint64(seed) + k * np.uint64(GAMMA))
    u1 = ((draws[0::2] >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * 2.0 ** -53
    u2 = (draws[1::2] >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    r = np.sqrt(-2 * np.log(u1))
    out = np.empty(2 * pairs)
    out[0::2], out[1::2] = r * np.cos(2 * np.pi * u2), r * np.sin(2 * np.pi * u2)
    return out[:count]


def add_noise(image_hwc, sigma, seed):
    """image_hwc: float array in [0, 1], (H, W) or (H, W, C). Returns the noisy float32 image, same shape."""
    planar = image_hwc[None] if image_hwc.ndim == 2 else np.moveaxis(image_hwc, -1, 0)
    planar = planar.astype(np.float32)
    noise = gaussians_np(seed, planar.size).reshape(planar.shape)
    noisy = (planar.astype(np.float64) + sigma / 255 * noise).astype(np.float32)
    return noisy[0] if image_hwc.ndim == 2 else np.moveaxis(noisy, 0, -1)
