"""Export a SkipatDenoiser to the safetensors weight format the Swift engine loads (docs/design.md).

    python3 Scripts/export.py Scripts/training/quality.resume.pt out.safetensors
    python3 Scripts/export.py Scripts/training/quality.best.safetensors --bundle quality
    python3 Scripts/export.py --from-image quality --bundle video

The third form makes a temporal preset from its image preset's bundled weights, untrained
(skipat_model.temporal_from_image: the centre frame's input slice takes the image weights, the
neighbours' slices are zero), so the model is the image network on the aligned, prefiltered window.

The second form is the only way bundled weights change: it names the checkpoint (a resume file or a
candidate weight file written by train.py) and the preset whose file under
Sources/DenoiseModels/Weights it replaces.

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
import shutil
from pathlib import Path

import torch
import torch.nn as nn
from safetensors.torch import save_file

from skipat_model import FORMAT_NAME, FORMAT_VERSION, PRESETS, SkipatConfig, SkipatDenoiser, temporal_from_image


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


BUNDLED = Path(__file__).resolve().parent.parent / "Sources" / "DenoiseModels" / "Weights"


def load_checkpoint(path: Path, raw: bool) -> tuple[SkipatDenoiser, dict[str, str]]:
    """A model and its metadata from a train.py resume file (EMA weights unless `raw`) or a weight file."""
    if path.suffix == ".safetensors":
        from safetensors import safe_open
        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata())
        return load_engine_weights(path), meta
    preset = path.name.split(".")[0]
    state = torch.load(path, map_location="cpu")
    model = SkipatDenoiser(PRESETS[preset])
    model.load_state_dict({k: v.float() for k, v in state["model" if raw else "ema"].items()})
    return model, {"preset": preset, "train_step": str(state["step"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path, nargs="?", help="a <preset>.resume.pt or a candidate .safetensors from train.py")
    ap.add_argument("--from-image", metavar="PRESET", help="instead of a checkpoint: the temporal preset made from this "
                    "image preset's bundled weights, untrained")
    ap.add_argument("out", type=Path, nargs="?", help="output weight file (or --bundle)")
    ap.add_argument("--bundle", metavar="PRESET", help="replace the bundled weights of PRESET")
    ap.add_argument("--raw", action="store_true", help="from a resume file, the raw weights instead of the EMA")
    args = ap.parse_args()
    if (args.out is None) == (args.bundle is None):
        ap.error("give either an output file or --bundle PRESET")
    if (args.checkpoint is None) == (args.from_image is None):
        ap.error("give a checkpoint or --from-image PRESET")
    if args.from_image is not None:
        if args.bundle not in PRESETS or PRESETS[args.bundle].frames == 1:
            ap.error("--from-image needs --bundle with a temporal preset")
        if args.from_image not in PRESETS or PRESETS[args.from_image].frames != 1:
            ap.error(f"--from-image {args.from_image}: not an image preset")
        torch.manual_seed(0)  # the fusion branch's initialisation (its output conv starts at 1e-5): reproducible
        model = SkipatDenoiser(PRESETS[args.bundle])
        temporal_from_image(model, load_engine_weights(BUNDLED / f"{args.from_image}.safetensors"))
        export_safetensors(model, BUNDLED / f"{args.bundle}.safetensors",
                           {"preset": args.bundle, "train_step": "0", "made_from": args.from_image})
        print(f"{BUNDLED / args.bundle}.safetensors: preset {args.bundle} from {args.from_image}'s weights, untrained")
        return
    model, meta = load_checkpoint(args.checkpoint, args.raw)
    if args.bundle is not None:
        if args.bundle not in PRESETS or meta.get("preset") != args.bundle:
            ap.error(f"{args.checkpoint} holds preset {meta.get('preset')!r}, not {args.bundle!r}")
        if model.cfg != PRESETS[args.bundle]:
            ap.error(f"{args.checkpoint}: its config differs from preset {args.bundle}'s")
    out = args.out or BUNDLED / f"{args.bundle}.safetensors"
    extra = {k: v for k, v in meta.items() if k not in ("format", "format_version", "config")}
    if args.checkpoint.suffix == ".safetensors":
        # Already in the engine's format and checked above: copied byte for byte, so the bundled file is
        # the very file that was evaluated (same sha256).
        tmp = out.with_name(out.name + ".tmp")
        shutil.copyfile(args.checkpoint, tmp)
        os.replace(tmp, out)
    else:
        export_safetensors(model, out, extra)
    print(f"{out}: preset {extra.get('preset')}, step {extra.get('train_step')}")


if __name__ == "__main__":
    main()
