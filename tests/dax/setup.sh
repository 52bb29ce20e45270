#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# setup.sh -- installs what the qemu DAX suite (CTest label `dax`) needs, from
# Debian's archive only: qemu, the guest tools, and Debian's kernel unpacked (not
# installed) into $KROOT (default /opt/pmem2-dax/kroot). Idempotent; run as root.
set -euo pipefail
KROOT=${KROOT:-/opt/pmem2-dax/kroot}
export DEBIAN_FRONTEND=noninteractive
pkgs="qemu-system-x86 busybox-static ndctl daxctl cpio xfsprogs e2fsprogs kmod file"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# xfsprogs' maintainer script calls systemctl, which only complains on a
	# machine not booted with systemd: those lines are dropped, apt's own kept.
	log=$(mktemp)
	status=0
	{ apt-get -o DPkg::Lock::Timeout=900 update -q &&
		# shellcheck disable=SC2086
		apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $missing; } >"$log" 2>&1 || status=$?
	grep -v -e 'System has not been booted with systemd' -e 'Failed to connect to bus' "$log" || true
	rm -f "$log"
	[ "$status" = 0 ] || { echo "setup.sh: apt-get failed ($status)" >&2; exit "$status"; }
fi
if [ -z "$(ls "$KROOT"/boot/vmlinuz-* 2>/dev/null)" ]; then
	K=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	[ -n "$K" ] || { echo "setup.sh: cannot resolve the linux-image package" >&2; exit 1; }
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	(cd "$work" && apt-get download "$K")
	mkdir -p "$KROOT"
	dpkg-deb -x "$work/$K"_*.deb "$KROOT"
fi
echo "setup.sh: ready; kernel $(ls "$KROOT"/boot/vmlinuz-* | head -1)"
