# SPDX-License-Identifier: BSD-3-Clause
# Cross build for riscv64 with Debian's riscv64-linux-gnu cross compiler (g++-riscv64-linux-gnu);
# tests run under qemu-riscv64-static (qemu-user-static), -cpu rv64 by default
# (override with PMEM2_QEMU_CPU). Debian 12 has no riscv64 packages, so there is no
# libndctl/libdaxctl for it: the build uses the *_none backends.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(PMEM2_CROSS_TRIPLET riscv64-linux-gnu)
set(CMAKE_LIBRARY_ARCHITECTURE riscv64-linux-gnu)
# Search roots: GoogleTest built for the target (PMEM2_CROSS_GTEST_ROOT, by
# tests/cross/run-cross.sh), the cross toolchain's sysroot, and / for the multiarch
# libraries in /usr/lib/<triplet> (CMAKE_LIBRARY_ARCHITECTURE picks that folder).
set(CMAKE_FIND_ROOT_PATH ${PMEM2_CROSS_GTEST_ROOT} /usr/${PMEM2_CROSS_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_PATH /usr/lib/riscv64-linux-gnu)
if(NOT DEFINED PMEM2_QEMU_CPU)
	set(PMEM2_QEMU_CPU rv64)
endif()
# -L: the guest's root for the dynamic loader and libc (libc6-<arch>-cross); paths
# missing there fall through to the host's, where multiarch put /usr/lib/<triplet>.
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/emulate.sh;qemu-riscv64-static;-cpu;${PMEM2_QEMU_CPU};-L;/usr/riscv64-linux-gnu)
