#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# generate.sh OUT_DIR [REFERENCE_INCLUDE_DIR] [REFERENCE_LIBRARY]
# Derives the libpmem2 ABI facts of this folder from the installed reference
# (Debian's libpmem2 and libpmem2-dev, PMDK 1.12.1): only names, version
# nodes, numbers and type manglings, nothing of the reference's text.
#   libpmem2.symbols     "name<TAB>version-node" per exported function (nm -D)
#   libpmem2.constants   "name<TAB>value" per PMEM2_* macro, per enumerator,
#                        and sizeof/offsetof of struct pmem2_badblock
#   libpmem2.prototypes  "name<TAB>Itanium mangling of the type" per declared
#                        function, per public function-pointer typedef, and
#                        the sizes of the public enums and structs
# The test abi_facts_match_reference runs it into a temporary folder and
# compares with the committed files; run it into this folder to refresh them.
# (libpmemset was never packaged: its facts are written from its specification.)
set -euo pipefail
out=$1 inc=${2:-/usr/include} lib=${3:-/usr/lib/x86_64-linux-gnu/libpmem2.so.1}
cc=${CC:-cc} cxx=${CXX:-c++}
[[ -f $inc/libpmem2.h && -f $lib ]] || { echo "generate.sh: reference $inc/libpmem2.h or $lib missing"; exit 77; }
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

{
	echo "# Functions the reference libpmem2.so.1 exports, with their version node."
	echo "# Written by generate.sh from the installed reference; name TAB node."
	nm -D --defined-only --with-symbol-versions "$lib" |
		awk '$2 == "T" { split($3, p, "@+"); print p[1] "\t" p[2] }' | sort
} >"$out/libpmem2.symbols"

# Constants: every object-like PMEM2_* macro, every PMEM2_* enumerator (the
# only upper-case PMEM2_ identifiers left after preprocessing), the layout of
# struct pmem2_badblock. Values printed by a program built against the header.
echo '#include <libpmem2.h>' | "$cc" -dM -E -I"$inc" -x c - |
	awk '$1 == "#define" && $2 ~ /^PMEM2_/ && $2 !~ /\(/ { print $2 }' | sort >"$tmp/macros"
echo '#include <libpmem2.h>' | "$cc" -E -I"$inc" -x c - |
	grep -o '\bPMEM2_[A-Z0-9_]*' | sort -u >"$tmp/enums"
{
	cat "$tmp/macros" "$tmp/enums"
	echo 'sizeof(struct pmem2_badblock)'
	echo 'offsetof(struct pmem2_badblock, offset)'
	echo 'offsetof(struct pmem2_badblock, length)'
} >"$tmp/names"
{
	echo '#include <libpmem2.h>'
	echo '#include <stddef.h>'
	echo '#include <stdio.h>'
	echo 'int main(void) {'
	while read -r n; do
		printf '\tif ((%s) < 0) printf("%%s\\t%%lld\\n", "%s", (long long)(%s));\n' "$n" "$n" "$n"
		printf '\telse printf("%%s\\t%%llu\\n", "%s", (unsigned long long)(%s));\n' "$n" "$n"
	done <"$tmp/names"
	echo '	return 0; }'
} >"$tmp/constants.c"
"$cc" -std=c11 -w -I"$inc" -o "$tmp/constants" "$tmp/constants.c"
{
	echo "# Values of the reference libpmem2.h: every PMEM2_* macro and enumerator,"
	echo "# and the layout of struct pmem2_badblock (x86-64 LP64)."
	echo "# Written by generate.sh from the installed reference; name TAB value."
	"$tmp/constants"
} >"$out/libpmem2.constants"

# Prototypes: the functions the reference header declares (upper-case-free
# pmem2_* identifiers followed by "(" in the preprocessed header).
echo '#include <libpmem2.h>' | "$cc" -E -I"$inc" -x c - | tr -s ' \t\n' ' ' |
	grep -oE '\bpmem2_[a-z0-9_]+ ?\(' | tr -d ' (' | sort -u >"$tmp/functions"
{
	sed 's/.*/F(&)/' "$tmp/functions"
	for t in pmem2_persist_fn pmem2_flush_fn pmem2_drain_fn pmem2_memmove_fn pmem2_memcpy_fn pmem2_memset_fn; do
		echo "T($t)"
	done
	for t in 'enum pmem2_granularity' 'enum pmem2_sharing_type' 'struct pmem2_badblock'; do
		echo "S($t)"
	done
} >"$tmp/list.inc"
cat >"$tmp/table.cpp" <<'CPP'
#include <libpmem2.h>
#include <cstdio>
#include <string>
#include <typeinfo>
#define F(f) std::printf("%s\t%s\n", #f, typeid(decltype(&f)).name());
#define T(t) std::printf("typedef %s\t%s\n", #t, typeid(t).name());
#define S(t) std::printf("sizeof(%s)\t%zu\n", #t, sizeof(t));
int main()
{
#include "list.inc"
}
CPP
"$cxx" -std=c++17 -w -I"$tmp" -I"$inc" -o "$tmp/table" "$tmp/table.cpp"
{
	echo "# Types of the reference libpmem2.h as Itanium manglings (return type,"
	echo "# parameter types, const-ness, variadic-ness): declared functions,"
	echo "# function-pointer typedefs, and sizes of the public enums and structs."
	echo "# Written by generate.sh from the installed reference; name TAB type."
	"$tmp/table"
} >"$out/libpmem2.prototypes"
echo "generate.sh: wrote $(grep -vc '^#' "$out/libpmem2.symbols") symbols, $(grep -vc '^#' "$out/libpmem2.constants") constants, $(grep -vc '^#' "$out/libpmem2.prototypes") prototypes to $out"
