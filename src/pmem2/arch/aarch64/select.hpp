// SPDX-License-Identifier: BSD-3-Clause
// select.hpp -- how the aarch64 data path is chosen, as pure functions of what the
// kernel and the CPU report, so tests on any host check every outcome (including
// DC CVAP, which qemu-user cannot execute).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmem2::arch::aarch64 {

// AT_HWCAP bit 16 (HWCAP_DCPOP in the kernel's uapi asm/hwcap.h): the CPU implements
// FEAT_DPB (Armv8.2 DC CVAP) and the kernel lets EL0 execute it.
constexpr std::uint64_t kHwcapDcpop = std::uint64_t{1} << 16;

enum class Clean {
	Cvap, // DC CVAP: clean by VA to the point of persistence
	Cvac, // DC CVAC: clean by VA to the point of coherency
};

struct Choice {
	Clean clean = Clean::Cvac;
	std::size_t line = 64; // bytes
};

// CTR_EL0.DminLine, bits [19:16]: log2 of the number of 4-byte words in the smallest
// data cache line of every cache the PE controls. Cleaning by that stride touches
// every line whatever the line size of each level.
constexpr std::size_t dcache_line_from_ctr(std::uint64_t ctr_el0) noexcept
{
	return std::size_t{4} << ((ctr_el0 >> 16) & 0xf);
}

// DC CVAP when the kernel reports DCPOP, else DC CVAC (what the reference does).
// The line size always comes from CTR_EL0 (64 bytes on most cores, 128 on some,
// e.g. A64FX uses 256-byte lines).
constexpr Choice decide(std::uint64_t hwcap, std::uint64_t ctr_el0) noexcept
{
	Choice c;
	c.clean = (hwcap & kHwcapDcpop) ? Clean::Cvap : Clean::Cvac;
	c.line = dcache_line_from_ctr(ctr_el0);
	return c;
}

constexpr const char *kCvapName = "dc cvap";
constexpr const char *kCvacName = "dc cvac";
constexpr const char *kFenceName = "dsb sy";

// pmem2-info's caveat for DC CVAC.
constexpr const char *kCvacNote =
	"the CPU lacks DC CVAP (no HWCAP_DCPOP): lines are cleaned with DC CVAC to the point of "
	"coherency, which reaches the persistence domain only on platforms whose memory "
	"controller is in it";

constexpr const char *note_for(Clean c) noexcept { return c == Clean::Cvac ? kCvacNote : nullptr; }
constexpr const char *name_for(Clean c) noexcept { return c == Clean::Cvap ? kCvapName : kCvacName; }

} // namespace pmem2::arch::aarch64
