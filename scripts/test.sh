#!/usr/bin/env bash
# test.sh — on a fresh Debian 12 machine: the dependencies, a build with warnings as errors, a
# throw-away PostgreSQL, and the whole test suite through CTest. CTest's summary is the last thing it
# prints; the server is stopped however the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -DRETORT_BUILD_TESTS=ON -DRETORT_WERROR=ON
root=$PWD
eval "$(scripts/pg-start.sh)"
trap '"$root/scripts/pg-stop.sh" "$RETORT_TEST_PGTMP"' EXIT
cd build
ctest --output-on-failure -j "$(nproc)"
