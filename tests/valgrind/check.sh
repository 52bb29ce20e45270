#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# check.sh PROGRAM SUPP -- runs PROGRAM under valgrind memcheck: no error, nothing
# lost, and, with the suppression file for libstdc++'s emergency pool, nothing
# still reachable either. Exit 77 (SKIPPED) without valgrind.
set -eu
prog=$1
supp=$2
command -v valgrind >/dev/null 2>&1 || { echo "SKIPPED: valgrind is not installed"; exit 77; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
valgrind --error-exitcode=3 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
	--suppressions="$supp" "$prog" "/tmp/pmem2-valgrind-$$" >"$log" 2>&1 || {
	cat "$log"
	echo "FAIL: valgrind reported errors or leaks"
	exit 1
}
grep -q "lifecycle done" "$log" || { cat "$log"; echo "FAIL: the program did not finish"; exit 1; }
if ! grep -q "All heap blocks were freed" "$log"; then
	for kind in "definitely lost" "indirectly lost" "possibly lost" "still reachable"; do
		grep -q "$kind: 0 bytes in 0 blocks" "$log" || { cat "$log"; echo "FAIL: $kind is not 0"; exit 1; }
	done
fi
# What the suppression hides: at most one pool per library, nothing else.
blocks=$(sed -n 's/.*suppressed: [0-9,]* bytes in \([0-9]*\) blocks.*/\1/p' "$log" | tail -1)
[ "${blocks:-0}" -le 2 ] || { cat "$log"; echo "FAIL: $blocks suppressed blocks (expected the 2 pools)"; exit 1; }
echo "valgrind: no errors, nothing lost or reachable but the libstdc++ emergency pools (${blocks:-0} blocks)"
grep -E "in use at exit|ERROR SUMMARY" "$log"
