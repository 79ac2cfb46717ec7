#!/usr/bin/env bash
# An evaluation sweep on Slurm: every preset x dataset as a job array of shards (`denoise-eval
# --shard K/N`), then one merge job per result that starts when its shards succeeded
# (--dependency=afterok). Run from the repository root:
#   Scripts/cluster/eval-sweep.sh                 # submits, prints the merge jobs' ids
# Edit these lines:
PRESETS="${PRESETS:-quality fast}"
DATASETS="${DATASETS:-../shared/data/val/CBSD68 ../shared/data/val/CQ12}"
SIGMAS="${SIGMAS:-15,25,50}"
SHARDS="${SHARDS:-4}"
OUT="${OUT:-results/sweep}"
EVAL="${EVAL:-.build/release/denoise-eval}"
CPUS="${CPUS:-2}"
set -euo pipefail
mkdir -p "$OUT"
for preset in $PRESETS; do
    for dataset in $DATASETS; do
        name="gaussian-$(basename "$dataset")-$preset"
        shards=$(sbatch --parsable --job-name="$name" --array="0-$((SHARDS - 1))" --cpus-per-task="$CPUS" \
            --output="$OUT/$name-%a.log" --wrap="$EVAL gaussian --dataset '$dataset' --sigma $SIGMAS --model $preset \
--threads $CPUS --shard \$SLURM_ARRAY_TASK_ID/$SHARDS --json \"$OUT/$name.shard\$SLURM_ARRAY_TASK_ID.json\"")
        parts=$(for k in $(seq 0 $((SHARDS - 1))); do printf "'%s' " "$OUT/$name.shard$k.json"; done)
        sbatch --parsable --job-name="$name-merge" --dependency="afterok:$shards" --output="$OUT/$name-merge.log" \
            --wrap="$EVAL merge $parts --json '$OUT/$name.json' --markdown '$OUT/$name.md'"
    done
done
