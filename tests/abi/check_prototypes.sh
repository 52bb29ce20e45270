#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks that every exported function has the same type in our header as in the
# reference (PMDK) header, and so do the public function-pointer typedefs and the
# sizes of the public enums and structs. The same C++ translation unit is
# compiled once against each header; it records typeid(decltype(&f)).name() (the
# Itanium mangling of the full prototype: return type, every parameter type,
# const-ness of pointees, variadic-ness) and a third file compares the two tables.
# usage: check_prototypes.sh <cxx> <our-include-dir> <reference-include-dir> <functions-file> [--drop NAME]... [--add NAME]...
set -euo pipefail
cxx=$1 inc=$2 refinc=$3 funcs=$4
shift 4
[[ -f $refinc/libpmem2/base.h ]] || { echo "FAIL: reference header $refinc/libpmem2/base.h missing: install libpmem2-dev (apt-get install libpmem2-dev)"; exit 1; }
[[ -f $funcs ]] || { echo "FAIL: $funcs not found"; exit 1; }
drop=() add=()
while (($#)); do
	case $1 in
	--drop) drop+=("$2"); shift 2 ;;
	--add) add+=("$2"); shift 2 ;;
	*) echo "bad argument $1"; exit 2 ;;
	esac
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

{ grep -v '^[[:space:]]*$' "$funcs"; printf '%s\n' "${add[@]}"; } |
	grep -vxF -f <(printf '%s\n' "${drop[@]}" '') | sort -u | sed 's/.*/F(&)/' >"$tmp/list.inc"
for t in pmem2_persist_fn pmem2_flush_fn pmem2_drain_fn pmem2_memmove_fn pmem2_memcpy_fn pmem2_memset_fn; do
	echo "T($t)"
done >>"$tmp/list.inc"
for t in 'enum pmem2_granularity' 'enum pmem2_sharing_type' 'struct pmem2_badblock'; do
	echo "S($t)"
done >>"$tmp/list.inc"

cat >"$tmp/table.cpp" <<'CPP'
#include <libpmem2.h>
#include <string>
#include <typeinfo>
struct entry { const char *name; std::string type; };
#define F(f) { #f, typeid(decltype(&f)).name() },
#define T(t) { #t, typeid(t).name() },
#define S(t) { "sizeof(" #t ")", std::to_string(sizeof(t)) },
extern const entry TABLE[] = {
#include "list.inc"
	{ nullptr, {} }
};
CPP
cat >"$tmp/main.cpp" <<'CPP'
#include <cstdio>
#include <cstring>
#include <string>
struct entry { const char *name; std::string type; };
extern const entry ours[], reference[];
int main()
{
	int bad = 0, n = 0;
	for (; ours[n].name && reference[n].name; ++n) {
		if (std::strcmp(ours[n].name, reference[n].name) != 0 || ours[n].type != reference[n].type) {
			std::printf("MISMATCH %s: ours %s, reference %s\n", ours[n].name,
				ours[n].type.c_str(), reference[n].type.c_str());
			++bad;
		}
	}
	if (ours[n].name || reference[n].name) {
		std::printf("table length differs\n");
		++bad;
	}
	std::printf("%d entries compared, %d mismatches\n", n, bad);
	return bad != 0 || n == 0;
}
CPP
compile() { # <include-dir> <table-name> <object>
	if ! "$cxx" -std=c++17 -Wall -Werror -I"$tmp" -I"$1" -DTABLE="$2" -MD -MF "$3.d" -c -o "$3" "$tmp/table.cpp" 2>"$tmp/err"; then
		echo "FAIL: the prototype table does not compile against $1:"; sed 's/^/    /' "$tmp/err" | head -40; exit 1
	fi
	# The header actually used must be the one asked for.
	grep -q "$1/libpmem2/base.h" "$3.d" || { echo "FAIL: $2 table did not use $1/libpmem2/base.h"; exit 1; }
}
compile "$inc" ours "$tmp/ours.o"
compile "$refinc" reference "$tmp/ref.o"
"$cxx" -std=c++17 -o "$tmp/compare" "$tmp/main.cpp" "$tmp/ours.o" "$tmp/ref.o"
"$tmp/compare"
