#!/usr/bin/env bash
# run.sh FUZZER SECONDS ARTIFACT_DIR [LIBFUZZER_ARGS…] — one bounded run of one fuzzer, as CTest and
# scripts/fuzz.sh do it: a fresh temporary directory is the corpus it writes to, the committed seeds
# in corpus/<name>/ are only read, a crash, leak, timeout (-timeout=10) or UBSan report fails it and
# the input that did it lands in ARTIFACT_DIR.
set -euo pipefail
fuzzer=$1 seconds=$2 artifacts=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$fuzzer")
name=${name#fuzz_}
seeds=$here/corpus/$name
[[ -d $seeds ]] || { echo "run.sh: no seed corpus $seeds" >&2; exit 2; }
dict=()
[[ -f $here/dict/$name.dict ]] && dict=(-dict="$here/dict/$name.dict")
# Leak detection is ASan's default under libFuzzer; UBSan stops at its first report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
work=$(mktemp -d "${TMPDIR:-/tmp}/retort-fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "${dict[@]}" "$@" "$work" "$seeds"
