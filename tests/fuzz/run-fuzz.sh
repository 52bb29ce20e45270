#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run-fuzz.sh [SECONDS] -- builds the libFuzzer driver of the C API (preset fuzz:
# clang, ASan+UBSan, ownership ledger on, in build-fuzz/) and runs it for SECONDS
# (default 90, or $PMEM2_FUZZ_SECONDS) on a copy of the seed corpus. Fails on any
# crash, sanitizer report, invariant violation, leak or timeout, and keeps the
# failing input; prints the executions and coverage. Without clang's libFuzzer it
# prints SKIPPED and exits 0.
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-${PMEM2_FUZZ_SECONDS:-90}}
jobs=$(nproc)
[ "$jobs" -gt 2 ] && jobs=2

probe=$(mktemp -d /tmp/pmem2-fuzz-probe.XXXXXX)
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char *, unsigned long) { return 0; }\n' \
	>"$probe/probe.cpp"
if ! command -v clang++ >/dev/null 2>&1 ||
	! clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
	rm -rf "$probe"
	echo "fuzz: SKIPPED: clang++ with libFuzzer is not available (Debian: apt-get install clang libclang-rt-dev)"
	exit 0
fi
rm -rf "$probe"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs" --target pmem2_api_fuzzer
fuzzer=build-fuzz/tests/fuzz/pmem2_api_fuzzer

work=$(mktemp -d /tmp/pmem2-fuzz-run.XXXXXX)
mkdir "$work/corpus"
cp tests/fuzz/corpus/* "$work/corpus/"
echo "fuzz: $fuzzer for ${seconds}s on $(ls "$work/corpus" | wc -l) seeds (log: $work/log)"
set +e
"$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
rc=$?
set -e
# libFuzzer's last status line (executions, cov: edges, ft: features, corpus) and stats.
grep -E '^#[0-9]+' "$work/log" | tail -n 1 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/log" || true
if [ "$rc" -ne 0 ]; then
	tail -n 80 "$work/log"
	echo "fuzz: FAILED (exit $rc); inputs kept:"
	ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true
	exit 1
fi
echo "fuzz: passed ($(ls "$work/corpus" | wc -l) corpus files after the run)"
rm -rf "$work"
