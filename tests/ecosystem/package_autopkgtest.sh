#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# package_autopkgtest.sh PACKAGE_WORK_DIR WORK_DIR
# Runs the source package's autopkgtests (debian/tests/control) with
# autopkgtest's null virtualisation server against the packages package_build
# made. The null server installs the packages into the machine it runs on, so
# it runs in a private mount namespace, chrooted into an overlay of / whose
# upper directory is under WORK_DIR: the machine's own packages (Debian's
# libpmem2 and libpmem2-dev, which the other tests use) never change.
# autopkgtest exit code 2 (a test skipped, e.g. no network for Debian's example
# sources) is reported as SKIPPED (77), never as passed.
set -euo pipefail
pkg=$(readlink -f "$1") w=$2
fail() { echo "FAIL: $*"; exit 1; }
command -v autopkgtest >/dev/null || { echo "SKIPPED: autopkgtest missing (apt-get install autopkgtest)"; exit 77; }
[[ $(id -u) == 0 ]] || { echo "SKIPPED: needs root (mount namespace, overlay, chroot)"; exit 77; }
tree=$(ls -d "$pkg"/build/pmem2-*/ 2>/dev/null | head -1)
[[ -n $tree && -d $pkg/debs ]] || fail "no package in $pkg (package_build failed?)"
rm -rf "$w"; mkdir -p "$w"; w=$(readlink -f "$w")
host_before=$(dpkg-query -W libpmem2 libpmem2-dev 2>&1 || true)
debs=$(ls "$pkg"/debs/*.deb | grep -v -- '-dbgsym_' | tr '\n' ' ')
cat >"$w/inside.sh" <<INSIDE
#!/bin/bash
export DEBIAN_FRONTEND=noninteractive
unset LD_LIBRARY_PATH LD_PRELOAD
autopkgtest --no-built-binaries --output-dir $w/out $tree $debs -- null
echo "autopkgtest exit \$?"
INSIDE
chmod +x "$w/inside.sh"
root=$w/root
mkdir -p "$w/upper" "$w/work" "$root"
start=$SECONDS
unshare -m --propagation private bash -c "
	set -e
	mount -t overlay overlay -o lowerdir=/,upperdir=$w/upper,workdir=$w/work $root
	mount --rbind /proc $root/proc; mount --rbind /dev $root/dev; mount --rbind /sys $root/sys
	chroot $root $w/inside.sh" >"$w/autopkgtest.log" 2>&1 || { cat "$w/autopkgtest.log"; fail "the namespace"; }
echo "autopkgtest (null server, in an overlay root) in $((SECONDS - start)) s:"
grep -E '^(build-and-run|debian-examples) |^OK:|^debian-examples:|^pkg-config|^cmake-package|^ok:|SKIP|FAIL' "$w/autopkgtest.log" | sed 's/^/    /' | sort -u
host_after=$(dpkg-query -W libpmem2 libpmem2-dev 2>&1 || true)
[[ $host_before == "$host_after" ]] || fail "the machine's packages changed: $host_before -> $host_after"
! grep -q " $root " /proc/mounts || fail "overlay still mounted"
rc=$(sed -n 's/^autopkgtest exit //p' "$w/autopkgtest.log")
case $rc in
0) echo "ok: every autopkgtest passed against the installed packages" ;;
2) echo "SKIPPED: an autopkgtest was skipped (see above); the others passed"; exit 77 ;;
*) tail -60 "$w/autopkgtest.log"; fail "autopkgtest exit $rc" ;;
esac
