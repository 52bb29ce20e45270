#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks that the C program imports every function the library exports, so that
# "the whole API is exercised" cannot silently stop being true.
# Names given with --elsewhere are exercised by another suite (named in the caller).
# usage: check_coverage.sh <program> <lib.so> [--elsewhere NAME]...
set -euo pipefail
prog=$1 lib=$2
shift 2
elsewhere=()
while (($#)); do
	case $1 in
	--elsewhere) elsewhere+=("$2"); shift 2 ;;
	*) echo "bad argument $1"; exit 2 ;;
	esac
done
used=$(nm -u "$prog" | awk '{print $2}' | sed 's/@.*//' | grep '^pmem2_' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@.*//' |
	grep -vxF -f <(printf '%s\n' "${elsewhere[@]}" '') | sort -u)
missing=$(comm -13 <(echo "$used") <(echo "$exported"))
if [[ -n $missing ]]; then
	echo "FAIL: exported but never called by $prog:"; echo "$missing" | sed 's/^/    /'; exit 1
fi
echo "OK: $prog calls all $(wc -l <<<"$exported") exported functions"
