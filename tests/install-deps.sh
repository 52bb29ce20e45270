#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# install-deps.sh [build|test] -- installs the Debian 12 packages the build (and
# with "test", the test suite) needs; only runs apt-get when something is missing.
set -eu
BUILD_PKGS="cmake make g++ gcc pkg-config libndctl-dev libdaxctl-dev"
TEST_PKGS="libgtest-dev googletest libpmem2 libpmem2-dev binutils"
# Packages that individual test areas declare in tests/<area>/apt-packages.
want=$BUILD_PKGS
if [ "${1:-build}" = test ]; then
	want="$want $TEST_PKGS"
	for f in "$(dirname "$0")"/*/apt-packages; do
		[ -f "$f" ] && want="$want $(grep -v '^#' "$f" | tr '\n' ' ')"
	done
fi
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Maintainer scripts of some packages call systemctl, which on a machine or
	# container not booted with systemd only complains; apt's real errors stay.
	log=$(mktemp)
	status=0
	{ apt-get -o DPkg::Lock::Timeout=900 update -qq &&
		# shellcheck disable=SC2086
		apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing; } >"$log" 2>&1 || status=$?
	grep -v -e 'System has not been booted with systemd' -e 'Failed to connect to bus' \
		-e "Can't operate\. Failed to connect to" "$log" || true
	rm -f "$log"
	[ "$status" = 0 ] || { echo "install-deps: apt-get failed ($status)"; exit "$status"; }
fi
