#!/usr/bin/env bash
# Peak memory (maximum resident set, /usr/bin/time) and wall time of `denoise` on large and hostile
# inputs: a benchmark, not a test. Each row runs one process; BASELINE=path/to/older/denoise adds its
# numbers beside the current build's, measured in the same run.
#   Scripts/bench_memory.sh                        # 6000x4000 PNG with quality and fast, 100 MP PNG with fast,
#                                                  # the same as JPEG with fast, a lying header
#   Scripts/bench_memory.sh --full                 # also 100 MP with quality (several minutes on 2 cores)
#   BASELINE=/tmp/denoise-old Scripts/bench_memory.sh
# Inputs are made here (numpy, Pillow): a sample photo scaled up with AWGN sigma 25, 8-bit RGB, as PNG
# (streamed row by row) and JPEG quality 92 (decoded whole, denoised in place); outputs in the same format.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product denoise >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import struct, sys, zlib
from pathlib import Path
import numpy as np
from PIL import Image
out = Path(sys.argv[1])
rng = np.random.default_rng(0)
base = Image.open("Samples/astronaut-clean.png").convert("RGB")
for name, (w, h) in {"24mp": (6000, 4000), "100mp": (10000, 10000)}.items():
    clean = np.asarray(base.resize((w, h), Image.BICUBIC), np.float32)
    for y in range(0, h, 1000):  # noise in strips keeps this script's own memory small
        part = clean[y:y + 1000]
        clean[y:y + 1000] = np.clip(np.round(part + rng.normal(0, 25, part.shape).astype(np.float32)), 0, 255)
    picture = Image.fromarray(clean.astype(np.uint8))
    picture.save(out / f"{name}.png", compress_level=1)
    picture.save(out / f"{name}.jpg", quality=92)
# A header claiming 15000x15000 RGB with no image data after it.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
(out / "lying.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 15000, 15000, 8, 2, 0, 0, 0))
                                + chunk(b"IEND", b""))
PY
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "CPU: $cpu, $(nproc) cores; denoise --threads 2"
echo "| input | preset | build | peak RSS (MB) | wall (s) | exit |"
echo "|---|---|---|---|---|---|"
measure() {  # label preset binary input
    local status=0
    /usr/bin/time -f "%M %e" -o "$tmp/time" "$3" "$4" "$tmp/out.${4##*.}" --model "$2" --threads 2 --quiet --force \
        > /dev/null 2> "$tmp/stderr" || status=$?
    read -r kb seconds < <(tail -1 "$tmp/time")
    echo "| $1 | $2 | $5 | $((kb / 1024)) | $seconds | $status |"
}
rows=("24mp.png quality" "24mp.png fast" "100mp.png fast" "24mp.jpg fast" "100mp.jpg fast" "lying.png fast")
[ "${1:-}" = --full ] && rows+=("100mp.png quality")
for row in "${rows[@]}"; do
    read -r input preset <<< "$row"
    case "$input" in
    lying.png) label="PNG header 15000x15000, no data" ;;
    *) label="${input%%.*} noisy $(echo "${input##*.}" | tr a-z A-Z)" ;;
    esac
    if [ -n "${BASELINE:-}" ]; then measure "$label" "$preset" "$BASELINE" "$tmp/$input" baseline; fi
    measure "$label" "$preset" .build/release/denoise "$tmp/$input" current
done
