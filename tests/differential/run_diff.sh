#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs a differential harness on the reference and on ours and compares the two
# outputs case by case against the table of deliberate differences.
#
#   run_diff.sh pmem2 HARNESS OUR_LIBDIR REFERENCE_LIB TABLE
#       HARNESS (built against the reference's <libpmem2.h>) runs once with
#       REFERENCE_LIB and once with our libpmem2.so.1 from OUR_LIBDIR.
#   run_diff.sh pmemset HARNESS OUR_LIBDIR EXPECTED TABLE
#       libpmemset has no packaged reference: HARNESS runs on ours and is
#       compared with EXPECTED, the reference's codes taken from its man pages
#       and FACTS ("<case>\t<result>\t<source>" lines; result ANY: unspecified,
#       ours must only return). OUR_LIBDIR may be a colon-separated list.
#
# TABLE is doc/differences.md. Its machine-readable rows are
#   | `<case>` | `<reference result>` | `<our result>` | <why> |
# where <case> may start with "*." to stand for both filesystem variants
# (ext4.<name> and tmpfs.<name>). The test fails on a difference the table does
# not list, on a row whose results are no longer what happens, on a case where
# ours crashes or hangs, and on a reference crash or hang we do not answer with
# a return. Exit 77 (SKIP) when the reference library is missing.
set -u
mode=$1 harness=$2 ourdir=$3 oracle=$4 table=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $mode in
pmem2)
	if [ ! -e "$oracle" ]; then
		echo "SKIPPED: the reference $oracle is not installed (apt-get install libpmem2)"
		exit 77
	fi
	mkdir "$work/ref"
	ln -s "$(readlink -f "$oracle")" "$work/ref/libpmem2.so.1"
	LD_LIBRARY_PATH="$work/ref" "$harness" >"$work/ref.out" 2>"$work/ref.err" || {
		echo "FAIL: the harness itself failed on the reference"; cat "$work/ref.err"; exit 1; }
	LD_LIBRARY_PATH="$ourdir" "$harness" >"$work/ours.out" 2>"$work/ours.err" || {
		echo "FAIL: the harness itself failed on ours"; cat "$work/ours.err"; exit 1; }
	refname=$(awk -F'\t' '$1=="#library"{print $2}' "$work/ref.out")
	ourname=$(awk -F'\t' '$1=="#library"{print $2}' "$work/ours.out")
	if [ "$(readlink -f "$refname")" != "$(readlink -f "$oracle")" ] ||
	   [ "$(readlink -f "$ourname")" != "$(readlink -f "$ourdir/libpmem2.so.1")" ]; then
		echo "FAIL: the runs did not load the intended libraries (reference: $refname, ours: $ourname)"
		exit 1
	fi
	;;
pmemset)
	LD_LIBRARY_PATH="$ourdir" "$harness" >"$work/ours.out" 2>"$work/ours.err" || {
		echo "FAIL: the harness itself failed"; cat "$work/ours.err"; exit 1; }
	cut -f1,2 "$oracle" | grep -v '^#' >"$work/ref.out"
	;;
*)
	echo "usage: run_diff.sh pmem2|pmemset HARNESS OUR_LIBDIR ORACLE TABLE" >&2
	exit 2
	;;
esac

# Only this harness's rows of the table: pmemset_* cases belong to the pmemset run.
grep -E '^\| `[^`]+` \| `[^`]*` \| `[^`]*` \|' "$table" |
	sed -E 's/^\| `([^`]+)` \| `([^`]*)` \| `([^`]*)` \|.*/\1\t\2\t\3/' |
	awk -F'\t' -v mode="$mode" '(mode == "pmemset") == ($1 ~ /^(\*\.)?pmemset_/)' >"$work/table.tsv"

# The table's own count line for this mode ("- pmem2: N cases run, M matched, K allowed
# differences.") must be what this run gives, so the counts in doc/ stay true too.
counts=$(grep -E "^- $mode: [0-9]+ cases run, [0-9]+ matched, [0-9]+ allowed differences" "$table" |
	sed -E 's/^- //; s/\.$//')

awk -F'\t' -v mode="$mode" -v counts="$counts" '
FILENAME == ARGV[1] { allowed[$1] = $2 "\t" $3; used[$1] = 0; next }
FILENAME == ARGV[2] { if ($1 !~ /^#/) { ref[$1] = $2; order[++n] = $1 } next }
FILENAME == ARGV[3] { if ($1 !~ /^#/) ours[$1] = $2; next }
END {
	bad = 0; matched = 0; allowed_n = 0; unspecified = 0
	for (i = 1; i <= n; i++) {
		c = order[i]
		if (!(c in ours)) { printf "FAIL %s: missing from our run\n", c; bad++; continue }
		r = ref[c]; o = ours[c]
		if (o ~ /^(CRASH|HANG|FIXTURE-FAILED)/) {
			printf "FAIL %s: ours gives %s (reference: %s)\n", c, o, r; bad++; continue
		}
		if (r == "ANY") { unspecified++; continue }
		key = c
		if (!(key in allowed)) { key = c; sub(/^[a-z0-9]+\./, "*.", key) }
		if (r == o) {
			matched++
			if (key in allowed && key == c) { printf "FAIL %s: listed as a difference but both give %s\n", c, r; bad++ }
			continue
		}
		if (!(key in allowed)) {
			printf "FAIL %s: reference %s, ours %s: not in the table of differences\n", c, r, o; bad++; continue
		}
		if (allowed[key] != r "\t" o) {
			split(allowed[key], a, "\t")
			printf "FAIL %s: the table says reference %s / ours %s, the run gave %s / %s\n", c, a[1], a[2], r, o
			bad++; continue
		}
		used[key]++; allowed_n++
		printf "allowed %s: reference %s, ours %s (doc/differences.md row %s)\n", c, r, o, key
	}
	for (k in used) if (used[k] == 0) { printf "FAIL %s: a row of the table that no longer occurs\n", k; bad++ }
	for (c in ours) if (!(c in ref)) { printf "FAIL %s: not in the %s\n", c, mode == "pmem2" ? "reference run" : "expected list"; bad++ }
	printf "%s: %d cases run, %d matched, %d allowed differences, %d failures", mode, n, matched, allowed_n, bad
	if (unspecified) printf " (%d more with no specified result: checked only not to crash or hang)", unspecified
	printf "\n"
	summary = sprintf("%s: %d cases run, %d matched, %d allowed differences", mode, n, matched, allowed_n)
	if (counts != summary) {
		printf "FAIL: doc/differences.md says \"%s\"; this run: \"%s\"\n", counts, summary
		bad++
	}
	exit bad != 0
}' "$work/table.tsv" "$work/ref.out" "$work/ours.out"
