"""Block motion compensation for the temporal presets: each neighbour frame is warped onto the centre
frame before the model sees the window (docs/design.md, section 9). The Swift engine's twin is
Sources/DenoiseKit/BlockMatcher.swift; both follow the rules below exactly, so the model is trained on
the alignment it gets at inference.

Per neighbour, on luma (the mean of the three planes):
1. Coarse search at half resolution (2x2 box means): for every block of BLOCK/2 x BLOCK/2 half-res
   pixels, the integer shift (dy, dx) within +-RADIUS that minimises the mean absolute difference to the
   centre frame plus PENALTY * (|dy| + |dx|) (a tie or a flat block keeps the smaller motion). Shifts are
   tried dy-major from -RADIUS, and only a strictly lower cost replaces the best. Reads beyond the frame
   take the nearest edge pixel.
2. Refinement at full resolution: the coarse shift doubled, then the best of its 3 x 3 full-res
   neighbours (same cost rule, PENALTY counted in half-res units), over the BLOCK x BLOCK block.
3. Warp: every pixel of a block takes the neighbour's pixel at its position plus the block's shift
   (clamped to the frame). The last row and column of blocks may be partial.
Full-res motion up to 2 * RADIUS + 1 pixels per frame is found; beyond it, and where blocks hold
several motions, the model's fusion decides how much of a neighbour to trust.
"""
from __future__ import annotations

import math

import numpy as np

BLOCK = 16          # full-resolution block side
RADIUS = 8          # coarse search radius, half-resolution pixels
PENALTY = 0.002     # cost per half-res pixel of shift, in luma units ([0, 1]) of mean absolute difference


def luma(frame: np.ndarray) -> np.ndarray:
    """(H, W, 3) -> (H, W) float32 mean of the planes."""
    return frame.astype(np.float32).mean(axis=2, dtype=np.float32)


def half_resolution(plane: np.ndarray) -> np.ndarray:
    """(H, W) -> (ceil(H/2), ceil(W/2)) 2x2 box means; an odd last row or column is repeated."""
    h, w = plane.shape
    p = np.pad(plane, ((0, h % 2), (0, w % 2)), mode="edge")
    return (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]) * np.float32(0.25)


