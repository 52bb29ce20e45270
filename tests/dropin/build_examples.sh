#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the libpmem2 examples shipped by Debian's libpmem2-dev twice: "ref"
# against the reference header and library, "ours" against our header and
# library. The sources are taken from the installed package at test time and
# compiled in the build tree; they are never part of this repository.
# PMEM2_REF_LIBDIR (or PMEM2_DROPIN_REF_LIBDIR), when set, is where the reference
# libpmem2.so to link "ref" against lies (an unpacked package: the autopkgtest,
# where ours is the installed one, and the cross builds).
# usage: build_examples.sh <cc> <examples-dir> <out-dir> <compat-include> <our-include> <our-lib-dir> <ref-include> <example>...
# Cross builds (tests/cross) set PMEM2_DROPIN_REF_LIBDIR (the target's reference
# library, unpacked from Debian's package); PMEM2_DROPIN_REF_ONLY=1 builds only "ref".
set -euo pipefail
ref_libdir=${PMEM2_DROPIN_REF_LIBDIR:-${PMEM2_REF_LIBDIR:-}}
ref_only=${PMEM2_DROPIN_REF_ONLY:-0}
cc=$1 exdir=$2 out=$3 compat=$4 ourinc=$5 ourlib=$6 refinc=$7
shift 7
if [[ ! -d $exdir || ! -f $refinc/libpmem2.h ]] || ! ldconfig -p | grep 'libpmem2.so.1 ' >/dev/null; then
	echo "FAIL: the reference PMDK libpmem2 is not installed (need $exdir, $refinc/libpmem2.h and libpmem2.so.1)."
	echo "      Install it with: apt-get install libpmem2-dev"
	exit 1
fi
[[ -n $ref_libdir && ! -f $ref_libdir/libpmem2.so ]] && { echo "FAIL: $ref_libdir/libpmem2.so missing"; exit 1; }
[[ $ref_only == 1 || -f $ourlib/libpmem2.so.1 ]] || { echo "FAIL: our library $ourlib/libpmem2.so.1 is not built"; exit 1; }
rm -rf "$out"; mkdir -p "$out/src" "$out/ref" "$out/ours"
flags=(-std=gnu99 -Wall -O1 -g -pthread -I"$compat")
status=0
for ex in "$@"; do
	src=$exdir/$ex/$ex.c
	[[ -f $src ]] || { echo "FAIL: $src missing from the libpmem2-dev package"; status=1; continue; }
	cp "$src" "$out/src/"
	if ! "$cc" "${flags[@]}" -I"$refinc" -MD -MF "$out/ref/$ex.d" -o "$out/ref/$ex" "$out/src/$ex.c" \
		${ref_libdir:+-L"$ref_libdir"} -lpmem2 2>"$out/ref/$ex.log"; then
		echo "FAIL: $ex does not build against the reference:"; cat "$out/ref/$ex.log"; status=1; continue
	fi
	if [[ $ref_only == 1 ]]; then echo "built $ex (ref)"; continue; fi
	if ! "$cc" "${flags[@]}" -I"$ourinc" -MD -MF "$out/ours/$ex.d" -o "$out/ours/$ex" "$out/src/$ex.c" \
		-L"$ourlib" -Wl,-rpath,"$ourlib" -lpmem2 2>"$out/ours/$ex.log"; then
		echo "FAIL: $ex does not build against our header and library:"; cat "$out/ours/$ex.log"; status=1; continue
	fi
	# Each build must have used the intended header.
	grep -q "$refinc/libpmem2/base.h" "$out/ref/$ex.d" || { echo "FAIL: ref/$ex did not include $refinc/libpmem2/base.h"; status=1; }
	grep -q "$ourinc/libpmem2/base.h" "$out/ours/$ex.d" || { echo "FAIL: ours/$ex did not include $ourinc/libpmem2/base.h"; status=1; }
	if grep -q "$refinc/libpmem2" "$out/ours/$ex.d"; then echo "FAIL: ours/$ex included a reference header"; status=1; fi
	echo "built $ex (ref and ours)"
done
exit $status
