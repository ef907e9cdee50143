#!/usr/bin/env bash
# quickstart.sh — on a fresh Debian 12 machine: the dependencies, a build, and the example
# legal-documents project upgraded on SQLite, then `current` and `history`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -DRETORT_BUILD_TESTS=OFF
cd migrations
rm -f legal.db
set -x
../build/bin/retort upgrade head
../build/bin/retort current
../build/bin/retort history
