#!/usr/bin/env bash
# test.sh — on a fresh Debian 12 machine: the dependencies, a build with warnings as errors, and the
# whole test suite through CTest. CTest's summary is the last thing it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build -DRETORT_BUILD_TESTS=ON -DRETORT_WERROR=ON
cd build
ctest --output-on-failure -j "$(nproc)"
