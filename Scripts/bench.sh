#!/usr/bin/env bash
# Benchmarks (not tests): every ratio is measured within one run on this machine.
#   Scripts/bench.sh            # engine (Swift vs PyTorch, SKIPAT vs baseline, GFLOP/s), then pipeline
#   Scripts/bench.sh engine     # engine part only
# Needs python3 with torch for the PyTorch side and for the random Uformer-T-size memory check.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product denoise-bench >/dev/null
bench=.build/release/denoise-bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== engine: bundled presets, batch of 8 tiles of 128x128, 2 threads"
$bench engine --models quality,quality-baseline,fast --batch 8 --threads 2 --repeats 3

echo "== engine: Uformer-T size (C=16, L=4, depth 2, 8x8 windows), random weights, memory for 8 tiles"
python3 - "$tmp" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "Scripts")
import torch
from export import export_safetensors
from skipat_model import SkipatConfig, SkipatDenoiser
torch.manual_seed(0)
for name, phi in (("uformer-t-skipat", [1]), ("uformer-t-baseline", [])):
    cfg = SkipatConfig(width=16, levels=4, depth=2, window=8, phi_blocks=phi)
    export_safetensors(SkipatDenoiser(cfg), Path(sys.argv[1]) / f"{name}.safetensors", {"preset": name})
PY
for variant in skipat baseline; do  # alone, so the peak RSS is one model's
    $bench engine --models "$tmp/uformer-t-$variant.safetensors" --batch 8 --threads 2 --repeats 2 --no-pytorch
done
$bench engine --models "$tmp/uformer-t-skipat.safetensors,$tmp/uformer-t-baseline.safetensors" --batch 8 --threads 2 --repeats 3 --no-pytorch

[ "${1:-all}" = engine ] && exit 0
echo "== pipeline: 6000x4000 image (beside FFDNet in PyTorch) and 854x480 video frames, one process per preset (peak RSS per preset)"
$bench pipeline --models quality,quality-baseline,fast --ffdnet
