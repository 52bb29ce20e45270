#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# make-source-package.sh SOURCE_DIR WORK_DIR
# Lays out the Debian source package: copies the tree (the files git knows,
# or, outside a git checkout, everything but build*/ and .git) to
# WORK_DIR/pmem2-VERSION/ and puts cmake/debian/debian/ there as debian/ (the
# top level of the project stays as the design names it). Prints the path.
# Then: cd WORK_DIR/pmem2-VERSION && dpkg-buildpackage -us -uc
set -euo pipefail
src=$(readlink -f "$1") work=$2
version=$(dpkg-parsechangelog -l "$src/cmake/debian/debian/changelog" -S Version)
mkdir -p "$work"
dest=$(readlink -f "$work")/pmem2-$version
rm -rf "$dest"; mkdir -p "$dest"
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1 &&
	[[ $(git -C "$src" rev-parse --show-toplevel) == "$src" ]]; then
	# Tracked and untracked-but-not-ignored files, as they are in the working tree.
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
		tar -C "$src" --null -T - -cf - | tar -C "$dest" -xf -
else
	tar -C "$src" --exclude='./build*' --exclude=./.git --exclude=./debian -cf - . | tar -C "$dest" -xf -
fi
cp -a "$src/cmake/debian/debian" "$dest/debian"
echo "$dest"
