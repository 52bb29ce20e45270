#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# man_check.sh MAN_DIR VERSION_SCRIPT...
# Every rendered page must format with `groff -ww -man -z` and `man --warnings -l`
# without a single diagnostic, and every name exported by the given version
# scripts must have a section 3 page.
set -euo pipefail
dir=$1; shift
for t in groff man; do
	command -v $t >/dev/null || { echo "FAIL: $t missing (apt-get install groff-base man-db)"; exit 1; }
done
shopt -s nullglob
pages=("$dir"/*.[137])
((${#pages[@]} > 0)) || { echo "FAIL: no pages in $dir (python3 missing at configure time? see tests/ecosystem/README.md)"; exit 1; }
status=0
for p in "${pages[@]}"; do
	out=$(groff -ww -man -z "$p" 2>&1)
	[[ -z $out ]] || { echo "FAIL: groff -ww $p: $out"; status=1; }
	out=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	[[ -z $out ]] || { echo "FAIL: man --warnings $p: $out"; status=1; }
	grep -q '^\.SH NAME' "$p" && grep -q '^\.SH SYNOPSIS' "$p" || { echo "FAIL: $p lacks NAME or SYNOPSIS"; status=1; }
done
n=0
for map in "$@"; do
	for name in $(sed -n '/global:/,/local:/p' "$map" | grep -oE '^[[:space:]]*pmem(2|set)_[a-z0-9_]+'); do
		n=$((n + 1))
		[[ -f $dir/$name.3 ]] || { echo "FAIL: exported $name has no man page"; status=1; }
	done
done
((n >= 50)) || { echo "FAIL: only $n exported names found in $*"; status=1; }
for lib in libpmem2; do
	[[ -f $dir/$lib.7 ]] || { echo "FAIL: $lib.7 missing"; status=1; }
done
[[ $status == 0 ]] && echo "ok: ${#pages[@]} pages render without warnings; all $n exported functions have a page"
exit $status
