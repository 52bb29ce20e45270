#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs one of PMDK's libpmem2 examples through a fixed scenario twice, on fresh
# files in <fs-dir>: once as the oracle (built against and run on the reference
# library) and once in <mode>, and requires the same exit codes, the same
# standard output, the same stderr (up to the library's own message text after
# "prefix: "), and byte-identical files afterwards. It also proves which
# libpmem2 each run really used, from the dynamic loader's own trace
# (LD_DEBUG=libs,bindings): every pmem2_* call of the example must bind to the
# expected library, and the other libpmem2 must not even be loaded.
#
# modes: ourbuild  built against our header, linked with our library
#        ldpath    reference build, our library through LD_LIBRARY_PATH
#        preload   reference build, our library through LD_PRELOAD
#        installed reference build, no environment: the loader finds ours
#                  because our package is the installed libpmem2 (autopkgtest)
# PMEM2_ORACLE_LIBRARY_PATH, when set, is the oracle run's LD_LIBRARY_PATH (the
# folder of an unpacked reference, when ours is the installed one).
# usage: run_example.sh <example> <mode> <fs-dir> <bin-root> <our-libpmem2.so.1> <ref-libpmem2.so.1>
# Cross runs (tests/cross) set, all optional:
#   PMEM2_DROPIN_RUNNER         emulator for the examples, e.g. "qemu-aarch64-static -cpu cortex-a72"
#   PMEM2_DROPIN_ORACLE_ENV     extra VAR=value for the reference run (LD_LIBRARY_PATH of the
#                               reference package)
#   PMEM2_DROPIN_ORACLE_BINROOT a bin root whose ref/ build runs natively as the oracle, with
#   PMEM2_DROPIN_ORACLE_LIB     its reference library (the x86-64 reference, where the target's
#                               reference cannot run under emulation)
set -euo pipefail
ex=$1 mode=$2 fsdir=$3 binroot=$4 ourlib=$5 reflib=$6
read -r -a target_runner <<<"${PMEM2_DROPIN_RUNNER:-}"
read -r -a oracle_env <<<"${PMEM2_DROPIN_ORACLE_ENV:-}"
oracle_binroot=${PMEM2_DROPIN_ORACLE_BINROOT:-$binroot}
oracle_lib=${PMEM2_DROPIN_ORACLE_LIB:-$reflib}
oracle_runner=("${target_runner[@]}")
[[ -n ${PMEM2_DROPIN_ORACLE_BINROOT:-} ]] && oracle_runner=()
[[ -x $oracle_binroot/ref/$ex && -x $binroot/ref/$ex && -x $binroot/ours/$ex ]] ||
	{ echo "FAIL: $binroot/{ref,ours}/$ex not built (the dropin_build_examples fixture failed?)"; exit 1; }
[[ -f $ourlib ]] || { echo "FAIL: $ourlib missing"; exit 1; }
[[ -f $reflib ]] || { echo "FAIL: reference $reflib missing: apt-get install libpmem2-dev"; exit 1; }
[[ -d $fsdir && -w $fsdir ]] || { echo "FAIL: $fsdir is not a writable directory"; exit 1; }
ourlib=$(realpath "$ourlib") reflib=$(realpath "$reflib") oracle_lib=$(realpath "$oracle_lib")

