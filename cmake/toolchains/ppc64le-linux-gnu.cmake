# SPDX-License-Identifier: BSD-3-Clause
# Cross build for ppc64le with Debian's powerpc64le-linux-gnu cross compiler (g++-powerpc64le-linux-gnu);
# tests run under qemu-ppc64le-static (qemu-user-static), -cpu power9 by default
# (override with PMEM2_QEMU_CPU). Libraries of the target come from Debian's
# multiarch packages (dpkg --add-architecture ppc64el; libndctl-dev:ppc64el ...).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(CMAKE_C_COMPILER powerpc64le-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER powerpc64le-linux-gnu-g++)
set(PMEM2_CROSS_TRIPLET powerpc64le-linux-gnu)
set(CMAKE_LIBRARY_ARCHITECTURE powerpc64le-linux-gnu)
# Search roots: GoogleTest built for the target (PMEM2_CROSS_GTEST_ROOT, by
# tests/cross/run-cross.sh), the cross toolchain's sysroot, and / for the multiarch
# libraries in /usr/lib/<triplet> (CMAKE_LIBRARY_ARCHITECTURE picks that folder).
set(CMAKE_FIND_ROOT_PATH ${PMEM2_CROSS_GTEST_ROOT} /usr/${PMEM2_CROSS_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_PATH /usr/lib/powerpc64le-linux-gnu)
if(NOT DEFINED PMEM2_QEMU_CPU)
	set(PMEM2_QEMU_CPU power9)
endif()
# No -L: the guest uses the multiarch runtime (libc6, libstdc++6 of the target in
# /lib/<triplet>, whose loader multiarch installs where the binaries expect it).
# Mixing the cross toolchain's loader (-L /usr/<triplet>) with the multiarch libc
# (a different Debian revision of glibc 2.36) makes every pthread_create hang.
# qemu-user 7.2 runs ppc64le guests with the host's 4 KiB pages. Its -p 65536 gives
# 64 KiB pages (getpagesize() and mmap alignment) but crashes the C++ test binaries
# at start-up (getrandom EFAULT, then SIGSEGV), so only the C-API suite runs with
# 64 KiB pages (tests/cross: cross_capi_c_64KiB_pages_*).
set(PMEM2_QEMU_PAGE_SIZE_ARGS -p 65536)
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/emulate.sh;qemu-ppc64le-static;-cpu;${PMEM2_QEMU_CPU})
