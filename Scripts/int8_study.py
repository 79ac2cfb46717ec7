#!/usr/bin/env python3
"""What int8 Linear layers would cost, simulated in PyTorch before writing kernels for them.

    python3 Scripts/int8_study.py [--model quality] [--schemes 255/127,255/63,127/127] [--count 2]

Every nn.Linear of a bundled model is run on inputs quantized per row (asymmetric: scale = the row's range
widened to hold 0, over A levels, zero point rint(-min / scale)) and weights quantized per output feature
(symmetric: +-W levels of max |w| / W), for each scheme A/W; the rest of the model stays float32. Reported: the
validation PSNR (CBSD68, CQ12 and Urban12 crops at sigma 15 / 25 / 50, as train.py validates, from
../shared/data/val) and its change against float32. 255/63 is what the engine's int8 kernel does
(Sources/CKernels/linear_int8.c): 8-bit inputs against 7-bit weights keep AVX2's vpmaddubsw from saturating.
"""
import argparse
import sys
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import load_engine_weights  # noqa: E402
from validation import validate_all, validation_sets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def quantize_rows(x: torch.Tensor, levels: int) -> torch.Tensor:
    """x (..., k) through `levels`-level unsigned codes per row, back to float."""
    lo = x.amin(-1, keepdim=True).clamp(max=0)
    hi = x.amax(-1, keepdim=True).clamp(min=0)
    scale = torch.where(hi > lo, (hi - lo) / levels, torch.ones_like(hi))
    zero = torch.round(-lo / scale)
    return (torch.clamp(torch.round(x / scale) + zero, 0, levels) - zero) * scale


def quantize_weights(w: torch.Tensor, level: int) -> torch.Tensor:
    """w (n, k) through -level...level codes per output feature, back to float."""
    scale = w.abs().amax(1, keepdim=True).clamp(min=1e-12) / level
    return torch.round(w / scale).clamp(-level, level) * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="quality", help="bundled preset")
    parser.add_argument("--schemes", default="255/127,255/63,127/127", help="input levels / weight level, comma-separated")
    parser.add_argument("--count", type=int, default=2, help="images per validation set")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    torch.set_num_threads(2)
    sets = validation_sets(args.data, args.count, 256, ("cbsd68", "cq12", "urban12"))
    model = load_engine_weights(ROOT / "Sources" / "DenoiseModels" / "Weights" / f"{args.model}.safetensors")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    weights = {m: m.weight.data.clone() for m in linears}

    def score(scheme: str | None) -> dict[str, float]:
        for m in linears:
            m.weight.data = weights[m].clone()
            m.forward = nn.Linear.forward.__get__(m)
        if scheme:
            input_levels, weight_level = (int(v) for v in scheme.split("/"))
            for m in linears:
                m.weight.data = quantize_weights(weights[m], weight_level)
                m.forward = lambda x, m=m: nn.functional.linear(quantize_rows(x, input_levels), m.weight, m.bias)
        return validate_all(model, sets)

    base = score(None)
    print("float32 " + " ".join(f"{k} {v:.4f}" for k, v in base.items()))
    for scheme in args.schemes.split(","):
        result = score(scheme)
        print(f"{scheme:7} " + " ".join(f"{k} {result[k]:.4f} ({result[k] - base[k]:+.4f})" for k in result))


if __name__ == "__main__":
    main()
