#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# setup.sh -- installs what the qemu DAX suite (CTest label `dax`) needs, from
# Debian's archive only: qemu, the guest tools, and Debian's kernel unpacked (not
# installed) into $KROOT (default /opt/pmem2-dax/kroot). Idempotent; run as root.
set -euo pipefail
KROOT=${KROOT:-/opt/pmem2-dax/kroot}
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends qemu-system-x86 busybox-static ndctl daxctl cpio \
	xfsprogs e2fsprogs kmod file
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
