#!/usr/bin/env bash
# A long video on Slurm: a job array of time segments (`denoise-video --segment K/N`), then one join job
# (`denoise-video --join`) that starts when every segment succeeded (--dependency=afterok) and copies
# the parts into one file with the audio, subtitles and timestamps of one run. Run from the repository
# root; prints the join job's id:
#   Scripts/cluster/denoise-video.sh
# Edit these lines (or set them in the environment):
INPUT="${INPUT:-clip.mp4}"                 # the video
OUTPUT="${OUTPUT:-clip.denoised.mp4}"      # the joined result (container from its extension)
SEGMENTS="${SEGMENTS:-8}"                  # array tasks; each decodes a few context frames beyond its part
PARTS="${PARTS:-${OUTPUT%.*}.parts}"       # a fresh folder for the segment files (same container as OUTPUT;
                                           # .mkv parts if some stream is silent for a whole segment)
DENOISE_VIDEO="${DENOISE_VIDEO:-.build/release/denoise-video}"
MODEL_ARGS="${MODEL_ARGS:-}"               # e.g. "--model video-fast --codec ffv1"; empty: the defaults
CPUS="${CPUS:-2}"
MEMORY="${MEMORY:-2G}"
set -euo pipefail
mkdir -p "$PARTS"
name="${OUTPUT##*/}"
ext="${name##*.}"
quoted() { printf '%q' "$1"; }  # a path as one shell word inside --wrap
segments=$(sbatch --parsable --job-name=denoise-video --array="0-$((SEGMENTS - 1))" --cpus-per-task="$CPUS" \
    --mem="$MEMORY" --output="$PARTS/segment-%a.log" \
    --wrap="$(quoted "$DENOISE_VIDEO") $(quoted "$INPUT") --segment \$SLURM_ARRAY_TASK_ID/$SEGMENTS \
-o $(quoted "$PARTS")/part-\$SLURM_ARRAY_TASK_ID.$ext --threads $CPUS --quiet --force $MODEL_ARGS")
parts=$(for k in $(seq 0 $((SEGMENTS - 1))); do printf '%q ' "$PARTS/part-$k.$ext"; done)
sbatch --parsable --job-name=denoise-video-join --dependency="afterok:$segments" --output="$PARTS/join.log" \
    --wrap="$(quoted "$DENOISE_VIDEO") --join $parts -o $(quoted "$OUTPUT") --force"
