#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run-suite.sh SUITE OUR_LIBPMEM2 PROBE [PMEM2_INFO] -- boots the qemu guest once and runs one guest
# suite (guest/suite-SUITE.sh) with our library and the reference side by side.
# Exit 77 (CTest: skipped) when the machine lacks the set-up (run tests/dax/setup.sh).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=$1 OURS=$2 PROBE=$3 TOOL=${4:-}
export KROOT=${KROOT-/opt/pmem2-dax/kroot}
REF=${PMEM2_REFERENCE_LIB:-/usr/lib/x86_64-linux-gnu/libpmem2.so.1}

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v ndctl >/dev/null || missing+=(ndctl)
command -v cpio >/dev/null || missing+=(cpio)
command -v file >/dev/null || missing+=(file)
ls "$KROOT"/boot/vmlinuz-* >/dev/null 2>&1 || missing+=("kernel in KROOT=$KROOT")
[ -e "$REF" ] && [ -x "$PROBE" ] || missing+=("reference libpmem2 ($REF) and the probe built against it")
if [ ${#missing[@]} -gt 0 ]; then
	echo "SKIP dax/$SUITE: missing ${missing[*]}; run tests/dax/setup.sh" >&2
	exit 77
fi

export QD_CACHE=${QD_CACHE:-${TMPDIR:-/tmp}/pmem2-dax-$(id -u)}
mkdir -p "$QD_CACHE"
export NVDIMM_IMG=$QD_CACHE/nvdimm-$SUITE.img
PAY=$(mktemp -d "$QD_CACHE/payload.XXXXXX")
trap 'rm -rf "$PAY" "$NVDIMM_IMG"' EXIT
mkdir -p "$PAY/ours" "$PAY/ref"
cp -L "$OURS" "$PAY/ours/libpmem2.so.1"
cp -L "$REF" "$PAY/ref/libpmem2.so.1"
cp -L "$PROBE" "$PAY/ras_probe"
cp "$HERE/guest/lib.sh" "$PAY/"
[ -n "$TOOL" ] && cp -L "$TOOL" "$PAY/pmem2-info"

opts=()
arg=()
case $SUITE in
fsdax-ext4) script=suite-fsdax.sh; arg=(ext4) ;;
fsdax-xfs) script=suite-fsdax.sh; arg=(xfs) ;;
devdax) script=suite-devdax.sh ;;
eadr) script=suite-eadr.sh; opts=(-p cpu) ;;
*) echo "unknown suite $SUITE" >&2; exit 2 ;;
esac
"$HERE/run-in-guest.sh" -t "${DAX_TIMEOUT:-500}" -D "$PAY" "${opts[@]}" "$HERE/guest/$script" "${arg[@]}"
rc=$?
echo "dax/$SUITE: guest exit status $rc (the number of failed checks; 124 timeout, 125 no report)"
exit $rc
