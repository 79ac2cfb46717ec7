#!/usr/bin/env bash
# The project's tests: the Swift package (release build, as shipped) and the Python training
# degradations (NumPy, SciPy and Pillow; no PyTorch). Run from anywhere:  bash Scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift test -c release -Xswiftc -enable-testing
python3 -m unittest discover -s Scripts/tests -v
