#!/bin/bash
# run-in-guest.sh - run a host-built test program inside a qemu guest that has an
# emulated NVDIMM (ACPI NFIT -> libnvdimm -> /dev/pmem0 / /dev/dax0.0), and return
# its output and exit status.
#
#   run-in-guest.sh [options] <program-or-script> [args...]
#
#   -f FILE     also copy FILE into the guest's /test (repeatable)
#   -D DIR      copy the contents of DIR (a tree) into the guest's /test (repeatable)
#   -s SIZE     nvdimm pmem size (default 1G; the backend file is SIZE+LABEL)
#   -l LABEL    nvdimm label-size (default 128K; 0 = no label area -> one label-less
#               raw namespace covering the region, /dev/pmem0 at boot, cannot be resized)
#   -p PERSIST  machine nvdimm-persistence=cpu|mem-ctrl (sets region persistence_domain)
#   -V          additionally attach a virtio-pmem device (512M, region1, async flush)
#   -S DIR      share host DIR read-write at /host in the guest (virtio-9p)
#   -k          keep the nvdimm backing file from the previous run (default: fresh zeroed)
#   -t SECS     timeout for the whole boot+test+poweroff (default 300)
#   -K          use -enable-kvm (default: TCG; see REPORT.md - does not boot here)
#   -m MEM      guest RAM (default 2G)
#   -c CPU      qemu -cpu model (default max: has clflushopt/clwb/avx2 under TCG; qemu64 has none)
#   env: SMP (default 2), QEMU_EXTRA (extra qemu args), APPEND_EXTRA (extra kernel args)
#
# The program runs as root (PID 1's child) with cwd /test; busybox, ndctl, daxctl,
# mkfs.ext4, mkfs.xfs, xfs_io and the helper `dax-setup fsdax|devdax|raw`
# are on PATH.  Its stdout+stderr come back on this script's stdout (through a second
# UART, so kernel messages do not mix in); the kernel console goes to $RUNDIR/console.log.
# Exit status: the program's exit status; 124 = timeout; 125 = guest never reported.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KROOT=${KROOT-/opt/pmem2-dax/kroot}    # "" = installed linux-image; or a dir with an unpacked linux-image .deb (tests/dax/setup.sh)
KVER=${KVER:-$(ls "$KROOT/lib/modules" | sort -V | tail -1)}
KERNEL=${KERNEL:-$KROOT/boot/vmlinuz-$KVER}
CACHE=${QD_CACHE:-${TMPDIR:-/tmp}/qemu-dax}   # writable work area; this folder may be read-only
mkdir -p "$CACHE"
BASE=${BASE:-$CACHE/base-initramfs.cpio.gz}
NVDIMM_IMG=${NVDIMM_IMG:-$CACHE/nvdimm.img}

SIZE=1G LABEL=128K PERSIST= VIRTIO=0 SHARE= KEEP=0 TIMEOUT=300 ACCEL=tcg MEM=2G CPU=${CPU:-max} SMP=${SMP:-2}
EXTRA_FILES=()
EXTRA_DIRS=()
while getopts "f:D:s:l:p:VS:kt:Km:c:" o; do
	case $o in
	f) EXTRA_FILES+=("$OPTARG") ;;
	D) EXTRA_DIRS+=("$OPTARG") ;;
	s) SIZE=$OPTARG ;;
	l) LABEL=$OPTARG ;;
	p) PERSIST=$OPTARG ;;
	V) VIRTIO=1 ;;
	S) SHARE=$(cd "$OPTARG" && pwd) ;;
	k) KEEP=1 ;;
	t) TIMEOUT=$OPTARG ;;
	K) ACCEL=kvm ;;
	m) MEM=$OPTARG ;;
	c) CPU=$OPTARG ;;
	*) sed -n '2,31p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,31p' "$0" >&2; exit 2; }
PROG=$1; shift

# (re)build the base initramfs when missing or older than its inputs
if [ ! -s "$BASE" ] || [ -n "$(find "$HERE/build-initramfs.sh" "$HERE/guest" "$HERE/daxtest" -newer "$BASE" 2>/dev/null)" ]; then
	KROOT=$KROOT KVER=$KVER OUT=$BASE "$HERE/build-initramfs.sh" >&2
fi

mkdir -p "${QD_TMP:=$CACHE/runs}"
RUNDIR=${RUNDIR:-$(mktemp -d "$QD_TMP/run.XXXXXX")}
mkdir -p "$RUNDIR/payload/test"
cp -L "$PROG" "$RUNDIR/payload/test/"
for f in "${EXTRA_FILES[@]}"; do cp -L "$f" "$RUNDIR/payload/test/"; done
for d in "${EXTRA_DIRS[@]}"; do cp -rL "$d/." "$RUNDIR/payload/test/"; done
{
	echo '#!/bin/sh'
	echo 'export LD_LIBRARY_PATH=/test/lib PATH=/test:$PATH'
	printf 'exec /test/%s' "$(basename "$PROG")"
	for a in "$@"; do printf " '%s'" "${a//\'/\'\\\'\'}"; done
	echo
} > "$RUNDIR/payload/test/run"
chmod +x "$RUNDIR/payload/test/run" "$RUNDIR/payload/test/$(basename "$PROG")"
# dynamically linked programs (e.g. C++ tests, or tests linked against libpmem2/libndctl):
# bundle their shared libraries (ldd on the host) into /test/lib
mkdir -p "$RUNDIR/payload/test/lib"
for f in "$PROG" "${EXTRA_FILES[@]}" $(find "$RUNDIR/payload/test" -type f); do
	file -bL "$f" | grep -q 'dynamically linked' || continue
	ldd "$f" | awk '/=>/ && $3 ~ /^\// {print $3}' | while read -r lib; do
		cp -L -n "$lib" "$RUNDIR/payload/test/lib/"
	done
