#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# build-debs.sh SOURCE_DIR WORK_DIR OUT_DIR
# Builds the Debian source and binary packages of the tree with the
# distribution's tools: make-source-package.sh lays out WORK_DIR/pmem2-VERSION
# with debian/ from cmake/debian/debian, then `dpkg-buildpackage -us -uc`
# (debhelper, dh's CMake build system; the unit tests run unless
# DEB_BUILD_OPTIONS has nocheck). OUT_DIR gets the .deb files; WORK_DIR keeps
# the .dsc, .tar.xz, .changes, .buildinfo and the build log.
#   libpmem2-1        libpmem2.so.1; replaces Debian's libpmem2
#   libpmemset1       libpmemset.so.1
#   libpmem2-cxx-dev  headers, .a, .pc, CMake package, man 3/7; replaces libpmem2-dev
#   pmem2-tools       pmem2-info and its man page
# Needs the Build-Depends of cmake/debian/debian/control (dpkg-checkbuilddeps).
set -euo pipefail
src=$(readlink -f "$1") work=$2 out=$3
here=$(dirname "$(readlink -f "$0")")
for t in dpkg-buildpackage dpkg-parsechangelog dh; do
	command -v $t >/dev/null || { echo "build-debs: $t missing (apt-get install dpkg-dev debhelper)"; exit 1; }
done
mkdir -p "$work" "$out"
work=$(readlink -f "$work") out=$(readlink -f "$out")
rm -f "$work"/*.deb "$work"/*.ddeb "$work"/*.changes "$work"/*.buildinfo "$work"/*.dsc "$work"/*.tar.*
tree=$("$here/make-source-package.sh" "$src" "$work")
(cd "$tree" && dpkg-checkbuilddeps) || { echo "build-debs: Build-Depends missing (see above)"; exit 1; }
if ! (cd "$tree" && dpkg-buildpackage -us -uc -j"${PMEM2_DEB_JOBS:-$(nproc)}") >"$work/build.log" 2>&1; then
	tail -40 "$work/build.log"; echo "build-debs: dpkg-buildpackage failed (log: $work/build.log)"; exit 1
fi
rm -f "$out"/*.deb
cp "$work"/*.deb "$out"/
ls "$out"/*.deb
