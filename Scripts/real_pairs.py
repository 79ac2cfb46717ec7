"""Real camera-noise pairs under ../shared/data: (noisy path, clean path) lists.

Training uses only train/real-sidd; the SIDD validation blocks are measured, never trained on.
"""
from __future__ import annotations

from pathlib import Path


def sidd_training_pairs(data: Path) -> list[tuple[Path, Path]]:
    """The 32 SIDD training pairs of train/real-sidd (256x256, 512x512 and full-frame sample crops)."""
    sidd = data / "train" / "real-sidd"
    pairs = [(f, f.parent.parent / "groundtruth" / f.name)
             for f in sorted((sidd / "train_patches256_MIRNet" / "input").glob("*.png"))]
    pairs += [(f, f.parent.parent / "GT_Images" / f.name.replace("NOISY", "GT"))
              for f in sorted((sidd / "samples_yilmazdoga" / "Noisy_Images").glob("*.png"))]
    pairs += [(f, f.parent.parent / "GT" / f.name)
              for f in sorted((sidd / "train_patches512_InvDN" / "Noisy").glob("*"))]
    return pairs


def sidd_validation_pairs(data: Path) -> list[tuple[Path, Path]]:
    """The 11 SIDD validation blocks of val/SIDD/val_blocks_MIRNet (256x256)."""
    return [(f, f.parent.parent / "groundtruth" / f.name)
            for f in sorted((data / "val" / "SIDD" / "val_blocks_MIRNet" / "input").glob("*.png"))]


def polyu_pairs(data: Path) -> list[tuple[Path, Path]]:
    """PolyU real-noise pairs (val/PolyU, 512x512 JPEG): *_real.JPG noisy, *_mean.JPG clean."""
    return [(f, f.with_name(f.name.replace("_real", "_mean"))) for f in sorted((data / "val" / "PolyU").glob("*_real.JPG"))]
