#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# compare_symbols.sh <cross-nm> <our libpmem2.so.1> <Debian's libpmem2.so.1 of the same
# architecture> -- the exported functions and version nodes of ours equal the
# reference package's, read with the target's nm. Known, documented differences: the
# reference exports everything under LIBPMEM2_1.0; ours also under LIBPMEM2_2.0 (the
# default node of PMDK 2.x) except the four async functions, which PMDK 2.x removed
# (LIBPMEM2_1.0 only in both); pmem2_err_to_errno is exported by ours only (see
# README). Exit 77 (skipped) without the reference.
set -euo pipefail
nm=$1 ours=$2 ref=$3
[[ -f $ref ]] || { echo "SKIPPED: reference $ref not fetched (apt-get download libpmem2:<arch> failed?)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
funcs() { "$nm" -D --defined-only --with-symbol-versions "$1" | awk '$2 == "T" { print $3 }'; }
nodes() { "$nm" -D --defined-only --with-symbol-versions "$1" | awk '$2 == "A" { s = $3; sub(/@.*/, "", s); print s }' | sort -u; }
funcs "$ref" | sort >"$tmp/ref.all"
funcs "$ours" | sort >"$tmp/ours.all"
[[ $(wc -l <"$tmp/ref.all") -ge 50 ]] || { echo "FAIL: reference exports only $(wc -l <"$tmp/ref.all") functions"; exit 1; }
status=0
async='^pmem2_(config_set_vdm|memcpy_async|memmove_async|memset_async)$'
awk -F'@+' '$2 == "LIBPMEM2_1.0" { print $1 }' "$tmp/ref.all" | sort >"$tmp/ref.names"
awk -F'@+' '$2 == "LIBPMEM2_1.0" { print $1 }' "$tmp/ours.all" | sort >"$tmp/ours.names10"
awk -F'@+' '$2 == "LIBPMEM2_2.0" { print $1 }' "$tmp/ours.all" | sort >"$tmp/ours.names20"
if ! diff -u <( (cat "$tmp/ref.names"; echo pmem2_err_to_errno) | sort -u) "$tmp/ours.names10" >"$tmp/d"; then
	echo "FAIL: LIBPMEM2_1.0 functions differ from $(basename "$ref") (- reference only, + ours only):"
	grep '^[-+][^-+]' "$tmp/d" | sed 's/^/    /'
	status=1
fi
if ! diff -q <(grep -vE "$async" "$tmp/ours.names10") "$tmp/ours.names20" >/dev/null; then
	echo "FAIL: our LIBPMEM2_2.0 node does not carry the functions of LIBPMEM2_1.0 without the async ones"
	status=1
fi
refnodes=$(nodes "$ref" | tr '\n' ' ') ournodes=$(nodes "$ours" | tr '\n' ' ')
[[ $refnodes == "LIBPMEM2_1.0 " ]] || { echo "FAIL: unexpected reference nodes: $refnodes"; status=1; }
[[ $ournodes == "LIBPMEM2_1.0 LIBPMEM2_2.0 " ]] || { echo "FAIL: our nodes: $ournodes"; status=1; }
if "$nm" -D --defined-only "$ours" | grep -vE ' [TA] ' | grep . >/dev/null; then
	echo "FAIL: ours exports data or other non-function symbols:"; "$nm" -D --defined-only "$ours" | grep -vE ' [TA] '
	status=1
fi
echo "reference $(basename "$(dirname "$ref")"): $(wc -l <"$tmp/ref.names") functions in LIBPMEM2_1.0; ours: $(wc -l <"$tmp/ours.names10") in LIBPMEM2_1.0, $(wc -l <"$tmp/ours.names20") in LIBPMEM2_2.0; nodes ref: $refnodes ours: $ournodes"
[[ $status -eq 0 ]] && echo "PASS: exported functions and version nodes match Debian's package (documented differences only)"
exit $status
