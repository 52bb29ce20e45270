// SPDX-License-Identifier: BSD-3-Clause
// data_path_target_test.cpp -- the data path the library chose for the CPU it runs
// on (natively, or under qemu-user for the cross-built targets): the choice agrees
// with what the kernel reports in the auxiliary vector, and the real flush, drain,
// persist, memmove and memset of both granularities execute (DC CVAC, dcbf/hwsync,
// CLWB, ...) and copy exactly like libc for every flag set.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <sys/auxv.h>
#include <vector>

#include <libpmem2/base.h>

#include "pmem2/arch/data_path.hpp"

#ifndef PMEM2_TEST_ARCH
#error "PMEM2_TEST_ARCH names the CPU layer under test"
#endif

namespace {

const std::string kArch = PMEM2_TEST_ARCH;

TEST(TargetDataPath, ChoiceMatchesTheKernelsReport)
{
	const auto &dp = pmem2::arch::data_path();
	ASSERT_NE(dp.flush_name, nullptr);
	ASSERT_NE(dp.fence_name, nullptr);
	ASSERT_NE(dp.copy_name, nullptr);
	const std::size_t line = dp.cache_line_size;
	EXPECT_TRUE(line >= 16 && line <= 4096 && (line & (line - 1)) == 0) << line;
	const std::string flush = dp.flush_name, fence = dp.fence_name;
	RecordProperty("flush", flush);
	RecordProperty("fence", fence);
	std::printf("arch %s: flush %s, fence %s, %zu-byte lines, copy %s%s%s\n", kArch.c_str(), flush.c_str(),
		    fence.c_str(), line, dp.copy_name, dp.persistence_note ? "; note: " : "",
		    dp.persistence_note ? dp.persistence_note : "");
	if (kArch == "x86_64") {
		EXPECT_TRUE(flush == "clwb" || flush == "clflushopt" || flush == "clflush") << flush;
		EXPECT_EQ(fence, "sfence");
		EXPECT_EQ(line, 64u);
		EXPECT_EQ(dp.persistence_note, nullptr);
	} else if (kArch == "aarch64") {
		const bool dcpop = (getauxval(AT_HWCAP) & (1ul << 16)) != 0;
		EXPECT_EQ(flush, dcpop ? "dc cvap" : "dc cvac");
		EXPECT_EQ(fence, "dsb sy");
		EXPECT_EQ(dp.persistence_note != nullptr, !dcpop);
	} else if (kArch == "ppc64") {
		const bool isa31 = (getauxval(AT_HWCAP2) & 0x00040000) != 0;
		EXPECT_EQ(flush, isa31 ? "dcbstps" : "dcbf");
		EXPECT_EQ(fence, isa31 ? "phwsync" : "hwsync");
		const unsigned long bsize = getauxval(19 /* AT_DCACHEBSIZE */);
		if (bsize != 0) {
			EXPECT_EQ(line, bsize);
		}
	} else {
		EXPECT_TRUE(flush == "none" || flush == "cbo.clean") << flush;
		EXPECT_NE(dp.persistence_note, nullptr);
	}
	if (kArch != "x86_64") {
		EXPECT_STREQ(dp.copy_name, "libc");
		EXPECT_EQ(dp.movnt_threshold, 0u);
	}
}

constexpr unsigned kFlags[] = {0,
	PMEM2_F_MEM_NODRAIN,
	PMEM2_F_MEM_NONTEMPORAL,
	PMEM2_F_MEM_TEMPORAL,
	PMEM2_F_MEM_WC,
	PMEM2_F_MEM_WB,
	PMEM2_F_MEM_NOFLUSH,
	PMEM2_F_MEM_NOFLUSH | PMEM2_F_MEM_NODRAIN,
	PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN};

TEST(TargetDataPath, RealFunctionsCopyLikeLibc)
{
	const auto &dp = pmem2::arch::data_path();
	for (const auto *ops : {&dp.cache_line, &dp.byte}) {
		std::vector<unsigned char> mem(3 * 8192 + 256), want;
		for (std::size_t i = 0; i < mem.size(); ++i)
			mem[i] = static_cast<unsigned char>(i * 131 + 7);
		want = mem;
		for (unsigned f : kFlags)
			for (std::size_t n : {0, 1, 7, 63, 64, 65, 127, 128, 129, 255, 256, 1000, 4096, 8191})
				for (std::size_t off : {0, 1, 13, 64, 100}) {
					ops->memmove(mem.data() + 8192 + off, mem.data() + off * 3, n, f);
					std::memmove(want.data() + 8192 + off, want.data() + off * 3, n);
					ops->memmove(mem.data() + off + 5, mem.data() + off, n, f); // overlapping
					std::memmove(want.data() + off + 5, want.data() + off, n);
					ops->memset(mem.data() + 16384 + off, static_cast<int>(n + f), n, f);
					std::memset(want.data() + 16384 + off, static_cast<int>(n + f), n);
					ASSERT_EQ(mem, want) << "flags " << f << " n " << n << " off " << off;
				}
		ops->flush(mem.data() + 3, 5000);
		ops->persist(mem.data() + 1, 9000);
		ops->drain();
		EXPECT_EQ(mem, want);
	}
}

} // namespace
