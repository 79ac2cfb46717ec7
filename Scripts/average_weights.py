"""Average engine-layout weight files of one model config (e.g. the annealed ends of two training cycles).

    python3 Scripts/average_weights.py a.safetensors b.safetensors --out mean.safetensors
    .build/release/denoise-eval gaussian --dataset FRAMES_DIR --model mean.safetensors --threads 1

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


def average_models(paths: list[Path]):
    """The first file's model with every floating-point tensor replaced by the mean over all files."""
    models = [load_engine_weights(p) for p in paths]
    for path, model in zip(paths[1:], models[1:]):
        if model.cfg != models[0].cfg:
            raise SystemExit(f"{path}: its model config differs from {paths[0]}'s; only one config can be averaged")
    states = [m.state_dict() for m in models]
    mean = {k: (torch.stack([s[k] for s in states]).mean(0) if v.is_floating_point() else v)
            for k, v in states[0].items()}
    models[0].load_state_dict(mean)
    return models[0]


def metadata(path: Path) -> dict[str, str]:
    """The `__metadata__` of a safetensors file."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(size)).get("__metadata__", {})


def provenance(paths: list[Path]) -> dict[str, str]:
    """Metadata of the mean: the preset all files share (so export.py --bundle takes it) and their steps."""
    metas = [metadata(p) for p in paths]
    extra = {"averaged_from": ", ".join(p.name for p in paths)}
    presets = {m.get("preset") for m in metas}
    if len(presets) == 1 and None not in presets:
        extra["preset"] = presets.pop()
        extra["train_step"] = "mean of " + " and ".join(m.get("train_step", "?") for m in metas)
    return extra


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights", type=Path, nargs="+", help="two or more .safetensors files of one config")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if len(args.weights) < 2:
        raise SystemExit("give at least two weight files to average")
    model = average_models(args.weights)
    export_safetensors(model, args.out, provenance(args.weights))


if __name__ == "__main__":
    main()
