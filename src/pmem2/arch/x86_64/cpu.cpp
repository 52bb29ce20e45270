// SPDX-License-Identifier: BSD-3-Clause
// cpu.cpp -- CPUID and XGETBV probing.
#include "pmem2/arch/x86_64/cpu.hpp"

#include <cpuid.h>
#include <cstring>

namespace pmem2::arch::x86_64 {

namespace {

std::uint64_t read_xcr0() noexcept
{
	std::uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

CpuFeatures probe() noexcept
{
	CpuFeatures f;
	unsigned a, b, c, d;
	unsigned max_leaf = __get_cpuid_max(0, nullptr);
	if (max_leaf == 0)
		return f;

	__cpuid(0, a, b, c, d);
	char vendor[13];
	std::memcpy(vendor + 0, &b, 4);
	std::memcpy(vendor + 4, &d, 4);
	std::memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	f.genuine_intel = std::strcmp(vendor, "GenuineIntel") == 0;
	f.amd_family = std::strcmp(vendor, "AuthenticAMD") == 0 || std::strcmp(vendor, "HygonGenuine") == 0;

	__cpuid(1, a, b, c, d);
	const unsigned base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
	f.family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
	f.model = base_family == 0x6 || base_family == 0xf ? (((a >> 16) & 0xf) << 4) | base_model : base_model;
	f.clflush = (d & (1u << 19)) != 0;
	const bool osxsave = (c & (1u << 27)) != 0;
	const bool cpu_avx = (c & (1u << 28)) != 0;
	const std::uint64_t xcr0 = osxsave ? read_xcr0() : 0;
	// XCR0 bit 1 = SSE, bit 2 = AVX (YMM upper halves); 5..7 = opmask, ZMM_Hi256, Hi16_ZMM.
	const bool ymm_state = (xcr0 & 0x6) == 0x6;
	const bool zmm_state = (xcr0 & 0xe6) == 0xe6;
	f.avx = cpu_avx && ymm_state;

	if (max_leaf >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		f.avx2 = f.avx && (b & (1u << 5)) != 0;
		f.avx512f = (b & (1u << 16)) != 0 && zmm_state;
		f.clflushopt = (b & (1u << 23)) != 0;
		f.clwb = (b & (1u << 24)) != 0;
		f.movdir64b = (c & (1u << 28)) != 0;
	}
	if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000001u) {
		__cpuid(0x80000001u, a, b, c, d);
		f.prefetchw = (c & (1u << 8)) != 0;
	}
	return f;
}

} // namespace

const CpuFeatures &cpu_features() noexcept
{
	static const CpuFeatures features = probe();
	return features;
}

} // namespace pmem2::arch::x86_64
