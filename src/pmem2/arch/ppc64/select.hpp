// SPDX-License-Identifier: BSD-3-Clause
// select.hpp -- how the POWER (ppc64le) data path is chosen, and the instruction
// words it executes, as pure constants and functions, so tests on any host check
// the ISA 3.1 choice that qemu-user cannot execute.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmem2::arch::ppc64 {

// AT_HWCAP2 bit PPC_FEATURE2_ARCH_3_1 (0x00040000, the kernel's uapi asm/cputable.h):
// the CPU implements Power ISA 3.1 (POWER10).
constexpr std::uint64_t kFeature2Arch31 = 0x00040000;

enum class Clean {
	Dcbstps, // ISA 3.1 dcbf L=6: write the block to persistent storage, keep it cached
	Dcbf,    // dcbf L=0: write the block to main storage and invalidate it
};
enum class Fence {
	Phwsync, // ISA 3.1 sync L=4
	Hwsync,  // sync L=0
};

struct Choice {
	Clean clean = Clean::Dcbf;
	Fence fence = Fence::Hwsync;
	std::size_t line = 128; // bytes
};

// Every 64-bit POWER CPU Linux runs on has 128-byte blocks; used only when the
// kernel does not report AT_DCACHEBSIZE (or reports something that is not a power
// of two).
constexpr std::size_t kDefaultLine = 128;

constexpr bool is_pow2(std::uint64_t v) noexcept { return v != 0 && (v & (v - 1)) == 0; }

// hwcap2: getauxval(AT_HWCAP2); dcache_bsize: getauxval(AT_DCACHEBSIZE).
constexpr Choice decide(std::uint64_t hwcap2, std::uint64_t dcache_bsize) noexcept
{
	Choice c;
	const bool isa31 = (hwcap2 & kFeature2Arch31) != 0;
	c.clean = isa31 ? Clean::Dcbstps : Clean::Dcbf;
	c.fence = isa31 ? Fence::Phwsync : Fence::Hwsync;
	c.line = is_pow2(dcache_bsize) && dcache_bsize >= 16 ? static_cast<std::size_t>(dcache_bsize) : kDefaultLine;
	return c;
}

// Instruction words (X-form, primary opcode 31). Debian 12's binutils 2.40 knows
// dcbstps and phwsync only with -mpower10, which would let the compiler emit POWER10
// code elsewhere; the words are written out instead.
//   dcbf  L,RA,RB: 31 | L<<21 | RA<<16 | RB<<11 | 86<<1   (L is 3 bits in ISA 3.1)
//   sync  L:       31 | L<<21 | 598<<1
constexpr std::uint32_t kDcbfBase = (31u << 26) | (86u << 1); // 0x7c0000ac
constexpr std::uint32_t kSyncBase = (31u << 26) | (598u << 1); // 0x7c0004ac
constexpr std::uint32_t dcbf_word(unsigned l, unsigned ra, unsigned rb) noexcept
{
	return kDcbfBase | (l & 7u) << 21 | (ra & 31u) << 16 | (rb & 31u) << 11;
}
constexpr std::uint32_t sync_word(unsigned l) noexcept { return kSyncBase | (l & 7u) << 21; }
constexpr unsigned kDcbstpsL = 6;
constexpr unsigned kPhwsyncL = 4;

constexpr const char *name_for(Clean c) noexcept { return c == Clean::Dcbstps ? "dcbstps" : "dcbf"; }
constexpr const char *name_for(Fence f) noexcept { return f == Fence::Phwsync ? "phwsync" : "hwsync"; }

// pmem2-info's caveat for the pre-ISA 3.1 path.
constexpr const char *kPre31Note =
	"the CPU is older than Power ISA 3.1 (no PPC_FEATURE2_ARCH_3_1): lines are written to "
	"main storage with dcbf and hwsync, which reaches the persistence domain only where "
	"memory itself is persistent";

constexpr const char *note_for(Clean c) noexcept { return c == Clean::Dcbf ? kPre31Note : nullptr; }

} // namespace pmem2::arch::ppc64
