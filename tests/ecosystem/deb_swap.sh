#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# deb_swap.sh DEBS_DIR WORK_DIR CONSUMER_C COMPAT_INCLUDE_DIR
# Takes the Debian packages package_build made with dpkg-buildpackage, then, in a private mount namespace
# with an overlay of / (so the machine's own packages never change), installs
# them with `apt-get install ./*.deb` over Debian's libpmem2/libpmem2-dev and runs there the
# Debian examples that were built against the reference beforehand, with no
# LD_LIBRARY_PATH or LD_PRELOAD. Checks that dpkg replaced the reference, that
# the dynamic linker bound the examples' pmem2_* calls (name@LIBPMEM2_1.0) to the
# file our package installed, that each example behaves as it did on the
# reference, and that the machine is unchanged afterwards.
set -euo pipefail
debs=$(readlink -m "$1") w=$2 consumer=$3 compat=$4
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) == 0 ]] || skip "needs root (mount namespace, overlay, chroot)"
for t in unshare chroot dpkg-deb pkg-config cc cmake; do
	command -v $t >/dev/null || skip "$t missing: install the packages in tests/ecosystem/apt-packages"
done
# package_build is skipped without these; then there is nothing to install.
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null || skip "$t missing, so package_build made no packages (apt-get install dpkg-dev debhelper lintian)"
done
ex_src=/usr/share/doc/libpmem2-dev/examples
ref_lib=/usr/lib/x86_64-linux-gnu/libpmem2.so.1
for p in libpmem2 libpmem2-dev; do
	dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q "install ok installed" ||
		skip "reference package $p is not installed (apt-get install libpmem2 libpmem2-dev)"
done
[[ -d $ex_src ]] || fail "$ex_src missing"
rm -rf "$w"; mkdir -p "$w"; w=$(readlink -f "$w")

# 1. Packages.
compgen -G "$debs/libpmem2-1_*.deb" >/dev/null || fail "no packages in $debs (package_build failed?)"
mkdir -p "$w/debs"; cp "$debs"/*.deb "$w/debs/"
for f in "$w"/debs/*.deb; do
	echo "built $(basename "$f"): $(dpkg-deb -f "$f" Provides Conflicts Replaces | tr '\n' ' ')"
done
runtime=$(ls "$w"/debs/libpmem2-1_*.deb) dev=$(ls "$w"/debs/libpmem2-cxx-dev_*.deb)
[[ $(dpkg-deb -f "$runtime" Conflicts) == libpmem2 && $(dpkg-deb -f "$runtime" Replaces) == libpmem2 &&
	$(dpkg-deb -f "$runtime" Provides) == "libpmem2 (= "* ]] || fail "runtime package relations"
[[ $(dpkg-deb -f "$dev" Conflicts) == libpmem2-dev && $(dpkg-deb -f "$dev" Provides) == "libpmem2-dev (= "* ]] ||
	fail "dev package relations"

# 2. The Debian examples, built against the reference, and their behaviour there.
mkdir -p "$w/ex"
examples=(basic advanced map_multiple_files redo ringbuf log unsafe_shutdown)
for e in "${examples[@]}"; do
	cc -O1 -w -I"$compat" -o "$w/ex/$e" "$ex_src/$e/$e.c" -lpmem2 -pthread || fail "building example $e against the reference"
done
cp "$consumer" "$w/ex/consumer.c"
cat >"$w/ex/run.sh" <<'RUN'
#!/bin/bash
# Runs every example in a fresh directory; prints "name rc check".
set -u
cd "$1"; d=$(mktemp -d); out=$d/out
r() { local name=$1; shift; "$@" >"$out" 2>&1; echo "$name $? $2"; }
truncate -s 16M "$d/f1" "$d/f2" "$d/f3"
./basic "$d/f1" >"$out" 2>&1; echo "basic $? $(head -c 24 "$d/f1")"
./advanced "$d/f1" 0 4096 >"$out" 2>&1; echo "advanced $? $(head -c 14 "$out")"
./map_multiple_files "$d/f2" "$d/f3" >"$out" 2>&1; echo "map_multiple_files $?"
./redo add "$d/f1" 7 42 >"$out" 2>&1; a=$?; ./redo check "$d/f1" >>"$out" 2>&1; echo "redo $a$? $(./redo print "$d/f1" 2>&1 | tr -s ' \n' ' ')"
./ringbuf "$d/f2" 64 100 >"$out" 2>&1; echo "ringbuf $? $(grep -c Bandwidth "$out")"
./log "$d/f3" append hello appendv 2 ab cd dump rewind append x dump >"$out" 2>/dev/null; echo "log $? $(tr '\n' '|' <"$out")"
truncate -s 16M "$d/u"; ./unsafe_shutdown read "$d/u" >"$out" 2>/dev/null; a=$?
./unsafe_shutdown write "$d/u" persisted >>"$out" 2>/dev/null; b=$?
./unsafe_shutdown read "$d/u" >>"$out" 2>/dev/null; echo "unsafe_shutdown $a$b$? $(tr '\n' '|' <"$out")"
rm -rf "$d"
RUN
chmod +x "$w/ex/run.sh"
env -u LD_LIBRARY_PATH -u LD_PRELOAD "$w/ex/run.sh" "$w/ex" >"$w/ref.results"
echo "on the reference:"; sed 's/^/    /' "$w/ref.results"
grep -q '^basic 0 hello, persistent memory' "$w/ref.results" || fail "examples do not work on the reference: the test premise"

host_before=$(dpkg-query -W libpmem2 libpmem2-dev; sha256sum "$(readlink -f $ref_lib)")

# 3. The swap, inside a throwaway root.
cat >"$w/inside.sh" <<INSIDE
#!/bin/bash
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
unset LD_LIBRARY_PATH LD_PRELOAD
echo "--- apt-get install ./*.deb"
# apt resolves the swap as a user's install would: our packages conflict with,
# replace and provide Debian's, so apt removes libpmem2 and libpmem2-dev.
apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 $w/debs/*.deb 2>&1 |
	grep -E 'Unpacking|Removing|removing|Setting up|error|^E:' || true
echo "--- packages"
dpkg-query -W -f='\${Package} \${Version} \${Status}\n' libpmem2 libpmem2-dev libpmem2-1 libpmemset1 libpmem2-cxx-dev pmem2-tools 2>&1 || true
echo "--- owner \$(dpkg -S $ref_lib)"
echo "--- ldconfig \$(ldconfig -p | grep -m1 'libpmem2.so.1 ')"
echo "--- nodes \$(nm -D --with-symbol-versions $ref_lib | grep -c 'pmem2_map_new@')"
echo "--- results"
$w/ex/run.sh $w/ex
echo "--- bindings"
cd /tmp && truncate -s 16M swapfile && LD_DEBUG=bindings $w/ex/basic swapfile 2>&1 | grep "normal symbol \\\`pmem2_map_new'" | sed 's/^ *[0-9]*: *//'
echo "--- pkg-config \$(pkg-config --modversion libpmem2) \$(pkg-config --static --libs libpmem2)"
cc -o /tmp/consumer $w/ex/consumer.c \$(pkg-config --cflags --libs libpmem2) -ldl && echo "--- consumer \$(/tmp/consumer /tmp)"
echo "--- man \$(man -w pmem2_map_new 2>&1)"
echo "--- tool \$(pmem2-info --json /tmp/swapfile | grep -o '"store_granularity": "[A-Z_]*"')"
INSIDE
chmod +x "$w/inside.sh"
root=$w/root
mkdir -p "$w/upper" "$w/work" "$root"
unshare -m --propagation private bash -c "
	set -e
	mount -t overlay overlay -o lowerdir=/,upperdir=$w/upper,workdir=$w/work $root
	mount --rbind /proc $root/proc; mount --rbind /dev $root/dev; mount --rbind /sys $root/sys
	chroot $root $w/inside.sh" >"$w/inside.log" 2>&1 || { cat "$w/inside.log"; fail "the swap inside the namespace"; }
