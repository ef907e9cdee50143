#!/usr/bin/env bash
# build.sh [BUILD_DIR] [CMAKE_ARGS…] — configure (Ninja, ccache) and build.
set -euo pipefail
cd "$(dirname "$0")/.."
# Relative paths, and no working directory in the hash (-g would add it): a fresh clone elsewhere
# hits the same cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
build=${1:-build}
shift || true
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
