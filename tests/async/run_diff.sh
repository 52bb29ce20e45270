#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# One differential case: with <mover> on a map of forced granularity <gran>,
# <ref-driver> (built against the reference header and library) runs on the
# reference library, and <driver> on ours (LD_LIBRARY_PATH). Both must succeed,
# produce the right data, and print the same transcript. <driver> is either the
# same binary (a PMDK 1.x program run on ours) or one built against our header
# and library (it binds LIBPMEM2_2.0 names, so it runs on ours only).
# usage: run_diff.sh <ref-driver> <driver> <mover> <gran> <our-lib.so> <ref-lib.so> <dir>
set -euo pipefail
refdriver=$1 driver=$2 mover=$3 gran=$4 ourlib=$5 reflib=$6 dir=$7
[[ -f $reflib ]] || { echo "FAIL: reference library $reflib missing (apt-get install libpmem2)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/ours" "$tmp/ref"
ln -s "$(readlink -f "$ourlib")" "$tmp/ours/libpmem2.so.1"
ln -s "$(readlink -f "$reflib")" "$tmp/ref/libpmem2.so.1"
for lib in ref ours; do
	prog=$driver
	[[ $lib == ref ]] && prog=$refdriver
	if ! PMEM2_FORCE_GRANULARITY=$gran LD_LIBRARY_PATH=$tmp/$lib timeout 120 \
		"$prog" "$mover" "$dir" >"$tmp/$lib.out" 2>"$tmp/$lib.err"; then
		echo "FAIL: $(basename "$prog") failed on the $lib library"; tail -n 5 "$tmp/$lib.out" "$tmp/$lib.err"; exit 1
	fi
done
# Each run must really have used the intended library.
want=$(case $gran in BYTE) echo 0 ;; CACHE_LINE) echo 1 ;; PAGE) echo 2 ;; esac)
grep -qx "granularity=$want" "$tmp/ours.out" || { echo "FAIL: ours did not map at $gran"; exit 1; }
if grep -q WRONG "$tmp/ref.out" "$tmp/ours.out"; then
	echo "FAIL: wrong data"; grep -m5 -B3 WRONG "$tmp/ref.out" "$tmp/ours.out"; exit 1
fi
grep -qx "end data=ok" "$tmp/ours.out" || { echo "FAIL: ours did not finish"; exit 1; }
if ! diff -u "$tmp/ref.out" "$tmp/ours.out" >"$tmp/diff"; then
	echo "FAIL: transcripts differ ('-' reference, '+' ours):"; head -40 "$tmp/diff"; exit 1
fi
cases=$(grep -cE '^(overlap shift=[-0-9]+ )?(memcpy|memmove|memset) ' "$tmp/ours.out" || true)
echo "OK: $(basename "$driver") $mover $gran: $(wc -l <"$tmp/ours.out") transcript lines equal, $cases single-future cases"
