#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# standin_nodes.sh OURLIB MAP INCLUDE_DIR CONSUMER_C WORKDIR
# Proves one libpmem2.so.1 serves both PMDK ABI generations. For each version
# node (LIBPMEM2_1.0 as PMDK 1.x, LIBPMEM2_2.0 as PMDK 2.x) it builds a stand-in
# libpmem2.so.1 exporting every name under only that node, links the consumer
# against it (so the program records name@NODE like one built against that PMDK),
# then runs the program on our library and checks, with the dynamic linker's own
# binding trace, that the symbols were bound in our file under that node.
set -euo pipefail
ours=$1 map=$2 inc=$3 consumer=$4 w=$5
ourdir=$(dirname "$(readlink -f "$ours")")
rm -rf "$w"; mkdir -p "$w"
names=$(sed -n '/^LIBPMEM2_2.0[[:space:]]*{/,/local:/p' "$map" | grep -oE '^[[:space:]]*pmem2_[a-z0-9_]+' | tr -d '[:blank:]' | tr '\n' ' ' || true)
n=$(wc -w <<<"$names")
((n >= 50)) || { echo "FAIL: only $n names read from $map"; exit 1; }

# 1. Our library: every name twice, same address, default version 2.0.
nm -D --defined-only --with-symbol-versions "$ours" >"$w/ours.nm"
for s in $names; do
	a1=$(awk -v s="$s@LIBPMEM2_1.0" '$3==s {print $1}' "$w/ours.nm")
	a2=$(awk -v s="$s@@LIBPMEM2_2.0" '$3==s {print $1}' "$w/ours.nm")
	[[ -n $a1 && $a1 == "$a2" ]] || { echo "FAIL: $s: @LIBPMEM2_1.0=[$a1] @@LIBPMEM2_2.0=[$a2]"; exit 1; }
done
echo "ok: $n functions exported as name@LIBPMEM2_1.0 and name@@LIBPMEM2_2.0 at one address"

status=0
for node in LIBPMEM2_1.0 LIBPMEM2_2.0; do
	d=$w/$node; mkdir -p "$d"
	{ for s in $names; do echo "void $s(void) {}"; done; } >"$d/stub.c"
	{ echo "$node { global:"; for s in $names; do echo "  $s;"; done; echo "local: *; };"; } >"$d/stub.map"
	cc -shared -fPIC -o "$d/libpmem2.so.1" "$d/stub.c" -Wl,-soname,libpmem2.so.1 -Wl,--version-script="$d/stub.map"
	ln -sf libpmem2.so.1 "$d/libpmem2.so"
	cc -o "$d/consumer" "$consumer" -I"$inc" -L"$d" -lpmem2 -ldl
	# The program asks for exactly this node.
	objdump -T "$d/consumer" | grep "$node.*pmem2_map_new" >/dev/null ||
		{ echo "FAIL: consumer linked against the $node stand-in does not reference pmem2_map_new@$node"; status=1; continue; }
	if ! LD_LIBRARY_PATH=$ourdir LD_DEBUG=bindings LD_DEBUG_OUTPUT=$d/bind \
		"$d/consumer" "$w" >"$d/out" 2>"$d/err"; then
		echo "FAIL: $node-linked consumer on our library:"; cat "$d/out" "$d/err"; status=1; continue
	fi
	grep -q '^consumer: OK' "$d/out" || { echo "FAIL: $node: no OK line"; status=1; continue; }
	bound=$(cat "$d"/bind.* | grep -c "to $ourdir/libpmem2.so.1 \[0\]: normal symbol \`pmem2_[a-z_]*' \[$node\]" || true)
	other=$(cat "$d"/bind.* | grep "symbol \`pmem2_" | grep -vc "to $ourdir/libpmem2.so.1 " || true)
	if ((bound < 10 || other != 0)); then
		echo "FAIL: $node: $bound pmem2_* bindings to our library under $node, $other elsewhere"; status=1; continue
	fi
	echo "ok: consumer linked against a $node stand-in ran on our library ($bound symbols bound @$node): $(cat "$d/out")"
done

# Control: the reference (PMDK 1.12, node LIBPMEM2_1.0 only) runs the 1.x program
# and refuses the 2.x one, so the stand-ins really model the two generations.
ref=/usr/lib/x86_64-linux-gnu/libpmem2.so.1
if [[ -f $ref ]] && ! nm -D --with-symbol-versions "$ref" | grep LIBPMEM2_2.0 >/dev/null; then
	env -u LD_LIBRARY_PATH "$w/LIBPMEM2_1.0/consumer" "$w" >/dev/null ||
		{ echo "FAIL: control: 1.x-linked consumer does not run on the reference"; status=1; }
	if env -u LD_LIBRARY_PATH "$w/LIBPMEM2_2.0/consumer" "$w" >/dev/null 2>"$w/ref2.err"; then
		echo "FAIL: control: 2.x-linked consumer ran on the 1.12 reference"; status=1
	else
		grep -q "LIBPMEM2_2.0' not found" "$w/ref2.err" && echo "ok: control: the reference runs the 1.x program and rejects the 2.x one ($(head -c 120 "$w/ref2.err"))"
	fi
else
	# Our half passed or failed above; the controls need the reference.
	echo "SKIPPED: the controls: reference libpmem2 1.12 not installed (apt package libpmem2, see tests/ecosystem/README.md)"
	[[ $status == 0 ]] && status=77
fi
exit $status
