// SPDX-License-Identifier: BSD-3-Clause
// data_path_generic.cpp -- the data path of the CPUs without a folder of their own:
// a user-mode cache clean where the ISA has one and the kernel reports it (RISC-V
// Zicbom cbo.clean), otherwise no flush at all, as in the reference, with the
// fences kept as compiler and memory barriers. The PMEM_* x86-64 knobs are not read.
#include <atomic>

#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/generic/clean_probe.hpp"
#include "pmem2/arch/generic/line_ops.hpp"
#include "pmem2/arch/generic/select.hpp"

namespace pmem2::arch::generic {

namespace {

const Choice &load_time_choice() noexcept
{
	static const Choice c = decide(probe_clean());
	return c;
}

struct CleanCbo {
	static constexpr bool kCleans = true;
	static constexpr const char *kName = "cbo.clean";
	static constexpr const char *kFenceName = "fence rw,rw";
	static std::size_t line_size() noexcept { return load_time_choice().line; }
	static void line(const void *p) noexcept { clean_block(p); }
	static void fence() noexcept { clean_fence(); }
};

// No clean: flush does nothing, drain/persist are full memory barriers (which
// also keep the compiler from moving stores across them).
struct CleanNone {
	static constexpr bool kCleans = false;
	static constexpr const char *kName = "none";
	static constexpr const char *kFenceName = "memory barrier";
	static std::size_t line_size() noexcept { return load_time_choice().line; }
	static void line(const void *) noexcept {}
	static void fence() noexcept { std::atomic_thread_fence(std::memory_order_seq_cst); }
};

} // namespace

} // namespace pmem2::arch::generic

namespace pmem2::arch {

const DataPath &data_path() noexcept
{
	using namespace generic;
	static const DataPath dp = load_time_choice().clean == Clean::CboClean
		? portable::make_data_path<CleanCbo>(kCboNote)
		: portable::make_data_path<CleanNone>(kNoCleanNote);
	return dp;
}

} // namespace pmem2::arch
