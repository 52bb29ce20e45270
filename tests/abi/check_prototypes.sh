#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks the types a libpmem2 header gives the public functions, the public
# function-pointer typedefs and the sizes of the public enums and structs
# against the prototype facts (facts/libpmem2.prototypes: name TAB Itanium
# mangling, written from the reference header). A C++ program built against
# the header prints typeid(decltype(&f)).name() for every function, which
# encodes the whole prototype: return type, every parameter type, const-ness
# of pointees, variadic-ness. With a symbols facts file, the facts' functions
# must also be exactly the exported set (the list adjusted with --drop/--add).
# With --reference, a missing header is SKIPPED (exit 77), not a failure.
# usage: check_prototypes.sh [--reference] <cxx> <include-dir> <prototypes-facts> [<symbols-facts> [--drop NAME]... [--add NAME]...]
set -euo pipefail
optional=0
if [[ $1 == --reference ]]; then optional=1; shift; fi
cxx=$1 inc=$2 facts=$3
symbols=${4:-}
shift 3; (($#)) && shift
if [[ ! -f $inc/libpmem2/base.h ]]; then
	echo "header $inc/libpmem2/base.h missing (the reference comes with apt-get install libpmem2-dev)"
	((optional)) && { echo SKIPPED; exit 77; }
	echo FAIL; exit 1
fi
[[ -f $facts ]] || { echo "FAIL: $facts not found"; exit 1; }
drop=() add=()
while (($#)); do
	case $1 in
	--drop) drop+=("$2"); shift 2 ;;
	--add) add+=("$2"); shift 2 ;;
	*) echo "bad argument $1"; exit 2 ;;
	esac
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0

grep -v '^#' "$facts" | grep -v '^[[:space:]]*$' >"$tmp/expected"
[[ $(wc -l <"$tmp/expected") -ge 20 ]] || { echo "FAIL: $facts suspiciously short"; exit 1; }
cut -f1 "$tmp/expected" | awk '
	/^sizeof\(/ { sub(/^sizeof\(/, ""); sub(/\)$/, ""); print "S(" $0 ")"; next }
	/^typedef / { print "T(" $2 ")"; next }
	{ print "F(" $0 ")" }' >"$tmp/list.inc"

if [[ -n $symbols ]]; then
	{ grep -v '^#' "$symbols" | awk 'NF { print $1 }'; printf '%s\n' "${add[@]}"; } |
		grep -vxF -f <(printf '%s\n' "${drop[@]}" '') | sort -u >"$tmp/exported"
	grep '^F(' "$tmp/list.inc" | sed 's/^F(//; s/)$//' | sort >"$tmp/declared"
	if ! diff -u "$tmp/exported" "$tmp/declared" >"$tmp/diff"; then
		echo "FAIL: the prototype facts do not cover exactly the exported functions ('-' exported only, '+' facts only):"
		grep '^[-+][^-+]' "$tmp/diff" | sed 's/^/    /'
		status=1
	fi
fi

cat >"$tmp/table.cpp" <<'CPP'
#include <libpmem2.h>
#include <cstdio>
#include <typeinfo>
#define F(f) std::printf("%s\t%s\n", #f, typeid(decltype(&f)).name());
#define T(t) std::printf("typedef %s\t%s\n", #t, typeid(t).name());
#define S(t) std::printf("sizeof(%s)\t%zu\n", #t, sizeof(t));
int main()
{
#include "list.inc"
}
CPP
if ! "$cxx" -std=c++17 -Wall -Werror -I"$tmp" -I"$inc" -MD -MF "$tmp/table.d" -o "$tmp/table" "$tmp/table.cpp" 2>"$tmp/err"; then
	echo "FAIL: the prototype table does not compile against $inc (a name the facts list is missing):"
	sed 's/^/    /' "$tmp/err" | head -40
	exit 1
fi
# The header actually used must be the one asked for.
grep -q "$inc/libpmem2/base.h" "$tmp/table.d" || { echo "FAIL: the table did not use $inc/libpmem2/base.h"; exit 1; }
"$tmp/table" >"$tmp/actual"
if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
	echo "FAIL: types in $inc differ from $facts ('-' facts, '+' header):"
	grep '^[-+][^-+]' "$tmp/diff" | sed 's/^/    /'
	status=1
fi
[[ $status == 0 ]] && echo "OK: $(wc -l <"$tmp/expected") prototypes, typedefs and sizes of $inc match $facts"
exit $status
