#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer targets (build-fuzz, clang-14, RETORT_FUZZ=ON) and runs each
# for SECONDS (default 60) in turn from its committed seeds, printing runs, exec/s and whether it ran
# clean. An input that crashes, leaks, hangs (10 s) or trips UBSan is kept in
# tests/fuzz/crashes/<target>/ (not committed) with the command that reproduces it.
# FUZZERS="url target" picks some; JOBS sets the build's parallelism (default: every core).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build-fuzz
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B "$build" -G Ninja -DRETORT_FUZZ=ON -DRETORT_BUILD_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}"

if [[ -n ${FUZZERS:-} ]]; then
  read -r -a names <<<"$FUZZERS"
else
  names=()
  for f in tests/fuzz/fuzz_*.cpp; do names+=("$(basename "$f" .cpp | sed 's/^fuzz_//')"); done
fi

failed=0
printf '%-18s %12s %9s  %s\n' target runs exec/s result
for name in "${names[@]}"; do
  fuzzer=$build/bin/fuzz_$name
  artifacts=tests/fuzz/crashes/$name
  log=$(mktemp)
  before=$(ls "$artifacts" 2>/dev/null || true)
  if tests/fuzz/run.sh "$fuzzer" "$seconds" "$artifacts" >"$log" 2>&1; then result="clean for ${seconds}s"; else result=FAILED; fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-18s %12s %9s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "$result"
  if [[ $result == FAILED ]]; then
    failed=1
    mkdir -p "$artifacts"
    cp "$log" "$artifacts/$(date +%Y%m%d-%H%M%S).log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|    #[0-3] )' "$log" | head -8 | sed 's/^/    /'
    for f in $(ls "$artifacts"); do
      grep -qxF "$f" <<<"$before" && continue
      [[ $f == *.log ]] && continue
      echo "    new input: $artifacts/$f"
      echo "    reproduce: $fuzzer $artifacts/$f"
    done
  fi
  rm -f "$log"
done
exit "$failed"
