#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs async_bench on our library and on the reference, alternately, each in its own
# process, for the default mover and data_mover_threads at CACHE_LINE granularity
# (forced) on tmpfs, and prints one table: median ns per copy of each side (median
# over the alternating runs) and ref/ours (> 1: ours is faster).
# usage: run.sh <async_bench> <our-lib.so> <ref-lib.so> [runs] [dir]
set -euo pipefail
bench=$1 ours=$2 ref=$3 runs=${4:-3} dir=${5:-/dev/shm}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/ours" "$tmp/ref"
ln -s "$(readlink -f "$ours")" "$tmp/ours/libpmem2.so.1"
ln -s "$(readlink -f "$ref")" "$tmp/ref/libpmem2.so.1"
for mover in default threads; do
	for i in $(seq "$runs"); do
		for lib in ours ref; do
			PMEM2_FORCE_GRANULARITY=CACHE_LINE LD_LIBRARY_PATH=$tmp/$lib "$bench" "$mover" "$dir" \
				| grep -v '^#' >"$tmp/$mover.$lib.$i"
		done
	done
done
printf '%-8s %10s %12s %12s %8s\n' mover size ours_ns ref_ns ref/ours
for mover in default threads; do
	for size in $(awk '{print $1}' "$tmp/$mover.ours.1"); do
		o=$(cat "$tmp/$mover.ours."* | awk -v s="$size" '$1 == s {print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		r=$(cat "$tmp/$mover.ref."* | awk -v s="$size" '$1 == s {print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		printf '%-8s %10s %12s %12s %8.3f\n' "$mover" "$size" "$o" "$r" "$(echo "$r / $o" | bc -l)"
	done
done
