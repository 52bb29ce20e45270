#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds miniasync from its release tarball into <prefix>: the library and its
# headers only (no tests, examples or docs), with the C flags given (the build's
# sanitizer, so that TSan sees the threaded mover's synchronisation).
# usage: build_miniasync.sh <tarball> <work> <prefix> <cc> <cflags>
set -euo pipefail
tarball=$1 work=$2 prefix=$3 cc=$4 cflags=$5
rm -rf "$work" "$prefix"
mkdir -p "$work/src"
tar -xzf "$tarball" -C "$work/src" --strip-components=1
log=$work/build.log
{
	cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
		-DCMAKE_C_FLAGS="$cflags" -DCMAKE_SHARED_LINKER_FLAGS="$cflags" \
		-DBUILD_DOC=OFF -DBUILD_TESTS=OFF -DBUILD_EXAMPLES=OFF \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib &&
		cmake --build "$work/build" -j2 && cmake --install "$work/build"
} >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
[[ -f $prefix/include/libminiasync/vdm.h && -f $prefix/lib/libminiasync.so.0 ]] || { echo "install incomplete"; exit 1; }
