// SPDX-License-Identifier: BSD-3-Clause
// cpu.hpp -- x86-64 feature detection: CPUID for the instructions, XCR0 for the
// register state the OS actually saves (AVX needs YMM, AVX-512 needs ZMM/opmask).
#pragma once

#include <cstdint>

namespace pmem2::arch::x86_64 {

struct CpuFeatures {
	bool clflush = false;
	bool clflushopt = false;
	bool clwb = false;
	bool avx = false;     // AVX supported and YMM state enabled by the OS
	bool avx2 = false;
	bool avx512f = false; // AVX-512F supported and ZMM/opmask state enabled
	bool movdir64b = false;
	bool prefetchw = false; // PREFETCHW (CPUID 0x80000001 ECX bit 8, "3dnowprefetch")
	bool genuine_intel = false;
	// AuthenticAMD or HygonGenuine (Hygon's CPUs are AMD Zen cores).
	bool amd_family = false;
	// CPUID leaf 1's display family and model (the extended fields folded in as the
	// SDM and the APM define them; what /proc/cpuinfo prints as "cpu family" and
	// "model"). Under a hypervisor they are whatever it chose to expose.
	unsigned family = 0;
	unsigned model = 0;
};

// Read once (first call) from the CPU; immutable afterwards.
const CpuFeatures &cpu_features() noexcept;

} // namespace pmem2::arch::x86_64
