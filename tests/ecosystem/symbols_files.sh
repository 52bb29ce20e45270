#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# symbols_files.sh DEBIAN_DIR VERSION LIB.so.1 PACKAGE [LIB.so.1 PACKAGE]...
# The Debian symbols files against the libraries of this build, without a
# package build: dpkg-gensymbols -c4 fails on any symbol (name@node) the
# library exports that the file does not list, or the file lists that the
# library does not export. package_build checks the same in dpkg-buildpackage.
set -euo pipefail
deb=$1 version=$2
shift 2
command -v dpkg-gensymbols >/dev/null || { echo "SKIPPED: dpkg-gensymbols missing (apt-get install dpkg-dev)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
while (($#)); do
	lib=$1 pkg=$2
	shift 2
	file=$deb/$pkg.symbols
	[[ -f $file ]] || { echo "FAIL: $file missing"; status=1; continue; }
	if (cd "$tmp" && dpkg-gensymbols -c4 -p"$pkg" -v"$version" -e"$lib" -I"$file" -O"$tmp/$pkg.out") >"$tmp/log" 2>&1; then
		echo "OK: $pkg.symbols lists exactly the $(grep -c '^ ' "$file") symbols $(basename "$lib") exports"
	else
		echo "FAIL: $pkg.symbols and $lib disagree ('+' exported but not listed, '-' listed but not exported):"
		sed 's/^/    /' "$tmp/log"
		status=1
	fi
done
exit $status
