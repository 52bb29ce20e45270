#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Compiles each public header as the only include of a translation unit, twice
# (include guard), in strict C and C++ modes with every warning an error.
# usage: check_header_standalone.sh <cc> <cxx> <include-dir> <header>...
set -euo pipefail
cc=$1 cxx=$2 inc=$3
shift 3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0 n=0
for h in "$@"; do
	[[ -f $inc/$h ]] || { echo "FAIL: $inc/$h missing"; exit 1; }
	printf '#include <%s>\n#include <%s>\nint pmem2_header_probe(void);\nint pmem2_header_probe(void) { struct pmem2_badblock bb = { 0, 0 }; return bb.length == 0 && PMEM2_GRANULARITY_PAGE != 0; }\n' "$h" "$h" >"$tmp/tu.c"
	cp "$tmp/tu.c" "$tmp/tu.cpp"
	for std in c99 c11 c17 gnu99; do
		n=$((n + 1))
		if ! "$cc" -std=$std -pedantic-errors -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Werror \
			-I"$inc" -c -o "$tmp/tu.o" "$tmp/tu.c" 2>"$tmp/err"; then
			echo "FAIL: $h as -std=$std:"; sed 's/^/    /' "$tmp/err"; status=1
		fi
	done
	for std in c++11 c++14 c++17 c++20; do
		n=$((n + 1))
		if ! "$cxx" -std=$std -pedantic-errors -Wall -Wextra -Wold-style-cast -Werror \
			-I"$inc" -c -o "$tmp/tu.o" "$tmp/tu.cpp" 2>"$tmp/err"; then
			echo "FAIL: $h as -std=$std:"; sed 's/^/    /' "$tmp/err"; status=1
		fi
	done
done
[[ $status == 0 ]] && echo "OK: $* compile standalone in $n language modes"
exit $status
