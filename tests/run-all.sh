#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run-all.sh -- the whole test suite: installs what is missing, builds and runs
# every test (release build), the unit tests under ASan+UBSan, the threaded
# tests under TSan, the qemu DAX suite when its setup is available, and the cross
# builds for aarch64, ppc64le and riscv64 under qemu-user (tests/cross/run-cross.sh).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)
sh tests/install-deps.sh test
if [ -x tests/dax/setup.sh ]; then
	tests/dax/setup.sh
fi

echo "=== release build: every test"
cmake --preset default -DPMEM2_BUILD_TESTS=ON -DPMEM2_BUILD_BENCH=ON >/dev/null
cmake --build --preset default -j"$jobs"
ctest --preset default -j"$jobs"

echo "=== AddressSanitizer + UBSan: unit tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs" --target pmem2-tests-unit
ctest --preset asan -j"$jobs"

echo "=== ThreadSanitizer: threaded tests"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j"$jobs" --target pmem2-tests-tsan
ctest --preset tsan -j"$jobs" --no-tests=ignore

echo "=== cross builds under qemu-user: aarch64, ppc64le (64 KiB pages), riscv64"
sh tests/cross/run-cross.sh

echo "=== libFuzzer: the C API driver (bounded run; SKIPPED without clang's libFuzzer)"
sh tests/fuzz/run-fuzz.sh "${PMEM2_FUZZ_SECONDS:-90}"
