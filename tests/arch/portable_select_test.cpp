// SPDX-License-Identifier: BSD-3-Clause
// portable_select_test.cpp -- the selection logic of the aarch64, POWER and generic
// CPU layers, on every host. This is where the choices qemu-user cannot execute are
// proven: DC CVAP (qemu traps it on every CPU model reporting DCPOP), dcbstps and
// phwsync (qemu traps dcbf L=6 on every model), cbo.clean (qemu 7.2 has no
// riscv_hwprobe).
#include <gtest/gtest.h>

#include <string>

#include "pmem2/arch/aarch64/select.hpp"
#include "pmem2/arch/generic/select.hpp"
#include "pmem2/arch/ppc64/select.hpp"

namespace {

// CTR_EL0 with DminLine = d (and an IminLine / other fields set, which must be ignored).
constexpr std::uint64_t ctr(unsigned dminline) { return (0x84448004u & ~(0xfu << 16)) | ((dminline & 0xfu) << 16); }

TEST(Aarch64Select, DcpopChoosesCvap)
{
	using namespace pmem2::arch::aarch64;
	EXPECT_EQ(kHwcapDcpop, 1u << 16);
	EXPECT_EQ(decide(kHwcapDcpop, ctr(4)).clean, Clean::Cvap);
	EXPECT_EQ(decide(kHwcapDcpop | 0xffff, ctr(4)).clean, Clean::Cvap);
	EXPECT_STREQ(name_for(Clean::Cvap), "dc cvap");
	EXPECT_EQ(note_for(Clean::Cvap), nullptr);
}

TEST(Aarch64Select, NoDcpopFallsBackToCvacWithANote)
{
	using namespace pmem2::arch::aarch64;
	EXPECT_EQ(decide(0, ctr(4)).clean, Clean::Cvac);
	EXPECT_EQ(decide(~kHwcapDcpop, ctr(4)).clean, Clean::Cvac);
	EXPECT_STREQ(name_for(Clean::Cvac), "dc cvac");
	ASSERT_NE(note_for(Clean::Cvac), nullptr);
	EXPECT_NE(std::string(note_for(Clean::Cvac)).find("point of coherency"), std::string::npos);
}

TEST(Aarch64Select, LineSizeComesFromCtrDminLine)
{
	using namespace pmem2::arch::aarch64;
	EXPECT_EQ(dcache_line_from_ctr(ctr(4)), 64u);  // 16 words
	EXPECT_EQ(dcache_line_from_ctr(ctr(5)), 128u); // 32 words
	EXPECT_EQ(dcache_line_from_ctr(ctr(6)), 256u); // A64FX
	EXPECT_EQ(dcache_line_from_ctr(ctr(2)), 16u);
	EXPECT_EQ(decide(kHwcapDcpop, ctr(5)).line, 128u);
	// Cortex-A72's CTR_EL0 (0x8444c004): DminLine 4 = 64 bytes.
	EXPECT_EQ(dcache_line_from_ctr(0x8444c004u), 64u);
}

TEST(Ppc64Select, Isa31ChoosesDcbstpsAndPhwsync)
{
	using namespace pmem2::arch::ppc64;
	EXPECT_EQ(kFeature2Arch31, 0x00040000u);
	const Choice c = decide(kFeature2Arch31 | 0x0080'0000, 128);
	EXPECT_EQ(c.clean, Clean::Dcbstps);
	EXPECT_EQ(c.fence, Fence::Phwsync);
	EXPECT_STREQ(name_for(c.clean), "dcbstps");
	EXPECT_STREQ(name_for(c.fence), "phwsync");
	EXPECT_EQ(note_for(c.clean), nullptr);
}

TEST(Ppc64Select, OlderCpusGetDcbfAndHwsync)
{
	using namespace pmem2::arch::ppc64;
	// POWER9 reports ARCH_3_00 (0x00800000) but not ARCH_3_1.
	const Choice c = decide(0x00800000, 128);
	EXPECT_EQ(c.clean, Clean::Dcbf);
	EXPECT_EQ(c.fence, Fence::Hwsync);
	EXPECT_STREQ(name_for(c.clean), "dcbf");
	EXPECT_STREQ(name_for(c.fence), "hwsync");
	EXPECT_NE(note_for(c.clean), nullptr);
}

TEST(Ppc64Select, BlockSizeFromTheAuxiliaryVector)
{
	using namespace pmem2::arch::ppc64;
	EXPECT_EQ(decide(0, 128).line, 128u);
	EXPECT_EQ(decide(0, 64).line, 64u);
	EXPECT_EQ(decide(0, 0).line, kDefaultLine); // not reported
	EXPECT_EQ(decide(0, 96).line, kDefaultLine); // not a power of two
}

TEST(Ppc64Select, InstructionWordsFollowThePowerIsaFields)
{
	using namespace pmem2::arch::ppc64;
	// Known encodings: dcbf 0,r9 = 0x7c0048ac; sync = 0x7c0004ac; lwsync = 0x7c2004ac.
	EXPECT_EQ(dcbf_word(0, 0, 9), 0x7c0048acu);
	EXPECT_EQ(sync_word(0), 0x7c0004acu);
	EXPECT_EQ(sync_word(1), 0x7c2004acu);
	// dcbstps 0,r9 = dcbf 0,r9,6; phwsync = sync 4.
	EXPECT_EQ(dcbf_word(kDcbstpsL, 0, 9), 0x7cc048acu);
	EXPECT_EQ(sync_word(kPhwsyncL), 0x7c8004acu);
	// dcbfps (L=4) for completeness: 0x7c8048ac.
	EXPECT_EQ(dcbf_word(4, 0, 9), 0x7c8048acu);
}

TEST(GenericSelect, CboCleanOnlyWhenReportedWithASaneBlockSize)
{
	using namespace pmem2::arch::generic;
	EXPECT_EQ(decide({true, 64}).clean, Clean::CboClean);
	EXPECT_EQ(decide({true, 64}).line, 64u);
	EXPECT_EQ(decide({true, 0}).clean, Clean::None);
	EXPECT_EQ(decide({true, 48}).clean, Clean::None);
	EXPECT_EQ(decide({false, 64}).clean, Clean::None);
	EXPECT_EQ(decide({}).clean, Clean::None);
	EXPECT_NE(std::string(kNoCleanNote).find("relies on the platform"), std::string::npos);
}

} // namespace