def shifted(plane: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """plane[y + dy, x + dx] with coordinates clamped to the plane."""
    h, w = plane.shape
    ys = np.clip(np.arange(h) + dy, 0, h - 1)
    xs = np.clip(np.arange(w) + dx, 0, w - 1)
    return plane[ys][:, xs]


def block_means(diff: np.ndarray, block: int) -> np.ndarray:
    """(H, W) -> (ceil(H/block), ceil(W/block)) means over each block's pixels (partial blocks: their own)."""
    h, w = diff.shape
    if h % block == 0 and w % block == 0:
        return diff.reshape(h // block, block, w // block, block).mean(axis=(1, 3), dtype=np.float64)
    row_starts, col_starts = np.arange(0, h, block), np.arange(0, w, block)
    sums = np.add.reduceat(np.add.reduceat(diff.astype(np.float64), row_starts, axis=0), col_starts, axis=1)
    rows = np.minimum(row_starts + block, h) - row_starts
    cols = np.minimum(col_starts + block, w) - col_starts
    return sums / (rows[:, None] * cols[None, :])


def block_shifts(centre: np.ndarray, neighbour: np.ndarray) -> np.ndarray:
    """Luma planes (H, W) -> (ceil(H/BLOCK), ceil(W/BLOCK), 2) int full-res shifts (dy, dx) per block."""
    h, w = centre.shape
    by, bx = -(-h // BLOCK), -(-w // BLOCK)
    c_half, n_half = half_resolution(centre), half_resolution(neighbour)
    best = np.full((by, bx), np.inf)
    coarse = np.zeros((by, bx, 2), np.int64)
    hh, hw = c_half.shape
    padded = np.pad(n_half, RADIUS, mode="edge")  # a slice of it is a clamped shift (shifted()), cheaper
    for dy in range(-RADIUS, RADIUS + 1):
        for dx in range(-RADIUS, RADIUS + 1):
            view = padded[RADIUS + dy:RADIUS + dy + hh, RADIUS + dx:RADIUS + dx + hw]
            cost = block_means(np.abs(c_half - view), BLOCK // 2)
            cost = cost + PENALTY * (abs(dy) + abs(dx))
            better = cost < best
            best[better] = cost[better]
            coarse[better] = (dy, dx)
    base = 2 * coarse
    best = np.full((by, bx), np.inf)
    fine = base.copy()
    for ry in (-1, 0, 1):
        for rx in (-1, 0, 1):
            candidate = base + np.array([ry, rx])
            diff = np.abs(centre - warp_plane(neighbour, candidate))
            cost = block_means(diff, BLOCK) + PENALTY * 0.5 * np.abs(candidate).sum(axis=2)
            better = cost < best
            best[better] = cost[better]
            fine[better] = candidate[better]
    return fine


def warp_plane(plane: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """(H, W) plane, (by, bx, 2) shifts -> plane[y + dy(block), x + dx(block)], clamped."""
    h, w = plane.shape[:2]
    rows, cols = np.arange(h) // BLOCK, np.arange(w) // BLOCK
    dy = shifts[rows[:, None], cols[None, :], 0]
    dx = shifts[rows[:, None], cols[None, :], 1]
    ys = np.clip(np.arange(h)[:, None] + dy, 0, h - 1)
    xs = np.clip(np.arange(w)[None, :] + dx, 0, w - 1)
    return plane[ys, xs]


def align_window(frames: np.ndarray) -> np.ndarray:
    """(T, H, W, 3) noisy frames -> the same with every frame but the centre warped onto the centre."""
    t = frames.shape[0]
    centre = luma(frames[t // 2])
    out = frames.copy()
    for i in range(t):
        if i != t // 2:
            out[i] = warp_plane(frames[i], block_shifts(centre, luma(frames[i])))
    return out


# Temporal prefilter (docs/design.md, section 9): the centre frame averaged with the aligned neighbours
# where they match it, so the network starts from a frame with less noise and is told its lower level.
FILTER_PATCH = 9    # side of the box over which a neighbour's squared difference to the centre is averaged
FILTER_GAIN = 8.0   # how fast a neighbour's weight falls once its difference exceeds the noise's (2 sigma^2)


def box_mean(plane: np.ndarray, k: int) -> np.ndarray:
    """(H, W) -> mean over the k x k box around each pixel, edges replicated."""
    r = k // 2
    p = np.pad(plane.astype(np.float64), r, mode="edge")
    c = np.cumsum(np.cumsum(np.pad(p, ((1, 0), (1, 0))), axis=0), axis=1)
    h, w = plane.shape
    return (c[k:k + h, k:k + w] - c[:h, k:k + w] - c[k:k + h, :w] + c[:h, :w]) / (k * k)


def distinct_neighbours(window: np.ndarray) -> list[int]:
    """Slots of the window that hold a frame of their own: not the centre, not a copy of the centre or of
    an earlier slot (a window clamped at a clip's end or a cut repeats frames, noise included)."""
    centre = window.shape[0] // 2
    kept: list[int] = []
    for t in range(window.shape[0]):
        if t == centre or np.array_equal(window[t], window[centre]) or any(np.array_equal(window[t], window[k]) for k in kept):
            continue
        kept.append(t)
    return kept


def temporal_prefilter(window: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray | float]:
    """(T, H, W, 3) aligned noisy frames, noise level (0-255) -> the window with its centre frame replaced
    by the robust average of the distinct frames, and the noise level left at each pixel ((H, W), 0-255;
    the plain `sigma` when nothing was averaged).

    Neighbour t's weight at a pixel: exp(-FILTER_GAIN * max(0, D - 1)), D = the FILTER_PATCH box mean of
    its squared difference to the centre (mean over planes) divided by 2 sigma^2 (what two independent
    noisy copies of the same content differ by); the centre weighs 1. The level left is
    sigma * sqrt(sum(w^2)) / sum(w)."""
    centre = window.shape[0] // 2
    neighbours = distinct_neighbours(window)
    if sigma < 0.5 or not neighbours:
        return window, sigma
    s2 = (sigma / 255.0) ** 2
    c = window[centre].astype(np.float64)
    total, weights, squares = c.copy(), np.ones(c.shape[:2]), np.ones(c.shape[:2])
    for t in neighbours:
        a = window[t].astype(np.float64)
        d = box_mean(((a - c) ** 2).mean(axis=2), FILTER_PATCH) / (2 * s2)
        w = np.exp(-FILTER_GAIN * np.maximum(0.0, d - 1.0))
        total += w[..., None] * a
        weights += w
        squares += w * w
    out = window.copy()
    out[centre] = (total / weights[..., None]).astype(window.dtype)
    return out, (sigma * np.sqrt(squares) / weights).astype(np.float32)
