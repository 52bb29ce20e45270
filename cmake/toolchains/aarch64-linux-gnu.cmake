# SPDX-License-Identifier: BSD-3-Clause
# Cross build for aarch64 with Debian's aarch64-linux-gnu cross compiler (g++-aarch64-linux-gnu);
# tests run under qemu-aarch64-static (qemu-user-static), -cpu cortex-a72 by default
# (override with PMEM2_QEMU_CPU). Libraries of the target come from Debian's
# multiarch packages (dpkg --add-architecture arm64; libndctl-dev:arm64 ...).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(PMEM2_CROSS_TRIPLET aarch64-linux-gnu)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Search roots: GoogleTest built for the target (PMEM2_CROSS_GTEST_ROOT, by
# tests/cross/run-cross.sh), the cross toolchain's sysroot, and / for the multiarch
# libraries in /usr/lib/<triplet> (CMAKE_LIBRARY_ARCHITECTURE picks that folder).
set(CMAKE_FIND_ROOT_PATH ${PMEM2_CROSS_GTEST_ROOT} /usr/${PMEM2_CROSS_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_PATH /usr/lib/aarch64-linux-gnu)
if(NOT DEFINED PMEM2_QEMU_CPU)
	set(PMEM2_QEMU_CPU cortex-a72)
endif()
# No -L: the guest uses the multiarch runtime (libc6, libstdc++6 of the target in
# /lib/<triplet>, whose loader multiarch installs where the binaries expect it).
# Mixing the cross toolchain's loader (-L /usr/<triplet>) with the multiarch libc
# (a different Debian revision of glibc 2.36) makes every pthread_create hang.
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/emulate.sh;qemu-aarch64-static;-cpu;${PMEM2_QEMU_CPU})
