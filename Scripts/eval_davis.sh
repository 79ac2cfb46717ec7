#!/usr/bin/env bash
# Video benchmark: seeded AWGN on every frame of DAVIS sequences; per-frame PSNR / SSIM averaged per
# sequence, then over sequences; frames per second.
#   Scripts/eval_davis.sh [--out DIR] [--model NAME|FILE] [--sigma 10,30,50] [--frames N] [--save] [--scratch DIR] [ROOT] [-- denoise-eval args]
# Default ROOT: ../shared/data/val/DAVIS (<seq>/00000.jpg ... or JPEGImages/480p/<seq>/...).
# Writes OUT/davis-<root name>-<model>.{json,md}.
source "$(dirname "$0")/eval_common.sh"
SIGMA="10,30,50"
FRAMES=""
parse_common "$@"
if [ ${#POSITIONAL[@]} -eq 0 ]; then POSITIONAL=("$VAL/DAVIS"); fi
build_tool
frames=()
if [ -n "$FRAMES" ]; then frames=(--frames "$FRAMES"); fi
for root in "${POSITIONAL[@]}"; do
    run_eval "davis-$(basename "$root")-$(model_label)" davis --root "$root" --sigma "$SIGMA" "${frames[@]}"
done
