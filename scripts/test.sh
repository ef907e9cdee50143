#!/usr/bin/env bash
# test.sh — on a fresh Debian 12 machine: the dependencies, a build with warnings as errors and one
# with AddressSanitizer and UndefinedBehaviorSanitizer, a throw-away PostgreSQL, and the test suite:
# the unit, loader, CLI and PostgreSQL tests under the sanitizers, then everything on the plain
# build. CTest's summary is the last thing it prints; the server is stopped however the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh
scripts/build.sh build -DRETORT_BUILD_TESTS=ON -DRETORT_WERROR=ON
scripts/build.sh build-asan -DRETORT_BUILD_TESTS=ON -DRETORT_WERROR=ON -DRETORT_SANITIZE=ON
eval "$(scripts/pg-start.sh)"
trap '"$root/scripts/pg-stop.sh" "$RETORT_TEST_PGTMP"' EXIT
# Under the sanitizers: everything but the install test and the Alembic comparison, which add
# nothing the sanitizers could see that the others do not.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$(nproc)" -E '^(sdk_consumer|alembic_differential)$')
cd build
ctest --output-on-failure -j "$(nproc)"