work=$(mktemp -d "$fsdir/pmem2-dropin-$ex.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- scenario helpers ----
# mkfile NAME SIZE: a zero-filled file; mkpattern NAME SIZE: a file of varied bytes.
mkfile() { truncate -s "$2" "$1"; }
mkpattern() { seq 1 "$2" >"$1"; truncate -s "$2" "$1"; }
stdout_filter() { cat; }
nstep=0
# step [VAR=value...] ARG...: runs the example once and appends to the transcript.
step() {
	local envs=()
	while [[ $# -gt 0 && $1 == [A-Z]*=* ]]; do envs+=("$1"); shift; done
	nstep=$((nstep + 1))
	echo "## step $nstep: ${envs[*]} $ex $*" >>"$run/transcript"
	local rc=0
	(
		local guest=("${run_env[@]}" "${envs[@]}" LD_DEBUG=libs,bindings LD_DEBUG_OUTPUT="$run/ld/step$nstep")
		if ((${#runner[@]})); then
			# qemu-user: the variables go to the guest only (-E), not to the host
			# processes of the runner; -0 sets the guest's argv[0]. -E splits at
			# commas, so LD_DEBUG's list uses glibc's other separator, ':'.
			local qopts=() v
			for v in "${guest[@]}"; do
				[[ $v == LD_DEBUG=* ]] && v=${v//,/:}
				qopts+=(-E "$v")
			done
			exec "${runner[@]}" "${qopts[@]}" -0 "$ex" "$bin" "$@"
		fi
		export "${guest[@]}"
		exec -a "$ex" "$bin" "$@"
	) >"$run/out" 2>"$run/err" </dev/null || rc=$?
	echo "exit $rc" >>"$run/transcript"
	stdout_filter <"$run/out" | sed -e '$a\' >>"$run/transcript"
	echo "-- stderr" >>"$run/transcript"
	sed -E -e 's/^([^:]*): .*$/\1: <message>/' -e '$a\' "$run/err" >>"$run/transcript"
	{ echo "## step $nstep: $*"; cat "$run/err"; } >>"$run/stderr.full"
}

# ---- the scenarios (the same for every mode) ----
scenario_basic() {
	mkfile f 1M; mkfile empty 0
	step f
	step empty
	step missing
	step
}
scenario_advanced() {
	mkpattern p 65536
	step p 0 32
	step p 4000 200
	step p 65500 36
	step p 65530 100
	step p 70000 10
	step p 1
}
scenario_log() {
	mkfile f 1M; mkfile small 64K
	step f append hello
	step f appendv 3 a bb ccc dump
	step f dump
	step f rewind dump
	step PMEM2_FORCE_GRANULARITY=CACHE_LINE f append forced-cache-line dump
	step PMEM2_FORCE_GRANULARITY=BYTE f append forced-byte dump
	step f appendv 9 x
	step f bogus
	step small append x
	step help
}
scenario_redo() {
	mkfile f 1M; mkfile tiny 4K
	step add f 1 2 3 4 5 6
	step print f
	step check f
	step add f 7 8
	step PMEM2_FORCE_GRANULARITY=CACHE_LINE add f 9 10
	step print f
	step dump f
	step check f
	step add f 1
	step bogus f
	step print tiny
}
scenario_ringbuf() {
	# Time and bandwidth lines vary from run to run: keep their words only.
	stdout_filter() { sed -E 's/[0-9]+(\.[0-9]+)?/<n>/g'; }
	mkfile f 256K; mkfile g 256K
	step f 64 200
	step f 64 50
	step f 128 10
	step PMEM2_FORCE_GRANULARITY=CACHE_LINE g 4000 20
	step f 0 10
	step f 64 0
}
scenario_map_multiple_files() {
	mkfile a 64K; mkfile b 128K; mkfile c 64K; mkfile odd 5000
	step a b c
	step a
	step a odd
	step a missing
	step
}
scenario_unsafe_shutdown() {
	mkfile f 1M; mkfile g 1M
	step write f hello
	step read f
	step write f world
	step read f
	step read g
	step write g
	step bogus f
	step read
}

run_scenario() { # <name> <binary> <expected-lib> <env...>
	local name=$1
	run=$work/$1 bin=$2 expect=$3
	shift 3
	runner=("${target_runner[@]}")
	[[ $name == oracle ]] && runner=("${oracle_runner[@]}")
	run_env=("$@")
	mkdir -p "$run/files" "$run/ld"
	: >"$run/transcript"; : >"$run/stderr.full"
	nstep=0
	(cd "$run/files" && "scenario_$ex")
	# Which libpmem2 did the example bind its pmem2_* calls to, and which were loaded?
	local bound=0 wrong=0 lib
	while read -r lib; do
		bound=$((bound + 1))
		[[ $(realpath "$lib") == "$expect" ]] || { wrong=$((wrong + 1)); echo "  $name: bound to $lib"; }
	done < <(cat "$run"/ld/step* 2>/dev/null |
		sed -nE "s/.*binding file [^ ]*$ex \[0\] to ([^ ]+) \[0\]: normal symbol \`pmem2_.*/\1/p")
	local other=$reflib
	[[ $expect == "$reflib" || $expect == "$oracle_lib" ]] && other=$ourlib
	local loaded_other
	loaded_other=$(cat "$run"/ld/step* 2>/dev/null | sed -nE 's/.*calling init: (.*libpmem2[^ ]*)$/\1/p' |
		sort -u | while read -r l; do [[ $(realpath "$l") == "$other" ]] && echo "$l"; done || true)
	if ((bound == 0)); then
		echo "FAIL: $name: the loader trace shows no pmem2_* binding at all"; return 1
	fi
	if ((wrong)); then
		echo "FAIL: $name: $wrong of $bound pmem2_* bindings did not go to $expect"; return 1
	fi
	if [[ -n $loaded_other ]]; then
		echo "FAIL: $name: $loaded_other was loaded too"; return 1
	fi
	echo "$name: all $bound pmem2_* bindings went to $expect"
}

# The oracle's extra environment: the cross runs' PMEM2_DROPIN_ORACLE_ENV, or the
# autopkgtest's PMEM2_ORACLE_LIBRARY_PATH.
[[ -n ${PMEM2_ORACLE_LIBRARY_PATH:-} ]] && oracle_env+=("LD_LIBRARY_PATH=$PMEM2_ORACLE_LIBRARY_PATH")
run_scenario oracle "$oracle_binroot/ref/$ex" "$oracle_lib" "${oracle_env[@]}"
case $mode in
ourbuild) run_scenario "$mode" "$binroot/ours/$ex" "$ourlib" ;;
ldpath) run_scenario "$mode" "$binroot/ref/$ex" "$ourlib" "LD_LIBRARY_PATH=$(dirname "$ourlib")" ;;
preload) run_scenario "$mode" "$binroot/ref/$ex" "$ourlib" "LD_PRELOAD=$ourlib" ;;
installed) run_scenario "$mode" "$binroot/ref/$ex" "$ourlib" ;;
*) echo "FAIL: unknown mode $mode"; exit 2 ;;
esac

status=0
if ! diff -u "$work/oracle/transcript" "$work/$mode/transcript" >"$work/diff"; then
	echo "FAIL: $ex behaves differently in mode $mode ('-' reference, '+' $mode):"
	cat "$work/diff"
	status=1
fi
(cd "$work/oracle/files" && find . -type f | sort) >"$work/oracle.list"
(cd "$work/$mode/files" && find . -type f | sort) >"$work/$mode.list"
if ! diff -u "$work/oracle.list" "$work/$mode.list"; then
	echo "FAIL: different sets of files"; status=1
fi
nfiles=0
while read -r f; do
	nfiles=$((nfiles + 1))
	if ! cmp "$work/oracle/files/$f" "$work/$mode/files/$f"; then
		echo "FAIL: $f differs from the reference run's"; status=1
	fi
done <"$work/oracle.list"
echo "---- stderr of the reference run:"; cat "$work/oracle/stderr.full"
echo "---- stderr of the $mode run:"; cat "$work/$mode/stderr.full"
echo "---- transcript:"; cat "$work/$mode/transcript"
if [[ $status == 0 ]]; then
		nstep=$(grep -c '^## step' "$work/$mode/transcript")
	echo "OK: $ex in mode $mode on $fsdir: $nstep steps with the same results as the reference, $nfiles files identical"
fi
exit $status
