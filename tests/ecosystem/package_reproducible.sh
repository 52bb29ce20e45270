#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package_reproducible.sh SOURCE_DIR FIRST_BUILD_WORK_DIR WORK_DIR
# Builds the packages a second time from the same tree, in another directory
# and with DEB_BUILD_OPTIONS=nocheck (tests neither built nor run: policy says
# nocheck must not change the packages, and it halves the time), then requires
# every .deb (dbgsym included) to be bit-identical to package_build's.
set -euo pipefail
src=$(readlink -f "$1") first=$2 w=$3
# The same tools as package_build: without them that test was skipped, so is this one.
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null || { echo "SKIPPED: $t missing (apt-get install dpkg-dev debhelper lintian)"; exit 77; }
done
[[ -d $first/debs ]] || { echo "FAIL: $first/debs missing (package_build failed?)"; exit 1; }
rm -rf "$w"; mkdir -p "$w"; w=$(readlink -f "$w")
start=$SECONDS
DEB_BUILD_OPTIONS="nocheck${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" PMEM2_DEB_JOBS=2 \
	"$src/cmake/debian/build-debs.sh" "$src" "$w/build-again" "$w/debs" >/dev/null || { echo "FAIL: second build"; exit 1; }
echo "second build (nocheck) in $((SECONDS - start)) s"
status=0 n=0
for a in "$first"/debs/*.deb; do
	b=$w/debs/$(basename "$a")
	n=$((n + 1))
	if [[ ! -f $b ]]; then echo "FAIL: $(basename "$a") not built the second time"; status=1; continue; fi
	if cmp -s "$a" "$b"; then
		echo "identical: $(basename "$a") $(sha256sum <"$a" | cut -c1-16)"
	else
		status=1
		echo "DIFFERS: $(basename "$a")"
		mkdir -p "$w/x/a" "$w/x/b"
		dpkg-deb -R "$a" "$w/x/a/${a##*/}"; dpkg-deb -R "$b" "$w/x/b/${a##*/}"
		(cd "$w/x" && diff -r "a/${a##*/}" "b/${a##*/}" | head -20) || true
	fi
done
[[ $(ls "$w"/debs/*.deb | wc -l) == "$n" ]] || { echo "FAIL: the builds made different sets of packages"; status=1; }
[[ $status == 0 ]] && echo "ok: $n packages bit-identical across two builds in different directories"
exit $status
