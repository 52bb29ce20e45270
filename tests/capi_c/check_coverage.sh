#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks that the C program imports every function the library exports, so that
# "the whole API is exercised" cannot silently stop being true.
# usage: check_coverage.sh <program> <lib.so>
set -euo pipefail
prog=$1 lib=$2
used=$(nm -u "$prog" | awk '{print $2}' | sed 's/@.*//' | grep '^pmem2_' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u)
missing=$(comm -13 <(echo "$used") <(echo "$exported"))
if [[ -n $missing ]]; then
	echo "FAIL: exported but never called by $prog:"; echo "$missing" | sed 's/^/    /'; exit 1
fi
echo "OK: $prog calls all $(wc -l <<<"$exported") exported functions"
