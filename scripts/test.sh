#!/usr/bin/env bash
# Runs every test: Swift unit, fixture and CLI tests; then builds the real handbook and runs the
# originality check of content/ against the seeds and the browser tests (headless Chromium, pages opened from disk) against it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh test

swift build --build-tests
swift test --skip-build

# The real handbook, built by the same binary the CLI tests ran: self-check and exam editions.
.build/debug/handbook build --output site
.build/debug/handbook build --edition exam --output site-exam
/usr/bin/python3 -m pytest -q -p no:cacheprovider Tests/content Tests/browser
