#!/usr/bin/env bash
# Installs the system libraries the package links (Debian 12 / Ubuntu): libpng, libjpeg-turbo, libtiff,
# FFmpeg, libexif, OpenBLAS,
# and the Python packages of the tests.
set -euo pipefail
packages="libpng-dev zlib1g-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libexif-dev libjpeg62-turbo-dev libtiff-dev libopenblas-dev pkg-config"
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $packages
# The Python side of the tests (Scripts/test.sh: the training degradations) needs NumPy, SciPy and
# Pillow, pinned in Scripts/requirements-test.txt; where pip may not install (Debian's own python3),
# Debian's packages serve.
if ! python3 -c "import numpy, scipy, PIL" 2>/dev/null; then
    python3 -m pip install --quiet -r "$(dirname "$0")/requirements-test.txt" \
        || $sudo apt-get install -y -qq --no-install-recommends python3-numpy python3-scipy python3-pil
fi