done
(cd "$RUNDIR/payload" && find . | cpio -o -H newc --quiet) > "$RUNDIR/payload.cpio"
cat "$BASE" "$RUNDIR/payload.cpio" > "$RUNDIR/initrd.img"

# qemu carves the label area out of the END of the backend, so make the backend
# SIZE + LABEL: the pmem region then stays SIZE (1G), i.e. aligned to the kernel's
# 16M region alignment; with 1G-128K `ndctl create-namespace` fails with
# "align setting is 0x1000000 size 0x3ffe0000 is misaligned".
BYTES=$(( $(numfmt --from=iec "$SIZE") + $(numfmt --from=iec "$LABEL") ))
[ "$KEEP" = 1 ] && [ -f "$NVDIMM_IMG" ] || { rm -f "$NVDIMM_IMG"; truncate -s "$BYTES" "$NVDIMM_IMG"; }

MACHINE="pc,nvdimm=on"
[ -n "$PERSIST" ] && MACHINE="$MACHINE,nvdimm-persistence=$PERSIST"
NVDEV="nvdimm,id=nvdimm1,memdev=mem1"
[ "$LABEL" != 0 ] && NVDEV="$NVDEV,label-size=$LABEL"
APPEND="console=ttyS0 panic=-1 qd.out=ttyS1 ${APPEND_EXTRA:-}"
ARGS=(-machine "$MACHINE" -accel "$ACCEL" -cpu "$CPU" -m "$MEM,slots=2,maxmem=8G" -smp "$SMP" -nic none
	-object "memory-backend-file,id=mem1,share=on,mem-path=$NVDIMM_IMG,size=$BYTES"
	-device "$NVDEV"
	-display none -no-reboot -monitor none
	-serial "file:$RUNDIR/console.log" -serial "file:$RUNDIR/out.log"
	-kernel "$KERNEL" -initrd "$RUNDIR/initrd.img")
if [ "$VIRTIO" = 1 ]; then
	truncate -s 512M "$RUNDIR/virtio-pmem.img"
	ARGS+=(-object "memory-backend-file,id=mem2,share=on,mem-path=$RUNDIR/virtio-pmem.img,size=512M"
		-device virtio-pmem-pci,memdev=mem2,id=vpmem1)
	APPEND="$APPEND qd.virtio=1"
fi
if [ -n "$SHARE" ]; then
	ARGS+=(-virtfs "local,path=$SHARE,mount_tag=hostshare,security_model=none,id=hs0")
	case " $APPEND " in *" qd.virtio=1 "*) ;; *) APPEND="$APPEND qd.virtio=1" ;; esac
fi
# shellcheck disable=SC2206
ARGS+=(${QEMU_EXTRA:-} -append "$APPEND")

t0=$(date +%s.%N)
set +e
timeout "$TIMEOUT" qemu-system-x86_64 "${ARGS[@]}" </dev/null 2>"$RUNDIR/qemu.stderr"
qrc=$?
set -e
t1=$(date +%s.%N)
rm -rf "$RUNDIR/payload" "$RUNDIR/payload.cpio" "$RUNDIR/initrd.img" "$RUNDIR/virtio-pmem.img"  # keep only the logs

sed -e '/^@@QEMU-DAX-BEGIN@@/d' -e '/^@@QEMU-DAX-EXIT=/d' "$RUNDIR/out.log" | tr -d '\r'
marker=$(grep -a -o '@@QEMU-DAX-EXIT=[0-9]*@@' "$RUNDIR/out.log" | tail -1 || true)
printf 'run-in-guest: qemu rc=%s wall=%.2fs rundir=%s\n' "$qrc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$RUNDIR" >&2
if [ "$qrc" = 124 ]; then
	echo "run-in-guest: TIMEOUT after ${TIMEOUT}s; console tail:" >&2; tail -20 "$RUNDIR/console.log" >&2; exit 124
fi
if [ -z "$marker" ]; then
	echo "run-in-guest: guest did not report an exit status; qemu stderr / console tail:" >&2
	cat "$RUNDIR/qemu.stderr" >&2; tail -20 "$RUNDIR/console.log" >&2; exit 125
fi
rc=${marker#@@QEMU-DAX-EXIT=}; rc=${rc%@@}
exit "$rc"
