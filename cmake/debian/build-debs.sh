#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# build-debs.sh SOURCE_DIR WORK_DIR OUT_DIR
# Builds the Debian binary packages from the tree: configures a release build
# with prefix /usr (so GNUInstallDirs picks the multiarch libdir), stages each
# install component with DESTDIR, and wraps it with dpkg-deb:
#   libpmem2-cxx      runtime (libpmem2.so.1, libpmemset.so.1); replaces libpmem2
#   libpmem2-cxx-dev  headers, .a, .pc, CMake package, man 3/7; replaces libpmem2-dev
#   pmem2-tools       pmem2-info and its man page
# Needs: cmake, a compiler, dpkg-dev (dpkg-shlibdeps), fakeroot is not needed
# (dpkg-deb --root-owner-group).
set -euo pipefail
src=$(readlink -f "$1") work=$2 out=$3
here=$(dirname "$(readlink -f "$0")")
for t in dpkg-deb dpkg-shlibdeps dpkg-architecture; do
	command -v $t >/dev/null || { echo "build-debs: $t missing (apt-get install dpkg-dev)"; exit 1; }
done
mkdir -p "$work" "$out"
work=$(readlink -f "$work") out=$(readlink -f "$out")
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DPMEM2_BUILD_TESTS=OFF -DPMEM2_BUILD_BENCH=OFF >"$work/configure.log"
cmake --build "$work/build" -j"$(nproc)" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$work/build/CMakeCache.txt")
api=$(sed -n 's/^Version: //p' "$work/build/libpmem2.pc.in")
[[ -n $version && -n $api ]] || { echo "build-debs: cannot read versions"; exit 1; }
debver="$version-1"

stage() { # component package-name dir
	rm -rf "$3"
	DESTDIR=$3 cmake --install "$work/build" --component "$1" >/dev/null
	install -D -m644 "$src/LICENSE" "$3/usr/share/doc/$2/copyright"
	# Debian compresses man pages.
	find "$3" -path '*/share/man/*' -type f -exec gzip -9n {} +
	mkdir -p "$3/DEBIAN"
}
shlibs() { # dir: Depends of the ELF files in dir, from dpkg-shlibdeps
	local files
	mapfile -t files < <(find "$1" -type f \( -name '*.so.*' -o -perm -u+x \) ! -path '*/DEBIAN/*')
	mkdir -p "$work/shl/debian" && : >"$work/shl/debian/control"
	(cd "$work/shl" && dpkg-shlibdeps -O "${files[@]}" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}
control() { # template dir depends
	local size
	size=$(du -sk --exclude=DEBIAN "$2" | cut -f1)
	local set_provides=""
	compgen -G "$2/usr/lib/*/libpmemset.so.1" >/dev/null && set_provides=", libpmemset (= 1.0.0)"
	sed -e "s/@VERSION@/$debver/g" -e "s/@ARCH@/$arch/" -e "s/@API_LEVEL@/$api/" \
		-e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$3/" -e "s/@PMEMSET_PROVIDES@/$set_provides/" \
		"$here/$1" >"$2/DEBIAN/control"
}

r=$work/stage/runtime d=$work/stage/dev t=$work/stage/tools
stage runtime libpmem2-cxx "$r"
control control.runtime "$r" "$(shlibs "$r")"
# The runtime package registers the library with ldconfig.
printf 'activate-noawait ldconfig\n' >"$r/DEBIAN/triggers"
stage dev libpmem2-cxx-dev "$d"
control control.dev "$d" ""
stage tools pmem2-tools "$t"
control control.tools "$t" "$(shlibs "$t")"
rm -f "$out"/*.deb
for p in "$r" "$d" "$t"; do
	dpkg-deb --root-owner-group -Zxz --build "$p" "$out" >/dev/null
done
ls "$out"/*.deb
