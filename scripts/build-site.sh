#!/usr/bin/env bash
# Builds the handbook from content/ into site/ with the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh build
swift build -c release --product handbook
.build/release/handbook build "$@"
