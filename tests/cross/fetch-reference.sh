#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# fetch-reference.sh <aarch64|ppc64le> <dir> -- downloads Debian's libpmem2 and
# libpmem2-dev of the target architecture (apt-get download; needs the architecture
# added with dpkg --add-architecture and its package lists) and unpacks them into
# <dir>; prints <dir> on success. Nothing is installed.
set -eu
case $1 in
aarch64) d=arm64 ;;
ppc64le) d=ppc64el ;;
*) exit 1 ;;
esac
out=$2
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi
rm -rf "$out" && mkdir -p "$out/debs"
(cd "$out/debs" && apt-get download "libpmem2:$d" "libpmem2-dev:$d" >/dev/null 2>&1) || exit 1
for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$out"; done
touch "$out/.done"
echo "$out"
