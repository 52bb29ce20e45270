#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks that a library exports exactly the expected functions and nothing else
# (no C++/std symbols, no data). Every function must exist under each of the
# given version nodes: the last node is the default one (name@@NODE, what new
# links bind to), the others are non-default aliases (name@NODE, what programs
# linked against older generations bind to). Each node's own absolute symbol
# must be there too, and no other node. A name given with --first-node-only is
# expected once, as the default version of the first node (name@@FIRST) and in no
# other node: the functions a later generation removed. The symbols facts file
# holds "name TAB node" lines; every fact's node must be one of the nodes given.
# With --reference, a missing library is SKIPPED (exit 77), not a failure.
# usage: check_symbols.sh [--reference] <lib.so> <symbols-facts> <node>[,<node>...] [--drop NAME]... [--add NAME]...
#        [--first-node-only NAME]...
set -euo pipefail
optional=0
if [[ $1 == --reference ]]; then optional=1; shift; fi
lib=$1 spec=$2
IFS=, read -r -a nodes <<<"$3"
node=${nodes[-1]}
shift 3
if [[ ! -f $lib ]]; then
	echo "library $lib not found (the reference comes with apt-get install libpmem2)"
	((optional)) && { echo SKIPPED; exit 77; }
	echo FAIL; exit 1
fi
[[ -f $spec ]] || { echo "FAIL: symbols facts $spec not found"; exit 1; }
drop=() add=() first=()
while (($#)); do
	case $1 in
	--drop) drop+=("$2"); shift 2 ;;
	--add) add+=("$2"); shift 2 ;;
	--first-node-only) first+=("$2"); shift 2 ;;
	*) echo "bad argument $1"; exit 2 ;;
	esac
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Expected: the spec minus the dropped names plus the added ones.
grep -v '^#' "$spec" | awk 'NF' >"$tmp/facts"
while read -r name fact_node; do
	[[ " ${nodes[*]} " == *" $fact_node "* ]] ||
		{ echo "FAIL: $spec gives $name node '$fact_node', not one of ${nodes[*]}"; exit 1; }
done <"$tmp/facts"
{
	cut -f1 "$tmp/facts"
	printf '%s\n' "${add[@]}"
} | grep -vxF -f <(printf '%s\n' "${drop[@]}" "${first[@]}" '') | sort -u >"$tmp/expected.funcs"
for d in "${drop[@]}" "${first[@]}"; do
	cut -f1 "$tmp/facts" | grep -qx "$d" || { echo "FAIL: test setup: $d is not in $spec"; exit 1; }
done
[[ $(wc -l <"$tmp/expected.funcs") -ge 10 ]] || { echo "FAIL: expected list suspiciously short"; exit 1; }

nm -D --defined-only --with-symbol-versions "$lib" >"$tmp/nm.out"
# Canonical form: "TYPE name@NODE" / "TYPE name@@NODE"; a node symbol is "A NODE"
# (newer binutils print it as NODE@@NODE).
awk '{ sym = $3; if ($2 == "A") sub(/@@.*/, "", sym); print $2, sym }' "$tmp/nm.out" | sort >"$tmp/actual.all"
{
	for n in "${nodes[@]}"; do
		echo "A $n"
		if [[ $n == "$node" ]]; then sed "s/^/T /; s/\$/@@$n/" "$tmp/expected.funcs"
		else sed "s/^/T /; s/\$/@$n/" "$tmp/expected.funcs"; fi
	done
	for f in "${first[@]}"; do echo "T $f@@${nodes[0]}"; done
} | sort >"$tmp/expected.all"

status=0
if ! diff -u "$tmp/expected.all" "$tmp/actual.all" >"$tmp/diff"; then
	echo "FAIL: exported symbols of $lib differ from the expected list"
	echo "  lines with '-' are missing (or wrong type/version), lines with '+' are extra:"
	grep '^[-+][^-+]' "$tmp/diff" | sed 's/^/    /'
	status=1
fi
# Belt and braces: no C++ mangled names or std/gnu internals, whatever the list says.
if grep -E ' (_Z|__cxa|__gxx|_ITM|__gcc)' "$tmp/nm.out"; then
	echo "FAIL: C++/runtime symbols exported"
	status=1
fi
n=$(wc -l <"$tmp/expected.funcs")
[[ $status == 0 ]] && echo "OK: $lib exports exactly $n functions, each under ${nodes[*]} (default $node)"
exit $status
