#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks every constant and layout fact of an ABI TSV (name TAB value, where name
# is a macro, an enumerator or a sizeof/offsetof expression) against a header:
# a C program is generated from the TSV, compiled against the header under test
# (a missing name is a compile error) and prints each value with its C type.
# The values must equal the TSV's. With --reference-include DIR the same program
# is also built against the reference header and the types must agree too
# (e.g. PMEM2_PROT_WRITE must stay unsigned).
# usage: check_constants.sh <cc> <tsv> <header-to-include> <include-dir> [--reference-include DIR]
set -euo pipefail
cc=$1 tsv=$2 header=$3 inc=$4
shift 4
refinc=
if [[ ${1:-} == --reference-include ]]; then refinc=$2; fi
[[ -f $tsv ]] || { echo "FAIL: $tsv not found"; exit 1; }
if [[ -n $refinc && ! -f $refinc/$header ]]; then
	echo "reference header $refinc/$header missing (apt-get install libpmem2-dev)"; echo SKIPPED; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

{
	cat <<HDR
#include <$header>
#include <stddef.h>
#include <stdio.h>
#define TYPE_OF(x) _Generic((x), int: "int", unsigned: "unsigned", long: "long", \\
	unsigned long: "unsigned long", long long: "long long", \\
	unsigned long long: "unsigned long long", default: "other")
#define SHOW(name, expr) do { \\
	if ((expr) < 0) printf("%s\t%lld\t%s\n", name, (long long)(expr), TYPE_OF(expr)); \\
	else printf("%s\t%llu\t%s\n", name, (unsigned long long)(expr), TYPE_OF(expr)); \\
} while (0)
int main(void)
{
HDR
	awk -F'\t' 'NF == 2 && $1 !~ /^#/ {
		name = $1; gsub(/"/, "\\\"", name)
		printf "\tSHOW(\"%s\", %s);\n", name, $1
	}' "$tsv"
	echo "	return 0;"
	echo "}"
} >"$tmp/constants.c"
n=$(grep -c 'SHOW("' "$tmp/constants.c" || true)
[[ $n -ge 10 ]] || { echo "FAIL: only $n entries generated from $tsv"; exit 1; }

build_and_run() { # <include-dir> <out>
	if ! "$cc" -std=c11 -Wall -Werror -I"$1" -o "$tmp/prog" "$tmp/constants.c" 2>"$tmp/cc.err"; then
		echo "FAIL: the generated program does not compile against $1/$header:"
		sed 's/^/    /' "$tmp/cc.err" | head -40
		exit 1
	fi
	"$tmp/prog" >"$2"
}
build_and_run "$inc" "$tmp/ours.out"

status=0
# Values: TSV vs ours.
awk -F'\t' 'NF == 2 && $1 !~ /^#/ {print $1 "\t" $2}' "$tsv" >"$tmp/expected"
cut -f1,2 "$tmp/ours.out" >"$tmp/actual"
if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
	echo "FAIL: values differ from $tsv ('-' expected, '+' ours):"
	grep '^[-+][^-+]' "$tmp/diff" | sed 's/^/    /'
	status=1
fi
# Reverse direction: every PMEM2_* macro our header defines must be a TSV fact.
"$cc" -std=c11 -dM -E -I"$inc" -x c - <<<"#include <$header>" |
	awk '$1 == "#define" {sub(/\(.*/, "", $2); print $2}' | grep -E '^PMEM2_' | sort >"$tmp/our.macros" || true
if extra=$(grep -vxF -f <(cut -f1 "$tmp/expected") "$tmp/our.macros"); then
	echo "FAIL: macros defined by $header but absent from $tsv:"; echo "$extra" | sed 's/^/    /'
	status=1
fi
if [[ -n $refinc ]]; then
	build_and_run "$refinc" "$tmp/ref.out"
	if ! diff -u "$tmp/ref.out" "$tmp/ours.out" >"$tmp/diff"; then
		echo "FAIL: values or C types differ from the reference header ('-' reference, '+' ours):"
		grep '^[-+][^-+]' "$tmp/diff" | sed 's/^/    /'
		status=1
	fi
fi
[[ $status == 0 ]] && echo "OK: $n constants/layout facts match${refinc:+ (values and types also match the reference header)}"
exit $status
