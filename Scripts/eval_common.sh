# Shared by eval_gaussian.sh, eval_sidd.sh, eval_davis.sh (sourced, not run).
# Builds denoise-eval in release mode and parses the options every script takes:
#   --out DIR      results folder (default: results/)          --model NAME|FILE  (default: quality)
#   --save         also save every denoised output under OUT/images/<result name>/ (16-bit PNG)
#   --scratch DIR  SwiftPM scratch path (default: .build)       -- ARGS            passed to denoise-eval as is
# Anything else is a dataset path (positional).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAL="${VAL:-$ROOT/../shared/data/val}"
OUT="results"
MODEL="quality"
SAVE=0
SCRATCH=".build"
PASS=()
POSITIONAL=()

parse_common() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --out) OUT="$2"; shift 2 ;;
            --model) MODEL="$2"; shift 2 ;;
            --save) SAVE=1; shift ;;
            --scratch) SCRATCH="$2"; shift 2 ;;
            --sigma) SIGMA="$2"; shift 2 ;;
            --frames) FRAMES="$2"; shift 2 ;;
            --) shift; PASS=("$@"); break ;;
            -h|--help) sed -n '2,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
            *) POSITIONAL+=("$1"); shift ;;
        esac
    done
}

build_tool() {
    (cd "$ROOT" && swift build -c release --product denoise-eval --scratch-path "$SCRATCH" >&2)
    TOOL="$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/denoise-eval"
    mkdir -p "$OUT"
}

# run_eval NAME SUBCOMMAND ARGS...: one result as OUT/NAME.json and OUT/NAME.md.
run_eval() {
    local name="$1"; shift
    local save=()
    if [ "$SAVE" = 1 ]; then save=(--save-dir "$OUT/images/$name"); fi
    echo "== $name" >&2
    "$TOOL" "$@" --model "$MODEL" --json "$OUT/$name.json" --markdown "$OUT/$name.md" "${save[@]}" "${PASS[@]}"
}

# A file-name-safe model label: the preset name, or a weight file's name without extension.
model_label() { basename "$MODEL" .safetensors; }
