#!/usr/bin/env bash
# Synthetic AWGN benchmarks: PSNR / SSIM / throughput of denoise-eval on clean image folders.
#   Scripts/eval_gaussian.sh [--out DIR] [--model NAME|FILE] [--sigma 15,25,50] [--save] [--scratch DIR] [DATASET_DIR ...] [-- denoise-eval args]
# Default datasets: CBSD68 and Set12 from ../shared/data/val. Writes OUT/gaussian-<dataset>-<model>.{json,md}.
# Example: Scripts/eval_gaussian.sh --model fast -- --shard 0/4 --threads 2
source "$(dirname "$0")/eval_common.sh"
SIGMA="15,25,50"
parse_common "$@"
if [ ${#POSITIONAL[@]} -eq 0 ]; then POSITIONAL=("$VAL/CBSD68" "$VAL/Set12"); fi
build_tool
for dataset in "${POSITIONAL[@]}"; do
    run_eval "gaussian-$(basename "$dataset")-$(model_label)" gaussian --dataset "$dataset" --sigma "$SIGMA"
done
