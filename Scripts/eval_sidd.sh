#!/usr/bin/env bash
# Real-noise benchmarks (SIDD sRGB validation blocks, PolyU), blind: PSNR / SSIM / throughput of denoise-eval.
#   Scripts/eval_sidd.sh [--out DIR] [--model NAME|FILE] [--save] [--scratch DIR] [DIR | NOISY.mat GT.mat ...] [-- denoise-eval args]
# A folder holds input/ + groundtruth/ pairs (or PolyU's NAME_real / NAME_mean files); .mat files come
# in (noisy, clean) pairs, e.g. ValidationNoisyBlocksSrgb.mat ValidationGtBlocksSrgb.mat. Default: the
# MIRNet png blocks, the DANet .mat pair and PolyU from ../shared/data/val. Writes OUT/sidd-<name>-<model>.{json,md}.
source "$(dirname "$0")/eval_common.sh"
parse_common "$@"
if [ ${#POSITIONAL[@]} -eq 0 ]; then
    POSITIONAL=("$VAL/SIDD/val_blocks_MIRNet" "$VAL/SIDD/val_block_DANet/noisy.mat" "$VAL/SIDD/val_block_DANet/gt.mat" "$VAL/PolyU")
fi
build_tool
i=0
while [ $i -lt ${#POSITIONAL[@]} ]; do
    path="${POSITIONAL[$i]}"
    if [[ "$path" == *.mat ]]; then
        gt="${POSITIONAL[$((i + 1))]:-}"
        if [[ "$gt" != *.mat ]]; then echo "$path: give the clean .mat right after the noisy one" >&2; exit 2; fi
        run_eval "sidd-$(basename "$(dirname "$path")")-mat-$(model_label)" sidd --noisy "$path" --gt "$gt"
        i=$((i + 2))
    else
        run_eval "sidd-$(basename "$path")-$(model_label)" sidd --dir "$path"
        i=$((i + 1))
    fi
done
