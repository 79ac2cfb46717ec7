#!/usr/bin/env bash
# Installs the system libraries the package links (Debian 12 / Ubuntu): libpng, FFmpeg, OpenBLAS.
set -euo pipefail
packages="libpng-dev zlib1g-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libopenblas-dev pkg-config"
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $packages
