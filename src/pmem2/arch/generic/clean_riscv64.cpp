// SPDX-License-Identifier: BSD-3-Clause
// clean_riscv64.cpp -- RISC-V Zicbom: cbo.clean writes a cache block back to
// memory (keeping it valid) and may be executed in U-mode when the kernel enables
// it (menvcfg/senvcfg.CBCFE), which Linux does, and reports, through riscv_hwprobe.
// Debian 12's kernel headers predate the hwprobe keys, so they are spelled here.
#include <cerrno>
#include <cstdint>
#include <sys/syscall.h>
#include <unistd.h>

#include "pmem2/arch/generic/clean_probe.hpp"

#ifndef __NR_riscv_hwprobe
#define __NR_riscv_hwprobe 258
#endif

namespace pmem2::arch::generic {

namespace {

struct HwprobePair {
	std::int64_t key;
	std::uint64_t value;
};
constexpr std::int64_t kKeyImaExt0 = 4;
constexpr std::uint64_t kExtZicbom = std::uint64_t{1} << 55;
constexpr std::int64_t kKeyZicbomBlockSize = 12;

} // namespace

CleanProbe probe_clean() noexcept
{
	HwprobePair pairs[2] = {{kKeyImaExt0, 0}, {kKeyZicbomBlockSize, 0}};
	// All online CPUs (cpusetsize 0, cpus NULL), no flags. A kernel that does not
	// know a key sets it to -1; one without the syscall fails with ENOSYS (so does
	// qemu-user 7.2), and then no clean is used.
	if (::syscall(__NR_riscv_hwprobe, pairs, 2, 0, nullptr, 0) != 0)
		return {};
	CleanProbe p;
	p.available = pairs[0].key == kKeyImaExt0 && (pairs[0].value & kExtZicbom) != 0 &&
		      pairs[1].key == kKeyZicbomBlockSize;
	p.block_size = p.available ? pairs[1].value : 0;
	return p;
}

// cbo.clean 0(rs1): MISC-MEM opcode 0x0f, funct3 2, rd 0, imm 1. .insn, because
// Debian 12's binutils 2.40 does not know the Zicbom mnemonics without -march.
void clean_block(const void *p) noexcept { __asm__ volatile(".insn i 0x0f, 2, x0, %0, 1" : : "r"(p) : "memory"); }

// fence rw,rw: the CMO specification lets FENCE order cbo.clean like the memory
// accesses it assigns it to; a fence over both reads and writes covers it either
// way, and orders it (and the copy) before every later load and store.
void clean_fence() noexcept { __asm__ volatile("fence rw,rw" : : : "memory"); }

} // namespace pmem2::arch::generic
