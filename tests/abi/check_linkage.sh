#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks a shared library's soname and that it needs nothing of the C++ runtime at
# load time: no NEEDED libstdc++/libgcc_s, no strong undefined C++ or GLIBCXX/CXXABI/GCC
# symbols (weak references, e.g. libstdc++'s optional transactional-memory hooks,
# resolve to null when absent and are harmless).
# Every strong import must carry a symbol version of an allowed provider
# (glibc always; e.g. libndctl/libdaxctl for the RAS backend).
# usage: check_linkage.sh <lib.so> <expected-soname> [<allowed-version-prefix>...]
set -euo pipefail
lib=$1 soname=$2
shift 2
allowed=(GLIBC_ "$@")
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
# Every strong undefined symbol must come from an allowed, versioned provider.
pattern=$(printf '|%s' "${allowed[@]}")
if bad=$(grep -vE "@(${pattern:1})[0-9.]+\$" <<<"$strong"); then
	echo "FAIL: undefined symbols not versioned by an allowed provider (${allowed[*]}):"; echo "$bad" | sed 's/^/    /'; status=1
fi
if grep -q 'TEXTREL' <<<"$dyn"; then
	echo "FAIL: text relocations"; status=1
fi
[[ $status == 0 ]] && echo "OK: soname $soname, $(wc -l <<<"$strong") imports all versioned by ${allowed[*]}, no C++ runtime needed"
exit $status
