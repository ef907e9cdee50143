#!/usr/bin/env bash
# test.sh — on a fresh Debian 12 machine: the dependencies, a build with warnings as errors and one
# with AddressSanitizer and UndefinedBehaviorSanitizer, a throw-away PostgreSQL and MariaDB, and the test suite:
# the unit, loader, CLI, PostgreSQL and MariaDB tests under the sanitizers, each libFuzzer target for 20 s
# (clang), then everything on the plain build. CTest's summary is the last thing it prints; the
# servers are stopped however the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh
scripts/build.sh build -DRETORT_BUILD_TESTS=ON -DRETORT_WERROR=ON
scripts/build.sh build-asan -DRETORT_BUILD_TESTS=ON -DRETORT_WERROR=ON -DRETORT_SANITIZE=ON
# The servers are stopped however the run ends, each once it was started.
stop_servers() {
  [ -n "${RETORT_TEST_PGTMP:-}" ] && "$root/scripts/pg-stop.sh" "$RETORT_TEST_PGTMP"
  [ -n "${RETORT_TEST_MYTMP:-}" ] && "$root/scripts/mariadb-stop.sh" "$RETORT_TEST_MYTMP"
  return 0
}
trap stop_servers EXIT
eval "$(scripts/pg-start.sh)"
eval "$(scripts/mariadb-start.sh)"
# Under the sanitizers: everything but the tests of an install (the SDK consumer, the embedding
# example, the Debian package), the completion scripts and the Alembic and splitter comparisons,
# which add nothing the sanitizers could see that the others do not (the API runs under them in
# unit_tests).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$(nproc)" \
    -E '^(sdk_consumer|embed|package|completion|alembic_differential|alembic_import|splitter_differential)$')
# The libFuzzer targets (clang; ASan and UBSan): 20 s each from the committed seeds, failing on a
# crash, leak, hang or UBSan report (tests/fuzz, docs/fuzzing.md).
scripts/build.sh build-fuzz -DRETORT_FUZZ=ON -DRETORT_BUILD_TESTS=OFF -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
(cd build-fuzz && ctest --output-on-failure -j "$(nproc)" -L fuzz)
cd build
ctest --output-on-failure -j "$(nproc)"
