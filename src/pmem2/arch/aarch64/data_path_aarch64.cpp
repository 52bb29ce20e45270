// SPDX-License-Identifier: BSD-3-Clause
// data_path_aarch64.cpp -- the aarch64 data path: DC CVAP or DC CVAC per line,
// DSB SY as the fence, the line size from CTR_EL0, libc copies (line_ops.hpp).
// The PMEM_* knobs of the reference's x86-64 code do not apply here and are not read.
#include <sys/auxv.h>

#include "pmem2/arch/aarch64/select.hpp"
#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/generic/line_ops.hpp"

namespace pmem2::arch::aarch64 {

namespace {

std::uint64_t read_ctr_el0() noexcept
{
	// EL0 may read CTR_EL0 (Linux sets SCTLR_EL1.UCT, or traps and emulates the read
	// on CPUs whose value it has to sanitise).
	std::uint64_t v;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(v));
	return v;
}

const Choice &load_time_choice() noexcept
{
	static const Choice c = decide(getauxval(AT_HWCAP), read_ctr_el0());
	return c;
}

// The fence: DSB SY, not the reference's DMB ISHST. The Arm ARM guarantees that a
// data cache maintenance instruction has completed only once a DSB executed by the
// same PE after it has completed; a DMB merely orders the DC relative to other
// memory accesses as observed in its shareability domain and does not wait for the
// clean to reach the point of coherency or persistence. A persist that returns
// before the write-back finished breaks the contract of pmem2_drain ("the data is
// persistent when it returns"), so the fence must be a DSB. Full system (SY): the
// point of persistence lies beyond every shareability domain, and SY is what Linux
// uses after its own DC CVAP/CVAC loops for pmem. DSB also orders every later
// instruction after it, so the "later stores" of the caller are covered.
void dsb_sy() noexcept { __asm__ volatile("dsb sy" : : : "memory"); }

// DC CVAP is written as its SYS encoding (op1 3, CRn 7, CRm 12, op2 1) so that no
// -march=armv8.2-a is needed: the same binary runs on Armv8.0 CPUs and only executes
// it when the kernel reported DCPOP.
struct CleanCvap {
	static constexpr bool kCleans = true;
	static constexpr const char *kName = kCvapName;
	static constexpr const char *kFenceName = aarch64::kFenceName;
	static std::size_t line_size() noexcept { return load_time_choice().line; }
	static void line(const void *p) noexcept { __asm__ volatile("sys #3, c7, c12, #1, %0" : : "r"(p) : "memory"); }
	static void fence() noexcept { dsb_sy(); }
};

struct CleanCvac {
	static constexpr bool kCleans = true;
	static constexpr const char *kName = kCvacName;
	static constexpr const char *kFenceName = aarch64::kFenceName;
	static std::size_t line_size() noexcept { return load_time_choice().line; }
	static void line(const void *p) noexcept { __asm__ volatile("dc cvac, %0" : : "r"(p) : "memory"); }
	static void fence() noexcept { dsb_sy(); }
};

} // namespace

} // namespace pmem2::arch::aarch64

namespace pmem2::arch {

const DataPath &data_path() noexcept
{
	using namespace aarch64;
	static const DataPath dp = load_time_choice().clean == Clean::Cvap
		? portable::make_data_path<CleanCvap>(note_for(Clean::Cvap))
		: portable::make_data_path<CleanCvac>(note_for(Clean::Cvac));
	return dp;
}

} // namespace pmem2::arch
