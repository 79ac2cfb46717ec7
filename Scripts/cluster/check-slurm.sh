#!/usr/bin/env bash
# End-to-end check of the Slurm scripts on a one-node cluster (local-slurm.sh): a photo folder as a job
# array, a video as time segments then a join that waits for them, and an evaluation sweep (shards, then
# a merge that waits for them), each compared with a single run on this machine. Needs root (it starts munged, slurmctld and slurmd). Run from anywhere:
#   sudo Scripts/cluster/check-slurm.sh        # prints one line per check, exits non-zero on a mismatch
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product denoise --product denoise-video --product denoise-eval > /dev/null 2>&1 || swift build -c release > /dev/null
Scripts/cluster/local-slurm.sh start > /dev/null
export SLURM_CONF="${SLURM_LOCAL:-/tmp/slurm-local}/slurm.conf"
work=$(mktemp -d)
trap 'Scripts/cluster/local-slurm.sh stop; rm -rf "$work"' EXIT
mkdir -p "$work/photos" "$work/clean"
cp Samples/*-noisy*.png "$work/photos/"
cp Samples/*-clean.png "$work/clean/"
model=(--model fast)

wait_for() {  # job ids...
    for _ in $(seq 600); do
        squeue -h -j "$(IFS=,; echo "$*")" 2> /dev/null | grep -q . || return 0
        sleep 1
    done
    echo "jobs $* did not finish in 10 minutes" >&2
    return 1
}
status=0
report() {  # every job of this cluster, one line per job and array task (kept by slurmctld for MinJobAge)
    scontrol -o show job | sed -E 's/.*JobId=([0-9]+) (ArrayJobId=[0-9]+ ArrayTaskId=([0-9]+) )?JobName=([^ ]+).*JobState=([A-Z]+).*RunTime=([0-9:-]+).*/  job \1 \4 task \3: \5, \6/' | sort -n -k2
}

# 1. Photos: 3 array tasks against one run.
job=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --mem=1G --output="$work/photos-%a.log" \
    --export=ALL,INPUT="$work/photos",OUTPUT="$work/array",MODEL_ARGS="${model[*]} --sigma 20" \
    Scripts/cluster/denoise-photos.sbatch)
wait_for "$job"
.build/release/denoise "$work/photos" --output-dir "$work/single" "${model[@]}" --sigma 20 --threads 1 --quiet
if diff -r "$work/array" "$work/single" > /dev/null && [ "$(ls "$work/array" | wc -l)" -eq "$(ls "$work/photos" | wc -l)" ]; then
    echo "photos: 3 array tasks wrote the $(ls "$work/array" | wc -l) outputs of one run, byte for byte"
else
    echo "photos: array outputs differ from one run" >&2; status=1
fi

# 2. Video: 3 segments then a join (dependency), lossless, against one run.
video=(--model video-fast --sigma 20 --codec ffv1 --threads 1)
join=$(INPUT=Samples/noisy-clip.mp4 OUTPUT="$work/video/joined.mkv" SEGMENTS=3 CPUS=1 MODEL_ARGS="${video[*]}" \
    Scripts/cluster/denoise-video.sh)
wait_for "$join"
.build/release/denoise-video Samples/noisy-clip.mp4 -o "$work/video/single.mkv" "${video[@]}" --quiet
frames() { ffmpeg -v error -i "$1" -map 0 -c:a copy -f framemd5 - | grep -v '^#'; }  # every packet's time, size and hash
if [ -f "$work/video/joined.mkv" ] && [ "$(frames "$work/video/joined.mkv")" = "$(frames "$work/video/single.mkv")" ]; then
    echo "video: 3 segments joined after their dependency: $(frames "$work/video/single.mkv" | grep -c '^0,') frames and" \
        "$(frames "$work/video/single.mkv" | grep -c '^1,') audio packets, times and decoded frames identical to one run"
else
    echo "video: joined segments missing or different from one run" >&2; status=1
fi

# 3. Evaluation sweep: shards then merge (dependency), against one run.
merge=$(PRESETS=fast DATASETS="$work/clean" SIGMAS=25 SHARDS=3 OUT="$work/sweep" CPUS=1 Scripts/cluster/eval-sweep.sh)
wait_for $merge
.build/release/denoise-eval gaussian --dataset "$work/clean" --sigma 25 --model fast --threads 1 --json "$work/single.json" > /dev/null
means() {  # per sigma: mean PSNR and SSIM, and every item's PSNR (speed differs by machine load)
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps([[run["sigma"], round(run["psnr"], 6), round(run["ssim"], 6),
                   sorted(round(i["psnr"], 6) for i in run["items"])] for run in r["runs"]]))' "$1"
}
if [ -f "$work/sweep/gaussian-clean-fast.json" ] && [ "$(means "$work/sweep/gaussian-clean-fast.json")" = "$(means "$work/single.json")" ]; then
    echo "eval sweep: 3 shards merged after their dependency give the single run's means: $(means "$work/single.json")"
else
    echo "eval sweep: merged result missing or different from one run" >&2; status=1
fi
echo "jobs:"
report
exit $status
