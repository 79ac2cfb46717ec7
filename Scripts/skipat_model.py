"""PyTorch reference of the SKIPAT restoration transformer (docs/design.md, section 2).

A U-shaped window-attention transformer (Uformer layout) in which, inside every stage, the blocks
listed in `phi_blocks` replace window self-attention by SKIPAT's cheap parametric function Phi applied
to the previous block's attention output. `phi_blocks=()` is the plain baseline.

Tensor names here are the names in the exported safetensors file and in the Swift engine.
Token tensors are channel-last: (B, H, W, C), one token per pixel.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT_NAME = "skipat-denoiser"
FORMAT_VERSION = 1


@dataclass
class SkipatConfig:
    width: int = 16          # C: channels of the first level
    levels: int = 3          # L: encoder levels (each halves resolution)
    depth: int = 2           # transformer blocks per stage
    window: int = 8          # attention window side
    mlp_ratio: int = 4       # LeFF hidden = mlp_ratio * width
    phi_ratio: int = 2       # Phi hidden = phi_ratio * width
    phi_kernel: int = 5      # Phi depthwise kernel
    phi_blocks: list[int] = field(default_factory=lambda: [1])  # blocks (per stage) that use Phi
    # Which attention blocks use shifted windows: "block" = odd blocks of every stage (Swin, Uformer);
    # "network" = the network's attention blocks taken in forward order alternate plain/shifted, Phi
    # blocks not counted, so a SKIPAT stage whose only attention is block 0 still gets shifted windows
    # in every second stage. The two agree for an even depth without Phi blocks (the baseline).
    shift_order: str = "block"
    in_channels: int = 4     # 3 * frames (RGB of each frame) + noise-level plane
    out_channels: int = 3
    # Temporal models (docs/design.md, section 9): `frames` consecutive noisy frames in, the centre one out.
    # input_proj sees every frame and the noise level (early fusion, as FastDVDnet's first stage), and a
    # small fusion branch (3x3 conv to fusion_width, LeakyReLU, 3x3 conv to width) adds a non-linear
    # view of them (e.g. where neighbours disagree with the centre). Made from image weights, input_proj's
    # centre-frame slice takes the image model's input projection and the neighbours' slices start at zero
    # (temporal_from_image), so training starts from the image model and learns what neighbours add.
    frames: int = 1
    fusion_width: int = 0
    # How the neighbours are prepared before the model sees them: "none" (as decoded) or "block" (each
    # warped onto the centre frame by block motion compensation, Scripts/motion.py; the engine does the same).
    alignment: str = "none"
    # "robust": after alignment the centre frame is replaced by its robust average with the neighbours that
    # match it, and the model's noise-level plane holds the level left at each pixel
    # (motion.temporal_prefilter); "none".
    prefilter: str = "none"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @staticmethod
    def from_json(text: str) -> "SkipatConfig":
        return SkipatConfig(**json.loads(text))

    def window_shift(self, stage: int, block: int) -> int:
        """Shift of block `block` in stage `stage` (forward order: encoders, bottleneck, decoders L-1..0)."""
        if block in self.phi_blocks:
            return 0
        if self.shift_order == "block":
            shifted = block % 2 == 1
        else:
            attention_per_stage = self.depth - len(set(self.phi_blocks))
            earlier_in_stage = sum(1 for j in range(block) if j not in self.phi_blocks)
            shifted = (stage * attention_per_stage + earlier_in_stage) % 2 == 1
        return self.window // 2 if shifted else 0

    @property
    def centre(self) -> int:
        """Index of the frame the model restores (the middle of the window)."""
        return self.frames // 2

    @property
    def multiple(self) -> int:
        """Input sides must be multiples of this (every level a whole number of windows)."""
        return self.window * 2 ** self.levels


def window_geometry(h: int, w: int, window: int, shift: int) -> tuple[int, int]:
    """Effective window and shift for a (h, w) grid: Swin's rule, small grids use one whole window."""
    if min(h, w) <= window:
        return min(h, w), 0
    return window, shift


def relative_position_index(window_size: int, window: int) -> torch.Tensor:
    """(window_size*window_size, window_size*window_size) indices into a ((2*window-1)^2, heads) bias table, for an effective window window_size."""
    coords = torch.stack(torch.meshgrid(torch.arange(window_size), torch.arange(window_size), indexing="ij")).flatten(1)
    rel = coords[:, :, None] - coords[:, None, :] + (window - 1)  # (2, N, N)
    return rel[0] * (2 * window - 1) + rel[1]


