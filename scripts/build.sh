#!/usr/bin/env bash
# build.sh [BUILD_DIR] [CMAKE_ARGS…] — configure (Ninja, ccache) and build.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"  # relative paths: a fresh clone hits the same cache
build=${1:-build}
shift || true
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
