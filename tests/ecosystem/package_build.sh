#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package_build.sh SOURCE_DIR WORK_DIR
# The Debian source package as a distribution builds it: cmake/debian/
# build-debs.sh lays it out and runs `dpkg-buildpackage -us -uc` (debhelper
# compat 13, dh's CMake build system, the unit tests run offline, and
# dpkg-gensymbols -c4 fails the build on any symbol missing from or added to
# debian/*.symbols). Then lintian on the .changes (source and binaries) must
# report no error and no warning; the --pedantic/info findings are printed.
# Leaves the packages in WORK_DIR/debs for package_autopkgtest,
# package_reproducible and ecosystem_deb_swap. Without dpkg-buildpackage,
# debhelper or lintian: SKIPPED (exit 77).
set -euo pipefail
src=$(readlink -f "$1") w=$2
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null || { echo "SKIPPED: $t missing (apt-get install dpkg-dev debhelper lintian)"; exit 77; }
done
rm -rf "$w"; mkdir -p "$w"; w=$(readlink -f "$w")
start=$SECONDS
PMEM2_DEB_JOBS=2 "$src/cmake/debian/build-debs.sh" "$src" "$w/build" "$w/debs" || { echo "FAIL: dpkg-buildpackage"; exit 1; }
echo "built in $((SECONDS - start)) s:"; ls "$w/debs" | sed 's/^/    /'
grep -E '^[0-9]+% tests passed|tests failed out of' "$w/build/build.log" | sed 's/^/    unit tests in the package build: /'
grep -q '^100% tests passed' "$w/build/build.log" || { echo "FAIL: the unit tests did not run in the package build"; exit 1; }

# The symbols files made it into the packages, with every entry.
for p in libpmem2-1 libpmemset1; do
	deb=$(ls "$w"/debs/${p}_*.deb)
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./symbols >"$w/$p.symbols" || { echo "FAIL: $p has no symbols control file"; exit 1; }
	echo "$p: $(grep -c '^ ' "$w/$p.symbols") symbols in DEBIAN/symbols ($(head -1 "$w/$p.symbols"))"
done
grep -q '^dh_makeshlibs -- -c4' "$w/build/build.log" || { echo "FAIL: dh_makeshlibs did not run dpkg-gensymbols -c4"; exit 1; }

changes=$(ls "$w"/build/*.changes)
start=$SECONDS
lintian --pedantic --display-info --info "$changes" >"$w/lintian.log" 2>&1 || true
echo "lintian --pedantic --display-info ($((SECONDS - start)) s):"; sed 's/^/    /' "$w/lintian.log"
if grep -E '^[EW]: ' "$w/lintian.log"; then
	echo "FAIL: lintian reports errors or warnings"; exit 1
fi
lintian --fail-on error,warning "$changes" >/dev/null || { echo "FAIL: lintian --fail-on error,warning"; exit 1; }
echo "ok: source package built with dpkg-buildpackage, symbols checked, lintian clean (no E:/W:)"