def shift_mask(h: int, w: int, window_size: int, shift: int) -> torch.Tensor:
    """(nW, window_size*window_size, window_size*window_size) additive mask: -100 between tokens that came from different regions."""
    labels = torch.zeros(h, w)
    cuts = ((0, h - window_size), (h - window_size, h - shift), (h - shift, h))
    cuts_w = ((0, w - window_size), (w - window_size, w - shift), (w - shift, w))
    n = 0
    for y0, y1 in cuts:
        for x0, x1 in cuts_w:
            labels[y0:y1, x0:x1] = n
            n += 1
    win = labels.view(h // window_size, window_size, w // window_size, window_size).permute(0, 2, 1, 3).reshape(-1, window_size * window_size)
    diff = win[:, :, None] - win[:, None, :]
    return torch.where(diff != 0, torch.tensor(-100.0), torch.tensor(0.0))


def window_partition(x: torch.Tensor, window_size: int) -> torch.Tensor:
    """(B, H, W, C) -> (B*nW, window_size*window_size, C), windows in row-major order."""
    b, h, w, c = x.shape
    x = x.view(b, h // window_size, window_size, w // window_size, window_size, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, window_size * window_size, c)


def window_merge(x: torch.Tensor, window_size: int, b: int, h: int, w: int) -> torch.Tensor:
    """(B*nW, window_size*window_size, C) -> (B, H, W, C)."""
    c = x.shape[-1]
    x = x.view(b, h // window_size, w // window_size, window_size, window_size, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(b, h, w, c)


class WindowAttention(nn.Module):
    """W-MSA with a learned relative position bias; head dim = width / heads."""

    def __init__(self, width: int, heads: int, window: int):
        super().__init__()
        self.heads, self.window = heads, window
        self.qkv = nn.Linear(width, 3 * width)                      # weight (3w, w)
        self.proj = nn.Linear(width, width)                         # weight (w, w)
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def forward(self, x: torch.Tensor, shift: int) -> torch.Tensor:  # x (B, H, W, C)
        b, h, w, c = x.shape
        window_size, shift = window_geometry(h, w, self.window, shift)
        if shift:
            x = torch.roll(x, shifts=(-shift, -shift), dims=(1, 2))
        t = window_partition(x, window_size)                                   # (B*nW, N, C)
        bw, n, _ = t.shape
        hd = c // self.heads
        qkv = self.qkv(t).view(bw, n, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * hd ** -0.5, qkv[1], qkv[2]                 # (B*nW, heads, N, hd)
        attn = q @ k.transpose(-2, -1)                                # (B*nW, heads, N, N)
        index = relative_position_index(window_size, self.window).to(x.device)
        bias = self.relative_position_bias_table[index.view(-1)].view(n, n, -1).permute(2, 0, 1)
        attn = attn + bias.unsqueeze(0)
        if shift:
            mask = shift_mask(h, w, window_size, shift).to(x.device)           # (nW, N, N)
            nw = mask.shape[0]
            attn = attn.view(b, nw, self.heads, n, n) + mask[None, :, None]
            attn = attn.view(bw, self.heads, n, n)
        attn = attn.softmax(dim=-1)
        t = (attn @ v).transpose(1, 2).reshape(bw, n, c)
        t = self.proj(t)
        x = window_merge(t, window_size, b, h, w)
        if shift:
            x = torch.roll(x, shifts=(shift, shift), dims=(1, 2))
        return x


def depthwise(x: torch.Tensor, conv: nn.Conv2d) -> torch.Tensor:
    """Depthwise conv on channel-last tokens (B, H, W, C)."""
    return conv(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


class LeFF(nn.Module):
    """Locally-enhanced feed-forward: Linear, GELU, depthwise 3x3, GELU, Linear."""

    def __init__(self, width: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)                                        # (hidden, w)
        self.dwconv = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden)       # (hidden, 1, 3, 3)
        self.fc2 = nn.Linear(hidden, width)                                        # (w, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.gelu(self.fc1(x))
        x = F.gelu(depthwise(x, self.dwconv))
        return self.fc2(x)


class ECA(nn.Module):
    """Efficient channel attention: mean over tokens, conv1d k=3 across channels, sigmoid, scale."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 3, padding=1, bias=False)                     # (1, 1, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, H, W, C)
        y = x.mean(dim=(1, 2))[:, None, :]                                         # (B, 1, C)
        y = torch.sigmoid(self.conv(y))[:, 0]                                      # (B, C)
        return x * y[:, None, None, :]


class Phi(nn.Module):
    """SKIPAT's parametric approximation of the next block's attention output."""

    def __init__(self, width: int, hidden: int, kernel: int):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.dwconv = nn.Conv2d(hidden, hidden, kernel, padding=kernel // 2, groups=hidden)
        self.fc2 = nn.Linear(hidden, width)
        self.eca = ECA()

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = F.gelu(self.fc1(z))
        z = F.gelu(depthwise(z, self.dwconv))
        return self.eca(self.fc2(z))


class TransformerBlock(nn.Module):
    """x = x + A(LN(x)); x = x + LeFF(LN(x)). A is W-MSA, or Phi(previous A output) for SKIPAT blocks."""

    def __init__(self, width: int, heads: int, cfg: SkipatConfig, index: int, shift: int):
        super().__init__()
        self.uses_phi = index in cfg.phi_blocks
        self.shift = shift
        if self.uses_phi:
            self.phi = Phi(width, cfg.phi_ratio * width, cfg.phi_kernel)
        else:
            self.norm1 = nn.LayerNorm(width)
            self.attn = WindowAttention(width, heads, cfg.window)
        self.norm2 = nn.LayerNorm(width)
        self.leff = LeFF(width, cfg.mlp_ratio * width)

    def forward(self, x: torch.Tensor, z_prev: torch.Tensor | None):
        z = self.phi(z_prev) if self.uses_phi else self.attn(self.norm1(x), self.shift)
        x = x + z
        x = x + self.leff(self.norm2(x))
        return x, z


class Stage(nn.Module):
    def __init__(self, width: int, heads: int, cfg: SkipatConfig, position: int):
        """position: the stage's index in forward order (encoders 0..L-1, bottleneck L, decoder i at 2L-i)."""
        super().__init__()
        self.blocks = nn.ModuleList(TransformerBlock(width, heads, cfg, j, cfg.window_shift(position, j))
                                    for j in range(cfg.depth))

    def forward(self, x: torch.Tensor, trace: dict | None = None, name: str = "") -> torch.Tensor:
        z = None
        for j, block in enumerate(self.blocks):
            x, z = block(x, z)
            if trace is not None:
                trace[f"{name}.blocks.{j}"] = x
        return x


class SkipatDenoiser(nn.Module):
    def __init__(self, cfg: SkipatConfig):
        super().__init__()
        if cfg.depth < 1 or 0 in cfg.phi_blocks or any(j >= cfg.depth for j in cfg.phi_blocks):
            raise ValueError(f"phi_blocks {cfg.phi_blocks} must lie in 1..depth-1 (depth {cfg.depth})")
        if cfg.shift_order not in ("block", "network"):
            raise ValueError(f"shift_order {cfg.shift_order!r} must be 'block' or 'network'")
        if cfg.frames < 1 or cfg.frames % 2 == 0 or cfg.in_channels != 3 * cfg.frames + 1 or cfg.out_channels != 3:
            raise ValueError(f"frames {cfg.frames} must be odd, in_channels 3*frames+1 ({cfg.in_channels}), out_channels 3")
        if (cfg.frames > 1) != (cfg.fusion_width > 0):
            raise ValueError(f"fusion_width {cfg.fusion_width}: a temporal model (frames > 1) needs one, an image model none")
        if cfg.alignment not in ("none", "block") or (cfg.alignment == "block" and cfg.frames == 1):
            raise ValueError(f"alignment {cfg.alignment!r}: 'none', or 'block' for a temporal model")
        if cfg.prefilter not in ("none", "robust") or (cfg.prefilter == "robust" and cfg.alignment != "block"):
            raise ValueError(f"prefilter {cfg.prefilter!r}: 'none', or 'robust' after block alignment")
        self.cfg = cfg
        c, n = cfg.width, cfg.levels
        self.input_proj = nn.Conv2d(cfg.in_channels, c, 3, padding=1)                      # (C, 3T+1, 3, 3)
        if cfg.frames > 1:
            self.fusion_in = nn.Conv2d(cfg.in_channels, cfg.fusion_width, 3, padding=1)    # (F, 3T+1, 3, 3)
            self.fusion_out = nn.Conv2d(cfg.fusion_width, c, 3, padding=1)                 # (C, F, 3, 3)
        self.encoders = nn.ModuleList(Stage(c * 2 ** i, 2 ** i, cfg, i) for i in range(n))
        self.downs = nn.ModuleList(nn.Conv2d(c * 2 ** i, c * 2 ** (i + 1), 4, stride=2, padding=1)
                                   for i in range(n))
        self.bottleneck = Stage(c * 2 ** n, 2 ** n, cfg, n)
        # Uformer layout: decoder i receives the stage below (bottleneck, or decoder i+1 at width
        # 2*C*2^(i+1)), upsamples it to C*2^i and concatenates encoder i's skip -> width 2*C*2^i.
        self.ups = nn.ModuleList(
            nn.ConvTranspose2d(c * 2 ** n if i == n - 1 else 2 * c * 2 ** (i + 1), c * 2 ** i, 2, stride=2)
            for i in range(n))
        self.decoders = nn.ModuleList(Stage(2 * c * 2 ** i, 2 * 2 ** i, cfg, 2 * n - i) for i in range(n))
        self.output_proj = nn.Conv2d(2 * c, cfg.out_channels, 3, padding=1)                # (3, 2C, 3, 3)
        self.apply(self._init)
        if cfg.frames > 1:
            # Tiny, not zero: a zero fusion_out would leave fusion_in without gradient (Adam's steps do
            # not depend on the gradient's scale, so tiny is enough), and the output moves < 1e-3.
            nn.init.normal_(self.fusion_out.weight, std=1e-5)
            nn.init.zeros_(self.fusion_out.bias)

    @staticmethod
    def _init(m: nn.Module):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor, trace: dict | None = None) -> torch.Tensor:
        """x: (B, 3T+1, H, W) = T noisy RGB frames in [0,1] + sigma/255 plane; H, W multiples of cfg.multiple.
        -> (B, 3, H, W): the centre frame restored."""
        nchw = lambda t: t.permute(0, 3, 1, 2)   # noqa: E731  (B,H,W,C) -> (B,C,H,W)
        nhwc = lambda t: t.permute(0, 2, 3, 1)   # noqa: E731
        k = 3 * self.cfg.centre
        centre = x[:, k:k + 3]                                                     # (B, 3, H, W)
        y = self.input_proj(x)
        if self.cfg.frames > 1:
            fused = F.leaky_relu(self.fusion_in(x), 0.2)
            if trace is not None:
                trace["fusion_in"] = nhwc(fused)
            y = y + self.fusion_out(fused)
        y = nhwc(F.leaky_relu(y, 0.2))
        if trace is not None:
            trace["input_proj"] = y
        skips = []
        for i, (stage, down) in enumerate(zip(self.encoders, self.downs)):
            y = stage(y, trace, f"encoders.{i}")
            skips.append(y)
            y = nhwc(down(nchw(y)))
            if trace is not None:
                trace[f"downs.{i}"] = y
        y = self.bottleneck(y, trace, "bottleneck")
        for i in reversed(range(self.cfg.levels)):
            y = nhwc(self.ups[i](nchw(y)))
            if trace is not None:
                trace[f"ups.{i}"] = y
            y = torch.cat([y, skips[i]], dim=-1)
            y = self.decoders[i](y, trace, f"decoders.{i}")
        out = self.output_proj(nchw(y)) + centre
        if trace is not None:
            trace["output"] = nhwc(out)
        return out


def temporal_from_image(temporal: SkipatDenoiser, image: SkipatDenoiser) -> None:
    """Loads an image model's weights into a temporal model of the same network: every tensor as it is,
    input_proj's (C, 4, 3, 3) into the centre frame's and the noise level's input slices of the temporal
    (C, 3T+1, 3, 3), the neighbours' slices zero. The fusion branch keeps its initialisation."""
    state = image.state_dict()
    weight = torch.zeros_like(temporal.input_proj.weight)
    k = 3 * temporal.cfg.centre
    weight[:, k:k + 3] = state["input_proj.weight"][:, :3]
    weight[:, -1:] = state["input_proj.weight"][:, 3:]
    state["input_proj.weight"] = weight
    missing, unexpected = temporal.load_state_dict(state, strict=False)
    if unexpected or any(not name.startswith("fusion_") for name in missing):
        raise ValueError(f"image weights do not fit the temporal model (missing {missing}, unexpected {unexpected})")


def model_input(noisy: torch.Tensor, sigma255: torch.Tensor | float) -> torch.Tensor:
    """(B, 3T, H, W) noisy RGB of T frames + the noise level (0-255 scale) -> (B, 3T+1, H, W) model input.
    The level is one per sample ((B,) or a float) or a map per pixel ((B, 1, H, W): the level a temporal
    prefilter left, motion.temporal_prefilter)."""
    b, _, h, w = noisy.shape
    s = torch.as_tensor(sigma255, dtype=noisy.dtype)
    s = (s if s.dim() == 4 else s.reshape(-1, 1, 1, 1).expand(b, 1, h, w)) / 255.0
    return torch.cat([noisy, s], dim=1)


def denoise_full(model: SkipatDenoiser, noisy: torch.Tensor, sigma255) -> torch.Tensor:
    """Whole-image inference for validation: reflect-pad to the model multiple, run, crop."""
    m = model.cfg.multiple
    _, _, h, w = noisy.shape
    ph, pw = (-h) % m, (-w) % m
    pad = (lambda t: F.pad(t, (0, pw, 0, ph), mode="reflect")) if (ph or pw) else (lambda t: t)  # noqa: E731
    level = pad(sigma255) if isinstance(sigma255, torch.Tensor) and sigma255.dim() == 4 else sigma255
    return model(model_input(pad(noisy), level))[:, :, :h, :w]


def count_macs_per_pixel(cfg: SkipatConfig) -> float:
    """Multiply-accumulates per input pixel of one forward pass (GEMMs, attention, convs)."""
    def block(w: int, share: float, index: int) -> float:
        leff = 2 * w * cfg.mlp_ratio * w + 9 * cfg.mlp_ratio * w
        if index in cfg.phi_blocks:
            a = 2 * w * cfg.phi_ratio * w + cfg.phi_kernel ** 2 * cfg.phi_ratio * w
        else:
            a = 4 * w * w + 2 * cfg.window ** 2 * w
        return share * (a + leff)

    c, n = cfg.width, cfg.levels
    total = 9 * cfg.in_channels * c + 9 * 2 * c * cfg.out_channels
    if cfg.frames > 1:
        total += 9 * cfg.in_channels * cfg.fusion_width + 9 * cfg.fusion_width * c
    for i in range(n):
        share = 4.0 ** -i
        total += sum(block(c * 2 ** i, share, j) + block(2 * c * 2 ** i, share, j) for j in range(cfg.depth))
        total += 16 * c * 2 ** i * c * 2 ** (i + 1) * share / 4                   # down conv
        cin = c * 2 ** n if i == n - 1 else 2 * c * 2 ** (i + 1)
        total += 4 * cin * c * 2 ** i * share / 4                                  # transposed conv
    total += sum(block(c * 2 ** n, 4.0 ** -n, j) for j in range(cfg.depth))
    return total


# The quality presets use 16x16 windows: with 8x8 windows attention is only ~5% of the work of a
# block at these widths and skipping it cannot pay; at 16x16 it is ~20-25%, where SKIPAT's saving shows.
# They train on 128x128 crops, the inference tile, so every level sees its inference window geometry.
PRESETS = {
    "quality": SkipatConfig(width=16, levels=3, depth=2, window=16, phi_blocks=[1]),
    "quality-baseline": SkipatConfig(width=16, levels=3, depth=2, window=16, phi_blocks=[]),
    "fast": SkipatConfig(width=8, levels=2, depth=2, window=8, phi_blocks=[1]),
    # Experiment: the same network with shifted windows in every second stage's attention block
    # (shift_order "network"), so SKIPAT keeps Swin's cross-window exchange. On the baseline's schedule it
    # gained only +0.01-0.02 dB over "quality" at equal steps (README, SKIPAT chain); not bundled.
    "quality-shifted": SkipatConfig(width=16, levels=3, depth=2, window=16, phi_blocks=[1], shift_order="network"),
    # The quality network specialised to white Gaussian noise of a known level (what --sigma says).
    "gaussian": SkipatConfig(width=16, levels=3, depth=2, window=16, phi_blocks=[1]),
    # The quality network fine-tuned on real camera noise (SIDD pairs), conditioned on the blind level.
    "real": SkipatConfig(width=16, levels=3, depth=2, window=16, phi_blocks=[1]),
    # The fast network fine-tuned the same way, for camera-noise video.
    "real-fast": SkipatConfig(width=8, levels=2, depth=2, window=8, phi_blocks=[1]),
    # Temporal models for video: five frames in, the centre one out (made from quality's and fast's weights).
    "video": SkipatConfig(width=16, levels=3, depth=2, window=16, phi_blocks=[1], frames=5, in_channels=16,
                          fusion_width=32, alignment="block", prefilter="robust"),
    "video-fast": SkipatConfig(width=8, levels=2, depth=2, window=8, phi_blocks=[1], frames=5, in_channels=16,
                               fusion_width=32, alignment="block", prefilter="robust"),
}


if __name__ == "__main__":
    for name, cfg in PRESETS.items():
        model = SkipatDenoiser(cfg)
        params = sum(p.numel() for p in model.parameters())
        print(f"{name:18s} params {params/1e6:6.3f} M  {count_macs_per_pixel(cfg)/1e3:7.1f} kMAC/pixel")
        x = torch.rand(1, cfg.in_channels, 128, 128)
        assert model(x).shape == (1, 3, 128, 128)