sed 's/^/    /' "$w/inside.log"

# 4. Verdict.
log=$w/inside.log
grep -q '^libpmem2-1 .* install ok installed' "$log" || fail "libpmem2-1 not installed"
grep -q '^libpmemset1 .* install ok installed' "$log" || fail "libpmemset1 not installed"
grep -q '^libpmem2-cxx-dev .* install ok installed' "$log" || fail "libpmem2-cxx-dev not installed"
! grep -qE '^libpmem2(-dev)? .* install ok installed' "$log" || fail "the reference packages are still installed"
grep -q "^--- owner libpmem2-1:" "$log" || fail "$ref_lib is not owned by libpmem2-1"
grep -q "^--- nodes 2" "$log" || fail "the installed libpmem2.so.1 does not export both nodes (not ours)"
grep -qE "to (/usr)?/lib/x86_64-linux-gnu/libpmem2.so.1 \[0\]: normal symbol .pmem2_map_new' \[LIBPMEM2_1\.0\]" "$log" ||
	fail "the reference-built example did not bind pmem2_map_new@LIBPMEM2_1.0 in the installed file"
sed -n '/^--- results/,/^--- bindings/p' "$log" | sed '1d;$d' >"$w/ours.results"
diff -u "$w/ref.results" "$w/ours.results" || fail "the examples behave differently on our library"
grep -q "^--- consumer consumer: OK" "$log" || fail "consumer built with the installed pkg-config file"
grep -q "^--- man /usr/share/man/man3/pmem2_map_new.3.gz" "$log" || fail "man page not installed"
grep -q '^--- tool "store_granularity": "PAGE"' "$log" || fail "pmem2-info in the package"
echo "ok: the ${#examples[@]} examples built against PMDK 1.12 ran on the swapped-in libpmem2-1 exactly as on the reference"

host_after=$(dpkg-query -W libpmem2 libpmem2-dev; sha256sum "$(readlink -f $ref_lib)")
[[ $host_before == "$host_after" ]] || fail "the machine's own packages changed: $host_before -> $host_after"
! grep -q " $root " /proc/mounts || fail "overlay still mounted"
echo "ok: the machine's packages are unchanged ($(echo "$host_before" | head -2 | tr '\n' ' '))"
