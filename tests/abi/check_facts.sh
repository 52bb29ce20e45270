#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks that the committed libpmem2 facts are exactly what facts/generate.sh
# derives from the installed reference (SKIPPED, exit 77, when it is missing).
# usage: check_facts.sh <cc> <cxx> <facts-dir> <reference-include-dir> <reference-library>
set -euo pipefail
cc=$1 cxx=$2 facts=$3 inc=$4 lib=$5
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rc=0
CC=$cc CXX=$cxx bash "$facts/generate.sh" "$tmp" "$inc" "$lib" || rc=$?
if [[ $rc == 77 ]]; then echo SKIPPED; exit 77; fi
[[ $rc == 0 ]] || { echo "FAIL: generate.sh failed"; exit 1; }
status=0
for f in libpmem2.symbols libpmem2.constants libpmem2.prototypes; do
	diff -u "$facts/$f" "$tmp/$f" || { echo "FAIL: $f differs from the reference ('-' committed, '+' reference)"; status=1; }
done
[[ $status == 0 ]] && echo "OK: the committed libpmem2 facts are the installed reference's"
exit $status
