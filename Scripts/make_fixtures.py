"""Regenerate the Swift parity fixtures: tiny random models (SKIPAT, baseline, SKIPAT with network-order shifts,
a temporal SKIPAT of three frames), one input tile,
every named intermediate activation and the output of the PyTorch reference.

    python3 Scripts/make_fixtures.py            # writes Tests/SkipatModelTests/Fixtures/

Weights are perturbed away from their initial values (LayerNorm gains, biases, bias tables) so every
parameter matters to the comparison. Activations are channel-last (H, W, C), batch 1.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file

from export import export_safetensors
from skipat_model import SkipatConfig, SkipatDenoiser

OUT = Path(__file__).resolve().parent.parent / "Tests" / "SkipatModelTests" / "Fixtures"

# width 4, two levels, 4x4 windows: a 32x32 tile has shifted, masked windows at every level
# (32, 16, 8 tokens a side), and a 16x16 tile exercises the whole-grid window (4x4 at the bottleneck).
TINY = dict(width=4, levels=2, depth=2, window=4)
# tiny-skipat-shifted alternates shifts across the network (shift_order "network"): with one attention
# block per stage, encoder 1 and decoder 1 get shifted windows and the other stages plain ones.
VARIANTS = {"tiny-skipat": dict(phi_blocks=[1]), "tiny-baseline": dict(phi_blocks=[]),
            "tiny-skipat-shifted": dict(phi_blocks=[1], shift_order="network"),
            "tiny-temporal": dict(phi_blocks=[1], frames=3, in_channels=10, fusion_width=6)}
SIZES = (32, 16)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, variant in VARIANTS.items():
        torch.manual_seed(1234)
        model = SkipatDenoiser(SkipatConfig(**TINY, **variant)).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.2)
        export_safetensors(model, OUT / f"{name}.safetensors", {"preset": name})
        for size in SIZES:
            rgb = torch.rand(1, model.cfg.in_channels - 1, size, size)
            x = torch.cat([rgb, torch.full((1, 1, size, size), 25 / 255)], dim=1)
            trace: dict[str, torch.Tensor] = {}
            with torch.no_grad():
                model(x, trace)
            tensors = {"input": x[0].permute(1, 2, 0).contiguous()}
            tensors.update({k: v[0].contiguous() for k, v in trace.items()})
            save_file(tensors, str(OUT / f"{name}.{size}.activations.safetensors"),
                      metadata={"format": "skipat-activations", "model": name})
            print(f"{name} {size}x{size}: {len(trace)} activations")


if __name__ == "__main__":
    main()
