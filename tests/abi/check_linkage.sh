#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks a shared library's soname and that it needs nothing of the C++ runtime at
# load time: no NEEDED libstdc++/libgcc_s, no strong undefined C++ or GLIBCXX/CXXABI/GCC
# symbols (weak references, e.g. libstdc++'s optional transactional-memory hooks,
# resolve to null when absent and are harmless).
# usage: check_linkage.sh <lib.so> <expected-soname>
set -euo pipefail
lib=$1 soname=$2
[[ -f $lib ]] || { echo "FAIL: library $lib not found"; exit 1; }
status=0
dyn=$(readelf -d "$lib")
got=$(sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' <<<"$dyn")
if [[ $got != "$soname" ]]; then
	echo "FAIL: SONAME is '$got', expected '$soname'"; status=1
fi
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dyn")
echo "NEEDED: $(echo $needed)"
if grep -E 'libstdc\+\+|libgcc_s|libc\+\+' <<<"$needed"; then
	echo "FAIL: the library needs a C++ runtime library"; status=1
fi
undef=$(nm -D --undefined-only --with-symbol-versions "$lib")
strong=$(awk '$1 == "U" {print $2}' <<<"$undef")
if bad=$(grep -E '^_Z|@GLIBCXX|@CXXABI|@GCC_' <<<"$strong"); then
	echo "FAIL: strong undefined C++ runtime symbols:"; echo "$bad" | sed 's/^/    /'; status=1
fi
# Every strong undefined symbol must come from glibc (libc / ld.so).
if bad=$(grep -vE '@GLIBC_[0-9.]+$' <<<"$strong"); then
	echo "FAIL: undefined symbols not versioned by glibc:"; echo "$bad" | sed 's/^/    /'; status=1
fi
if grep -q 'TEXTREL' <<<"$dyn"; then
	echo "FAIL: text relocations"; status=1
fi
[[ $status == 0 ]] && echo "OK: soname $soname, $(wc -l <<<"$strong") glibc imports, no C++ runtime needed"
exit $status
