#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# install_consumers.sh BUILD_DIR CONSUMER_C WORKDIR
# Installs the build into a temporary prefix and builds the consumer three ways:
#  1. pkg-config, dynamic:  cc consumer.c $(pkg-config --cflags --libs libpmem2)
#  2. pkg-config, static:   the same with --static, in a copy of the prefix that
#     holds only the static archive (as a static-only install would); also shows
#     that the private fields are needed (the link without --static must fail);
#  3. CMake:                find_package(pmem2 CONFIG), pmem2::pmem2 and
#     pmem2::pmem2_static.
# Every program must run and print its OK line; the dynamic ones must have been
# served by the installed library, the static ones by no shared libpmem2 at all.
set -euo pipefail
build=$1 consumer=$2 w=$3
rm -rf "$w"; mkdir -p "$w"
prefix=$w/prefix
cmake --install "$build" --prefix "$prefix" >"$w/install.log"
pc=$(dirname "$(find "$prefix" -name libpmem2.pc | head -1)")
[[ -f $pc/libpmem2.pc ]] || { echo "FAIL: libpmem2.pc not installed"; exit 1; }
libdir=$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir libpmem2)
[[ $libdir == "$prefix"/* && -f $libdir/libpmem2.so.1 && -f $libdir/libpmem2.a ]] ||
	{ echo "FAIL: libdir $libdir from libpmem2.pc does not hold the installed libraries"; exit 1; }
status=0
check_run() { # name binary expect-library
	local out
	if ! out=$(env -u LD_LIBRARY_PATH "$2" "$w" 2>&1); then
		echo "FAIL: $1: $out"; status=1; return
	fi
	if [[ $out != "consumer: OK"*"library=$3" ]]; then
		echo "FAIL: $1: unexpected output: $out (wanted library=$3)"; status=1; return
	fi
	echo "ok: $1: $out"
}
no_shared_pmem2() { # binary
	! readelf -d "$1" | grep 'NEEDED.*libpmem2' >/dev/null
}

# 1. pkg-config, dynamic
export PKG_CONFIG_PATH=$pc
cc -o "$w/pc-dynamic" "$consumer" $(pkg-config --cflags --libs libpmem2) -Wl,-rpath,"$libdir" -ldl
check_run "pkg-config dynamic" "$w/pc-dynamic" "$libdir/libpmem2.so.1"

# 2. pkg-config --static, against a static-only copy of the prefix
sprefix=$w/static-prefix
cp -a "$prefix" "$sprefix"
find "$sprefix" -name 'libpmem*.so*' -delete
sed -i "s|^prefix=.*|prefix=$sprefix|" "$sprefix"/${pc#"$prefix"/}/*.pc
export PKG_CONFIG_PATH=$sprefix/${pc#"$prefix"/}
echo "   static link flags: $(pkg-config --static --libs libpmem2)"
if cc -o "$w/pc-nostatic" "$consumer" $(pkg-config --cflags --libs libpmem2) -ldl 2>"$w/nostatic.err"; then
	echo "FAIL: linking libpmem2.a without the private dependencies succeeded: the test proves nothing"; status=1
else
	echo "ok: without --static the link fails ($(grep -m1 -o 'undefined reference to [^ ]*' "$w/nostatic.err"))"
fi
cc -o "$w/pc-static" "$consumer" $(pkg-config --static --cflags --libs libpmem2) -ldl
no_shared_pmem2 "$w/pc-static" || { echo "FAIL: pkg-config --static binary needs a shared libpmem2"; status=1; }
check_run "pkg-config --static" "$w/pc-static" "(static)"
# Only the API is global in the archive: C++ internals would clash with the application.
# The one exception objcopy cannot localize is STB_GNU_UNIQUE ("u"): libstdc++'s
# inline static tables, one per process by design and identical by the ODR.
extra=$(nm -g --defined-only "$sprefix"/${libdir#"$prefix"/}/libpmem2.a | awk 'NF==3 && $3 !~ /^pmem2_/ && !($2 == "u" && $3 ~ /^_ZZNSt|^_ZNSt|^_ZGVZNSt/)' | head -5)
[[ -z $extra ]] || { echo "FAIL: libpmem2.a defines non-API globals: $extra"; status=1; }
napi=$(nm -g --defined-only "$sprefix"/${libdir#"$prefix"/}/libpmem2.a | awk 'NF==3 && $3 ~ /^pmem2_/' | wc -l)
echo "ok: libpmem2.a defines $napi global pmem2_* functions and no other globals (std:: unique tables aside)"
export PKG_CONFIG_PATH=$pc

# 3. CMake package
mkdir -p "$w/cm"
cp "$consumer" "$w/cm/consumer.c"
cat >"$w/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(PMEM2 1.0 CONFIG REQUIRED)
add_executable(cm-dynamic consumer.c)
target_link_libraries(cm-dynamic PRIVATE pmem2::pmem2 ${CMAKE_DL_LIBS})
add_executable(cm-static consumer.c)
target_link_libraries(cm-static PRIVATE pmem2::pmem2_static ${CMAKE_DL_LIBS})
find_package(pmem2 99 CONFIG QUIET)
if(pmem2_FOUND)
	message(FATAL_ERROR "version file accepted major version 99")
endif()
CM
if cmake -S "$w/cm" -B "$w/cm/build" -DCMAKE_PREFIX_PATH="$prefix" >"$w/cm.log" 2>&1 &&
	cmake --build "$w/cm/build" >>"$w/cm.log" 2>&1; then
	no_shared_pmem2 "$w/cm/build/cm-static" || { echo "FAIL: pmem2::pmem2_static binary needs a shared libpmem2"; status=1; }
	check_run "CMake find_package, pmem2::pmem2" "$w/cm/build/cm-dynamic" "$libdir/libpmem2.so.1"
	check_run "CMake find_package, pmem2::pmem2_static" "$w/cm/build/cm-static" "(static)"
else
	echo "FAIL: CMake consumer:"; tail -20 "$w/cm.log"; status=1
fi

# libpmemset, when this build has it: pkg-config (dynamic and static) and CMake.
if [[ -f $pc/libpmemset.pc ]]; then
	cat >"$w/set.c" <<'C'
#include <libpmemset.h>
#include <stdio.h>
int main(void)
{
	struct pmemset_config *cfg = NULL;
	if (pmemset_config_new(&cfg) != 0 || cfg == NULL || pmemset_config_delete(&cfg) != 0 || cfg != NULL)
		return 1;
	struct pmem2_config *c2 = NULL; /* libpmem2 reached through libpmemset.pc's Requires */
	if (pmem2_config_new(&c2) != 0 || pmem2_config_delete(&c2) != 0)
		return 1;
	puts("pmemset consumer: OK");
	return 0;
}
C
	cc -o "$w/set-dynamic" "$w/set.c" $(pkg-config --cflags --libs libpmemset) -Wl,-rpath,"$libdir" &&
		env -u LD_LIBRARY_PATH "$w/set-dynamic" && echo "ok: libpmemset via pkg-config dynamic" ||
		{ echo "FAIL: libpmemset via pkg-config dynamic"; status=1; }
	PKG_CONFIG_PATH=$sprefix/${pc#"$prefix"/} sh -c 'cc -o "$1/set-static" "$1/set.c" $(pkg-config --static --cflags --libs libpmemset)' _ "$w" &&
		no_shared_pmem2 "$w/set-static" && ! readelf -d "$w/set-static" | grep 'NEEDED.*libpmemset' >/dev/null &&
		"$w/set-static" && echo "ok: libpmemset via pkg-config --static" ||
		{ echo "FAIL: libpmemset via pkg-config --static"; status=1; }
	extra=$(nm -g --defined-only "$sprefix"/${libdir#"$prefix"/}/libpmemset.a | awk 'NF==3 && $3 !~ /^pmemset_/ && !($2 == "u" && $3 ~ /^_ZZNSt|^_ZNSt|^_ZGVZNSt/)' | head -5)
	[[ -z $extra ]] || { echo "FAIL: libpmemset.a defines non-API globals: $extra"; status=1; }
	mkdir -p "$w/cmset" && cp "$w/set.c" "$w/cmset/" && cat >"$w/cmset/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(setconsumer C)
find_package(pmem2 CONFIG REQUIRED)
if(NOT pmem2_HAVE_PMEMSET)
	message(FATAL_ERROR "package says libpmemset is absent")
endif()
add_executable(set-cm set.c)
target_link_libraries(set-cm PRIVATE pmem2::pmemset)
add_executable(set-cm-static set.c)
target_link_libraries(set-cm-static PRIVATE pmem2::pmemset_static)
CM
	if cmake -S "$w/cmset" -B "$w/cmset/build" -DCMAKE_PREFIX_PATH="$prefix" >"$w/cmset.log" 2>&1 &&
		cmake --build "$w/cmset/build" >>"$w/cmset.log" 2>&1 &&
		env -u LD_LIBRARY_PATH "$w/cmset/build/set-cm" && "$w/cmset/build/set-cm-static" &&
		! readelf -d "$w/cmset/build/set-cm-static" | grep 'NEEDED.*libpmem' >/dev/null; then
		echo "ok: libpmemset via CMake pmem2::pmemset and pmem2::pmemset_static"
	else
		echo "FAIL: libpmemset via CMake"; tail -20 "$w/cmset.log"; status=1
	fi
else
	echo "note: this build has no libpmemset (target pmemset absent); its consumers were not built"
fi
exit $status
