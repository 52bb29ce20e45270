# SPDX-License-Identifier: BSD-3-Clause
# lib.sh -- sourced by the guest suites: run the probe with our library and with the
# reference, compare, and count checks. Every check prints "PASS name" or
# "FAIL name: detail"; the suite's exit status is the number of failures.
PASSED=0
FAILED=0
pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
# check NAME COMMAND... : PASS when the command succeeds
check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n: '$*' is false"; fi; }

# probe ours|ref ARGS...: the probe against one library
probe() { lib=$1; shift; LD_LIBRARY_PATH=/test/$lib:/test/lib /test/ras_probe "$@"; }
# both TAG ARGS...: run with both libraries into /tmp/TAG.ours and /tmp/TAG.ref, show both
both() {
	tag=$1; shift
	probe ours "$@" > /tmp/$tag.ours 2>&1
	probe ref "$@" > /tmp/$tag.ref 2>&1
	echo "--- $tag (ours) : $*"; cat /tmp/$tag.ours
	echo "--- $tag (reference)"; cat /tmp/$tag.ref
}
# same TAG [KEY-REGEX]: ours and reference agree on every (matching) non-comment line
same() {
	pat=${2:-.}
	grep -v '^#' /tmp/$1.ours | grep -E "$pat" > /tmp/$1.o
	grep -v '^#' /tmp/$1.ref | grep -E "$pat" > /tmp/$1.r
	if cmp -s /tmp/$1.o /tmp/$1.r; then pass "$1 same as reference${2:+ ($2)}"
	else fail "$1 differs from reference${2:+ ($2)}"; diff /tmp/$1.o /tmp/$1.r; fi
}
# val TAG KEY [ours|ref]: the value printed as KEY=VALUE
val() { sed -n "s/^$2=//p" /tmp/$1.${3:-ours} | head -1; }
# expect TAG KEY VALUE [ours|ref]
expect() {
	v=$(val "$1" "$2" "${4:-ours}")
	if [ "$v" = "$3" ]; then pass "$1 ${4:-ours} $2 = $3"; else fail "$1 ${4:-ours} $2 = '$v', expected '$3'"; fi
}
# info TAG PATH [EXIT]: pmem2-info --json PATH into /tmp/TAG.json (shown), and a check
# of its exit status (default 0). The guest has no JSON parser: checks grep the text.
info() {
	if [ ! -x /test/pmem2-info ]; then fail "pmem2-info was not copied into the guest"; return; fi
	LD_LIBRARY_PATH=/test/lib /test/pmem2-info --json "$2" > /tmp/$1.json 2>&1
	rc=$?
	echo "--- pmem2-info --json $2 (exit $rc)"; cat /tmp/$1.json
	check "pmem2-info $1 exit status ${3:-0}" test "$rc" = "${3:-0}"
}
# json TAG TEXT...: the tool's output for TAG contains every TEXT
json() { t=$1; shift; for x in "$@"; do check "pmem2-info $t has $x" grep -qF "$x" /tmp/$t.json; done; }
finish() {
	echo "SUMMARY passed=$PASSED failed=$FAILED"
	exit $FAILED
}
# E codes of <libpmem2/base.h> used by the suites
E_NOSUPP=-100001
E_NO_BAD_BLOCK_FOUND=-100029
E_IO_FAIL=-100037
