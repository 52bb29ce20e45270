// SPDX-License-Identifier: BSD-3-Clause
// data_path_ppc64.cpp -- the POWER data path: dcbstps + phwsync on Power ISA 3.1
// CPUs, dcbf + hwsync before; the block size from AT_DCACHEBSIZE; libc copies
// (line_ops.hpp). The reference's PMEM_* x86-64 knobs do not apply and are not read.
//
// Why these instructions (Power ISA 3.1, Book II):
// - dcbf with L=6 (extended mnemonic dcbstps, "store to persistent storage")
//   writes a modified block to the persistent-storage point and may leave it in the
//   cache, which is what a persist wants (the data is usually read again soon). The
//   L=4 form, dcbfps, also invalidates it.
// - sync with L=4 (phwsync) is the heavyweight sync ISA 3.1 defines for the
//   persistent-storage forms: it returns once every preceding dcbfps/dcbstps has
//   made its block persistent, and orders that before every later access.
// - Before ISA 3.1, L=6 of dcbf and L=4 of sync are reserved values (ISA 3.0 defines
//   dcbf L=0, 1, 3 and sync L=0, 1, 2), so their effect is not defined there (qemu's
//   POWER9 model raises an illegal-instruction exception), so the older CPUs get dcbf L=0,
//   which writes the block to main storage and invalidates it, and hwsync, which
//   waits for the preceding dcbf to be performed. It is also what Linux does for
//   pmem on those CPUs.
// The write-back after the copy needs no barrier before it: a dcbf/dcbst of a block
// includes the earlier stores of the same thread to that block.
#include <sys/auxv.h>

#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/generic/line_ops.hpp"
#include "pmem2/arch/ppc64/select.hpp"

#ifndef AT_DCACHEBSIZE
#define AT_DCACHEBSIZE 19
#endif

namespace pmem2::arch::ppc64 {

namespace {

const Choice &load_time_choice() noexcept
{
	static const Choice c = decide(getauxval(AT_HWCAP2), getauxval(AT_DCACHEBSIZE));
	return c;
}

#define PMEM2_PPC_STR2(x) #x
#define PMEM2_PPC_STR(x) PMEM2_PPC_STR2(x)

struct CleanDcbstps {
	static constexpr bool kCleans = true;
	static constexpr const char *kName = "dcbstps";
	static constexpr const char *kFenceName = "phwsync";
	static std::size_t line_size() noexcept { return load_time_choice().line; }
	// dcbf L=6, RA=0, RB=the register holding p: GCC prints a GPR operand as its
	// bare number, so the assembler computes the word.
	static void line(const void *p) noexcept
	{
		__asm__ volatile(".long " PMEM2_PPC_STR(0x7cc000ac) " | ((%0) << 11)" : : "r"(p) : "memory");
	}
	static void fence() noexcept { __asm__ volatile(".long " PMEM2_PPC_STR(0x7c8004ac) : : : "memory"); }
};
static_assert(dcbf_word(kDcbstpsL, 0, 0) == 0x7cc000ac, "dcbstps word");
static_assert(sync_word(kPhwsyncL) == 0x7c8004ac, "phwsync word");

struct CleanDcbf {
	static constexpr bool kCleans = true;
	static constexpr const char *kName = "dcbf";
	static constexpr const char *kFenceName = "hwsync";
	static std::size_t line_size() noexcept { return load_time_choice().line; }
	static void line(const void *p) noexcept { __asm__ volatile("dcbf 0,%0" : : "r"(p) : "memory"); }
	static void fence() noexcept { __asm__ volatile("sync" : : : "memory"); }
};

} // namespace

} // namespace pmem2::arch::ppc64

namespace pmem2::arch {

const DataPath &data_path() noexcept
{
	using namespace ppc64;
	static const DataPath dp = load_time_choice().clean == Clean::Dcbstps
		? portable::make_data_path<CleanDcbstps>(note_for(Clean::Dcbstps))
		: portable::make_data_path<CleanDcbf>(note_for(Clean::Dcbf));
	return dp;
}

} // namespace pmem2::arch
