#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer and AddressSanitizer.
#   Scripts/fuzz.sh [SECONDS] [HARNESS...]     # default: 60 s each for every harness
# C harnesses over the codec layer (Tests/Fuzz/fuzz_<name>.c, clang -fsanitize=fuzzer,address): png
# (libpng decoder), still (JPEG/TIFF/BMP through FFmpeg), metadata (libexif, EXIF in TIFF directories,
# ICC profiles and PNG text through libjpeg-turbo, libpng and libtiff). Swift harnesses
# (Tests/Fuzz/Swift, swift build --sanitize=fuzzer): weights (the safetensors loader and the model built
# from the file's config) and mat (the MATLAB .mat reader). Each starts from its seed corpus in
# Tests/Fuzz/corpus/<name> (new inputs go to a scratch copy, the committed seeds stay as they are). A
# crash is saved as Tests/Fuzz/crashes/<name>-crash-<hash>: turn it into a regression test, then commit
# it to the seed corpus. Exits non-zero when any harness found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-60}"; shift || true
HARNESSES=("$@"); [ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(png still metadata weights mat)
BUILD=.build/fuzz
mkdir -p "$BUILD" Tests/Fuzz/crashes
SOURCES=(Sources/CCodecs/png.c Sources/CCodecs/ff_still.c Sources/CCodecs/ff_probe.c Sources/CCodecs/ff_video.c
         Sources/CCodecs/ffmpeg.c Sources/CCodecs/metadata.c Sources/CCodecs/jpeg.c Sources/CCodecs/tiff.c
         Sources/CCodecs/exif_tiff.c)
LIBS=(-lpng16 -lavformat -lavcodec -lavutil -lswscale -lexif -ljpeg -ltiff)
status=0
swift_binary=""
for name in "${HARNESSES[@]}"; do
    case "$name" in
    weights|mat)
        if [ -z "$swift_binary" ]; then  # one build serves both Swift harnesses
            swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING \
                --product denoise-fuzz --build-path "$BUILD/swift" > "$BUILD/fuzz_swift.build.log" 2>&1 \
                || { cat "$BUILD/fuzz_swift.build.log" >&2; exit 2; }
            swift_binary="$BUILD/swift/release/denoise-fuzz"
        fi
        binary="$swift_binary"
        # Swift's own crash reporter would read the crashed process's memory under ASan: leave it to libFuzzer.
        export DENOISE_FUZZ_HARNESS="$name" SWIFT_BACKTRACE=enable=no ;;
    *)
        binary="$BUILD/fuzz_$name"
        clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address -ISources/CCodecs/include -ITests/Fuzz \
            "Tests/Fuzz/fuzz_$name.c" "${SOURCES[@]}" "${LIBS[@]}" -o "$binary" 2> "$BUILD/fuzz_$name.build.log" \
            || { cat "$BUILD/fuzz_$name.build.log" >&2; exit 2; } ;;
    esac
    scratch="$BUILD/corpus-$name"
    mkdir -p "$scratch"
    echo "== $name: ${SECONDS_EACH} s" >&2
    if ! "$binary" "$scratch" "Tests/Fuzz/corpus/$name" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
            -artifact_prefix="Tests/Fuzz/crashes/$name-" -print_final_stats=1 2> "$BUILD/fuzz_$name.log"; then
        status=1
        echo "$name: crash found (Tests/Fuzz/crashes/)" >&2
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$BUILD/fuzz_$name.log" | sed "s/^/$name /" >&2 || true
done
exit $status
