"""PyTorch CPU eager timing of exported weight files, for denoise-bench's Swift-vs-PyTorch ratio.

    python3 Scripts/bench_torch.py W.safetensors [...] --batch 8 --tile 128 --threads 2

Prints one JSON object per file: {"weights", "seconds_per_batch", "batch", "tile", "threads"}.
Timing: one warm-up batch, then the median of --repeat batches, under torch.inference_mode().
"""
import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from export import load_engine_weights


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weights", nargs="+", type=Path)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--tile", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for path in args.weights:
        model = load_engine_weights(path)
        x = torch.rand(args.batch, 4, args.tile, args.tile)
        times = []
        with torch.inference_mode():
            model(x)
            for _ in range(args.repeat):
                t = time.perf_counter()
                model(x)
                times.append(time.perf_counter() - t)
        print(json.dumps({"weights": str(path), "seconds_per_batch": statistics.median(times), "batch": args.batch,
                          "tile": args.tile, "threads": args.threads}), flush=True)


if __name__ == "__main__":
    main()
