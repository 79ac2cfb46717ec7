"""Export a SkipatDenoiser to the safetensors weight format the Swift engine loads (DESIGN.md section 4).

    python3 Scripts/export.py Scripts/training/quality.resume.pt out.safetensors

Tensor names are the PyTorch module names, unchanged. Layouts are rewritten here, once, for the
channel-last engine (the Swift loader maps names and shapes 1:1 and never transposes):
  Linear           (out, in)              unchanged: used as x @ W^T
  Conv2d           (out, in, kh, kw)   -> (out, kh, kw, in)   rows match a channel-last im2col patch
  depthwise Conv2d (C, 1, kh, kw)      -> (kh, kw, C)         vectorises along channels
  ConvTranspose2d  (in, out, kh, kw)   -> (in, kh, kw, out)   one GEMM gives every sub-pixel
  ECA Conv1d       (1, 1, k)           -> (k,)
`__metadata__` holds the format name and version and the model config as JSON, so the Swift side
builds the model from the file alone.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch
import torch.nn as nn
from safetensors.torch import save_file

from skipat_model import FORMAT_NAME, FORMAT_VERSION, PRESETS, SkipatConfig, SkipatDenoiser


def engine_layout(model: nn.Module) -> dict[str, torch.Tensor]:
    """State dict with every convolution weight in the engine's channel-last layout (see above)."""
    tensors = {k: v.detach().float() for k, v in model.state_dict().items()}
    for name, m in model.named_modules():
        key = f"{name}.weight"
        if isinstance(m, nn.Conv2d) and m.groups > 1:
            tensors[key] = tensors[key][:, 0].permute(1, 2, 0)
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            tensors[key] = tensors[key].permute(0, 2, 3, 1)
        elif isinstance(m, nn.Conv1d):
            tensors[key] = tensors[key].reshape(-1)
    return {k: v.contiguous() for k, v in tensors.items()}


def export_safetensors(model: SkipatDenoiser, path: Path, extra: dict[str, str] | None = None) -> None:
    tensors = engine_layout(model)
    metadata = {"format": FORMAT_NAME, "format_version": str(FORMAT_VERSION), "config": model.cfg.to_json()}
    metadata.update(extra or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata=metadata)
    os.replace(tmp, path)


def load_engine_weights(path: Path) -> SkipatDenoiser:
    """Inverse of export_safetensors: a PyTorch model from an engine-layout weight file."""
    from safetensors import safe_open
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
        if meta.get("format") != FORMAT_NAME or meta.get("format_version") != str(FORMAT_VERSION):
            raise ValueError(f"{path}: not a {FORMAT_NAME} v{FORMAT_VERSION} file")
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    model = SkipatDenoiser(SkipatConfig.from_json(meta["config"]))
    for name, m in model.named_modules():
        key = f"{name}.weight"
        if isinstance(m, nn.Conv2d) and m.groups > 1:
            tensors[key] = tensors[key].permute(2, 0, 1).unsqueeze(1)
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            tensors[key] = tensors[key].permute(0, 3, 1, 2)
        elif isinstance(m, nn.Conv1d):
            tensors[key] = tensors[key].reshape(1, 1, -1)
    model.load_state_dict({k: v.contiguous() for k, v in tensors.items()})
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("resume", type=Path, help="a <preset>.resume.pt written by train.py")
    ap.add_argument("out", type=Path)
    ap.add_argument("--raw", action="store_true", help="export the raw weights instead of the EMA")
    args = ap.parse_args()
    preset = args.resume.name.split(".")[0]
    state = torch.load(args.resume, map_location="cpu")
    model = SkipatDenoiser(PRESETS[preset])
    model.load_state_dict({k: v.float() for k, v in state["model" if args.raw else "ema"].items()})
    export_safetensors(model, args.out, {"preset": preset, "train_step": str(state["step"])})


if __name__ == "__main__":
    main()
