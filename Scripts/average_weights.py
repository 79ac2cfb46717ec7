"""Average engine-layout weight files of one model config (e.g. the annealed ends of two training cycles).

    python3 Scripts/average_weights.py a.safetensors b.safetensors --out mean.safetensors
    .build/release/denoise-eval gaussian --dataset FRAMES_DIR --model mean.safetensors --threads 1

`--ratios 2,1` weighs the files (here 2/3 and 1/3): a weighted mean of a model and its fine-tune
interpolates between them (Wortsman et al., "Robust fine-tuning of zero-shot models", CVPR 2022), which
is how `gaussian` is made from `quality`'s white-noise weights and their fine-tune on the broader mix
(docs/training.md). `--preset` names the preset of the mean when the files come from different ones.

The mean of the `quality` weights at steps 17200 and 18200 was compared with step 18200 alone this way
(docs/design.md: averaging cycle endpoints does not help). Files with different configs are refused.
"""
from __future__ import annotations

import argparse
import json
import struct
from pathlib import Path

import torch

from export import export_safetensors, load_engine_weights


def average_models(paths: list[Path], ratios: list[float] | None = None):
    """The first file's model with every floating-point tensor replaced by the mean over all files, weighted
    by `ratios` (normalised; default equal)."""
    ratios = ratios or [1.0] * len(paths)
    if len(ratios) != len(paths) or min(ratios) < 0 or sum(ratios) <= 0:
        raise SystemExit(f"--ratios: give {len(paths)} non-negative weights, not all zero")
    weights = torch.tensor(ratios, dtype=torch.float64) / sum(ratios)
    models = [load_engine_weights(p) for p in paths]
    for path, model in zip(paths[1:], models[1:]):
        if model.cfg != models[0].cfg:
            raise SystemExit(f"{path}: its model config differs from {paths[0]}'s; only one config can be averaged")
    states = [m.state_dict() for m in models]
    def mean(tensors: list[torch.Tensor]) -> torch.Tensor:
        stacked = torch.stack([t.double() for t in tensors])  # (files, ...)
        return (stacked * weights.view(-1, *([1] * (stacked.dim() - 1)))).sum(0).to(tensors[0].dtype)
    mean = {k: (mean([s[k] for s in states]) if v.is_floating_point() else v) for k, v in states[0].items()}
    models[0].load_state_dict(mean)
    return models[0]


def metadata(path: Path) -> dict[str, str]:
    """The `__metadata__` of a safetensors file."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(size)).get("__metadata__", {})


def provenance(paths: list[Path], ratios: list[float] | None = None, preset: str | None = None) -> dict[str, str]:
    """Metadata of the mean: its preset (the one all files share, or `preset`; so export.py --bundle takes
    it), the files, their steps and weights."""
    metas = [metadata(p) for p in paths]
    extra = {"averaged_from": ", ".join(p.name for p in paths)}
    if ratios:
        extra["averaged_ratios"] = ", ".join(f"{r:g}" for r in ratios)
    presets = {m.get("preset") for m in metas}
    if preset is None and len(presets) == 1 and None not in presets:
        preset = presets.pop()
    if preset is not None:
        extra["preset"] = preset
        extra["train_step"] = "mean of " + " and ".join(
            f"{m.get('preset', '?')} {m.get('train_step', '?')}" for m in metas)
    return extra


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights", type=Path, nargs="+", help="two or more .safetensors files of one config")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--ratios", type=lambda s: [float(x) for x in s.split(",")],
                    help="relative weight of each file, comma-separated (default: equal)")
    ap.add_argument("--preset", help="preset the mean is for (default: the one every file holds)")
    args = ap.parse_args()
    if len(args.weights) < 2:
        raise SystemExit("give at least two weight files to average")
    model = average_models(args.weights, args.ratios)
    export_safetensors(model, args.out, provenance(args.weights, args.ratios, args.preset))


if __name__ == "__main__":
    main()
