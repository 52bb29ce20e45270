// SPDX-License-Identifier: BSD-3-Clause
// select_test.cpp -- the load-time choice: CPUID features and the PMEM_* knobs
// (names, exact "1"/"0" matching, precedence) and the per-granularity flag strategy.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/x86_64/select.hpp"
#include "pmem2/persist/granularity_ops.hpp"

namespace {

using namespace pmem2::arch::x86_64;

// A fake environment for decide(); one at a time (tests run sequentially).
std::map<std::string, std::string> g_env;

std::optional<std::string_view> fake_env(const char *name)
{
	auto it = g_env.find(name);
	if (it == g_env.end())
		return std::nullopt;
	return std::string_view(it->second);
}

CpuFeatures full_amd()
{
	CpuFeatures f;
	f.clflush = f.clflushopt = f.clwb = true;
	f.avx = f.avx2 = f.avx512f = true;
	f.prefetchw = true;
	f.amd_family = true;
	return f;
}

CpuFeatures full_intel(unsigned model = 207)
{
	CpuFeatures f = full_amd();
	f.amd_family = false;
	f.genuine_intel = true;
	f.family = 6;
	f.model = model;
	return f;
}

Choice decide_with(const CpuFeatures &cpu, std::map<std::string, std::string> env)
{
	g_env = std::move(env);
	return decide(cpu, fake_env);
}

TEST(Select, DefaultsOnFullCpu)
{
	const Choice c = decide_with(full_amd(), {});
	EXPECT_EQ(c.copy, CopyKind::Avx512f);
	EXPECT_EQ(c.flush, FlushKind::Clwb);
	EXPECT_EQ(c.movnt_threshold, 256u);
	EXPECT_FALSE(c.wc_workaround); // not GenuineIntel
	CpuFeatures intel = full_amd();
	intel.genuine_intel = true;
	EXPECT_TRUE(decide_with(intel, {}).wc_workaround);
}

TEST(Select, FlushInstructionKnobsMatchExactlyOne)
{
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_CLWB", "1"}}).flush, FlushKind::Clflushopt);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_CLWB", "yes"}}).flush, FlushKind::Clwb);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_CLWB", "1 "}}).flush, FlushKind::Clwb);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_CLFLUSHOPT", "1"}}).flush, FlushKind::Clwb);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_CLWB", "1"}, {"PMEM_NO_CLFLUSHOPT", "1"}}).flush,
		FlushKind::Clflush);
	CpuFeatures old = full_amd();
	old.clwb = false;
	EXPECT_EQ(decide_with(old, {}).flush, FlushKind::Clflushopt);
	old.clflushopt = false;
	EXPECT_EQ(decide_with(old, {}).flush, FlushKind::Clflush);
}

TEST(Select, IsaKnobs)
{
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_AVX512F", "0"}}).copy, CopyKind::Avx2);
	// AVX-512F is chosen independently of PMEM_AVX, as in the reference.
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_AVX", "0"}}).copy, CopyKind::Avx512f);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_AVX", "0"}, {"PMEM_AVX512F", "0"}}).copy, CopyKind::Sse2);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_AVX512F", "no"}}).copy, CopyKind::Avx512f);
	CpuFeatures no512 = full_amd();
	no512.avx512f = false;
	EXPECT_EQ(decide_with(no512, {}).copy, CopyKind::Avx2);
	// The XCR0 check lives in cpu_features(): a CPU whose OS does not save YMM
	// reports avx = avx2 = false and gets SSE2.
	CpuFeatures no_ymm = no512;
	no_ymm.avx = no_ymm.avx2 = false;
	EXPECT_EQ(decide_with(no_ymm, {}).copy, CopyKind::Sse2);
}

TEST(Select, Movdir64bIsOptInAndNeedsTheCpuBit)
{
	CpuFeatures spr = full_amd();
	spr.movdir64b = true;
	EXPECT_EQ(decide_with(spr, {}).copy, CopyKind::Avx512f);
	EXPECT_EQ(decide_with(spr, {{"PMEM_MOVDIR64B", "0"}}).copy, CopyKind::Avx512f);
	Choice c = decide_with(spr, {{"PMEM_MOVDIR64B", "1"}});
	EXPECT_EQ(c.copy, CopyKind::Movdir64b);
	EXPECT_EQ(c.movdir64b_base, CopyKind::Avx512f);
	EXPECT_EQ(decide_with(spr, {{"PMEM_MOVDIR64B", "yes"}}).copy, CopyKind::Movdir64b);
	c = decide_with(spr, {{"PMEM_MOVDIR64B", "1"}, {"PMEM_AVX512F", "0"}});
	EXPECT_EQ(c.copy, CopyKind::Movdir64b);
	EXPECT_EQ(c.movdir64b_base, CopyKind::Avx2);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_MOVDIR64B", "1"}}).copy, CopyKind::Avx512f);
}

TEST(Select, NoMovntGivesGenericOrLibc)
{
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}}).copy, CopyKind::Generic);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "2"}}).copy, CopyKind::Avx512f);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}, {"PMEM_NO_GENERIC_MEMCPY", "1"}}).copy,
		CopyKind::Libc);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}, {"PMEM_NO_GENERIC_MEMCPY", "7"}}).copy,
		CopyKind::Libc);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}, {"PMEM_NO_GENERIC_MEMCPY", "0"}}).copy,
		CopyKind::Generic);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}, {"PMEM_NO_GENERIC_MEMCPY", "x"}}).copy,
		CopyKind::Generic);
	// Only under PMEM_NO_MOVNT.
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_NO_GENERIC_MEMCPY", "1"}}).copy, CopyKind::Avx512f);
}

TEST(Select, MovntThresholdParsesLikeAtoll)
{
	EXPECT_EQ(parse_movnt_threshold(std::nullopt), 256u);
	EXPECT_EQ(parse_movnt_threshold("1024"), 1024u);
	EXPECT_EQ(parse_movnt_threshold("0"), 0u);
	EXPECT_EQ(parse_movnt_threshold("-5"), 256u);
	EXPECT_EQ(parse_movnt_threshold("abc"), 0u);
	EXPECT_EQ(parse_movnt_threshold("12abc"), 12u);
	EXPECT_EQ(parse_movnt_threshold(" 64"), 64u);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM_MOVNT_THRESHOLD", "4096"}}).movnt_threshold, 4096u);
}

TEST(Select, WcWorkaroundOverride)
{
	EXPECT_TRUE(decide_with(full_amd(), {{"PMEM_WC_WORKAROUND", "1"}}).wc_workaround);
	CpuFeatures intel = full_amd();
	intel.genuine_intel = true;
	EXPECT_FALSE(decide_with(intel, {{"PMEM_WC_WORKAROUND", "0"}}).wc_workaround);
	EXPECT_TRUE(decide_with(intel, {{"PMEM_WC_WORKAROUND", "off"}}).wc_workaround);
	EXPECT_FALSE(decide_with(full_amd(), {{"PMEM_WC_WORKAROUND", "yes"}}).wc_workaround);
}

// Issue 16: EachLine only where it was measured faster (AMD Zen 5, Intel family 6
// model 167); the reference's AfterBlock order everywhere else, Intel model 207
// (reported slower with EachLine) included.
TEST(Select, TemporalFlushOrderFollowsTheCpuAndTheKnob)
{
	EXPECT_EQ(decide_with(full_amd(), {}).flush_order, FlushOrder::EachLine);
	EXPECT_EQ(decide_with(full_intel(207), {}).flush_order, FlushOrder::AfterBlock);
	EXPECT_EQ(decide_with(full_intel(167), {}).flush_order, FlushOrder::EachLine);
	EXPECT_EQ(decide_with(full_intel(143), {}).flush_order, FlushOrder::AfterBlock);
	CpuFeatures other_family = full_intel(167);
	other_family.family = 15; // model 167 means something else outside family 6
	EXPECT_EQ(decide_with(other_family, {}).flush_order, FlushOrder::AfterBlock);
	CpuFeatures other = full_intel(167);
	other.genuine_intel = false; // e.g. Zhaoxin, or a hypervisor hiding the vendor
	EXPECT_EQ(decide_with(other, {}).flush_order, FlushOrder::AfterBlock);
	EXPECT_EQ(decide_with(full_intel(167), {{"PMEM2_FLUSH_ORDER", "block"}}).flush_order, FlushOrder::AfterBlock);

	EXPECT_EQ(decide_with(full_amd(), {{"PMEM2_FLUSH_ORDER", "block"}}).flush_order, FlushOrder::AfterBlock);
	EXPECT_EQ(decide_with(full_intel(), {{"PMEM2_FLUSH_ORDER", "line"}}).flush_order, FlushOrder::EachLine);
	// Only the exact words count, as with the reference's knobs.
	EXPECT_EQ(decide_with(full_intel(), {{"PMEM2_FLUSH_ORDER", "Line"}}).flush_order, FlushOrder::AfterBlock);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM2_FLUSH_ORDER", "1"}}).flush_order, FlushOrder::EachLine);
	EXPECT_EQ(decide_with(full_amd(), {{"PMEM2_FLUSH_ORDER", ""}}).flush_order, FlushOrder::EachLine);

	// The order reaches the table: the CACHE_LINE functions differ, BYTE does not.
	Choice line = decide_with(full_amd(), {});
	Choice block = decide_with(full_amd(), {{"PMEM2_FLUSH_ORDER", "block"}});
	const pmem2::arch::DataPath a = build(line), b = build(block);
	EXPECT_NE(a.cache_line.memmove, b.cache_line.memmove);
	EXPECT_NE(a.cache_line.memset, b.cache_line.memset);
	EXPECT_EQ(a.byte.memmove, b.byte.memmove);
	EXPECT_STREQ(a.temporal_flush_order, "line");
	EXPECT_STREQ(b.temporal_flush_order, "block");
	// PMEM_NO_MOVNT's generic copier has no choice to report.
	EXPECT_EQ(build(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}})).temporal_flush_order, nullptr);
}

// Issue 16: the destination prefetch only where it was measured faster (Intel
// family 6 model 167); PMEM2_PREFETCHW=1/0 forces it, but never onto a CPU without
// PREFETCHW.
TEST(Select, DestinationPrefetchFollowsTheCpuAndTheKnob)
{
	EXPECT_TRUE(decide_with(full_intel(167), {}).prefetchw);
	EXPECT_FALSE(decide_with(full_intel(207), {}).prefetchw);
	EXPECT_FALSE(decide_with(full_amd(), {}).prefetchw);
	CpuFeatures other_family = full_intel(167);
	other_family.family = 15;
	EXPECT_FALSE(decide_with(other_family, {}).prefetchw);
	CpuFeatures no_prefetchw = full_intel(167);
	no_prefetchw.prefetchw = false;
	EXPECT_FALSE(decide_with(no_prefetchw, {}).prefetchw);
	EXPECT_FALSE(decide_with(no_prefetchw, {{"PMEM2_PREFETCHW", "1"}}).prefetchw);

	EXPECT_FALSE(decide_with(full_intel(167), {{"PMEM2_PREFETCHW", "0"}}).prefetchw);
	EXPECT_TRUE(decide_with(full_amd(), {{"PMEM2_PREFETCHW", "1"}}).prefetchw);
	EXPECT_TRUE(decide_with(full_intel(167), {{"PMEM2_PREFETCHW", "no"}}).prefetchw); // not a value: ignored
	EXPECT_FALSE(decide_with(full_amd(), {{"PMEM2_PREFETCHW", "yes"}}).prefetchw);

	// A Choice with the prefetch is not runnable without the instruction.
	Choice c = decide_with(full_amd(), {{"PMEM2_PREFETCHW", "1"}});
	EXPECT_TRUE(runnable(c, full_amd()));
	EXPECT_FALSE(runnable(c, no_prefetchw));

	// It reaches the table for both orders, and the data path reports the distance.
	for (const char *order : {"line", "block"}) {
		const pmem2::arch::DataPath on = build(decide_with(full_amd(), {{"PMEM2_PREFETCHW", "1"}, {"PMEM2_FLUSH_ORDER", order}}));
		const pmem2::arch::DataPath off = build(decide_with(full_amd(), {{"PMEM2_FLUSH_ORDER", order}}));
		EXPECT_NE(on.cache_line.memmove, off.cache_line.memmove) << order;
		EXPECT_NE(on.cache_line.memset, off.cache_line.memset) << order;
		EXPECT_EQ(on.byte.memmove, off.byte.memmove) << order;
		EXPECT_EQ(on.temporal_prefetch_ahead, kPrefetchAhead) << order;
		EXPECT_EQ(off.temporal_prefetch_ahead, 0u) << order;
	}
	// The generic copier has no such loop, whatever the knob says.
	EXPECT_EQ(build(decide_with(full_amd(), {{"PMEM_NO_MOVNT", "1"}, {"PMEM2_PREFETCHW", "1"}})).temporal_prefetch_ahead,
		  0u);
}

TEST(Select, CacheLineStrategyPrecedence)
{
	constexpr std::size_t t = 256;
	EXPECT_EQ(cache_line_strategy(kFNoFlush | kFNonTemporal, 4095, t), Strategy::TemporalNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush | kFTemporal, 4096, t), Strategy::LibcNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, kNoFlushNtMin - 1, t), Strategy::LibcNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, kNoFlushNtMin, t), Strategy::NonTemporalNoFlush);
	EXPECT_EQ(cache_line_strategy(kFWc | kFTemporal, 8, t), Strategy::NonTemporal);
	EXPECT_EQ(cache_line_strategy(kFNonTemporal | kFWb, 8, t), Strategy::NonTemporal);
	EXPECT_EQ(cache_line_strategy(kFWb, 1 << 20, t), Strategy::TemporalFlush);
	EXPECT_EQ(cache_line_strategy(kFTemporal, 1 << 20, t), Strategy::TemporalFlush);
	EXPECT_EQ(cache_line_strategy(0, 255, t), Strategy::TemporalFlush);
	EXPECT_EQ(cache_line_strategy(0, 256, t), Strategy::NonTemporal);
	EXPECT_EQ(cache_line_strategy(kFNoDrain, 256, t), Strategy::NonTemporal);
	EXPECT_EQ(cache_line_strategy(0, 1, 0), Strategy::NonTemporal);
}

// The NOFLUSH lengths libc copies: [4 KiB, 16 KiB) by default (measured on Zen 5),
// [256, 16 KiB) on AMD family 25 without AVX-512F (Zen 3), the same but for [768,
// 3 KiB) with it (Zen 4), [256, 1 KiB) on Intel; our loop below, between and above
// them up to the NT range.
TEST(Select, NoFlushLibcRangeFollowsTheVendor)
{
	EXPECT_EQ(decide_with(full_amd(), {}).noflush_libc.min, kNoFlushLibcDefault.min);
	CpuFeatures zen3 = full_amd(), zen4 = full_amd(), zen5 = full_amd(), hygon = full_amd();
	zen3.family = 25;
	zen3.model = 1;
	zen3.avx512f = false;
	zen4.family = 25;
	zen4.model = 17;
	zen5.family = 26;
	zen5.model = 2;
	hygon.family = 24;
	EXPECT_EQ(decide_with(zen3, {}).noflush_libc.min, 256u);
	EXPECT_EQ(decide_with(zen3, {}).noflush_libc.max, kNoFlushNtMin);
	const NoFlushLibc zen4_range = decide_with(zen4, {}).noflush_libc;
	for (std::size_t n : {255u, 768u, 2048u, 3071u, 16384u})
		EXPECT_FALSE(zen4_range.contains(n)) << n;
	for (std::size_t n : {256u, 767u, 3072u, 4096u, 16383u})
		EXPECT_TRUE(zen4_range.contains(n)) << n;
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 1024, 256, zen4_range), Strategy::TemporalNoFlush);
	EXPECT_EQ(byte_strategy(0, 512, zen4_range), Strategy::LibcNoFlush);
	EXPECT_EQ(decide_with(zen5, {}).noflush_libc.min, kNoFlushLibcDefault.min);
	EXPECT_EQ(decide_with(zen5, {}).noflush_libc.max, kNoFlushLibcDefault.max);
	EXPECT_EQ(decide_with(hygon, {}).noflush_libc.min, kNoFlushLibcDefault.min);
	// Family 25 on an Intel vendor string is Intel's range.
	CpuFeatures intel25 = full_intel();
	intel25.family = 25;
	EXPECT_EQ(decide_with(intel25, {}).noflush_libc.min, kNoFlushLibcIntel.min);
	EXPECT_EQ(decide_with(intel25, {}).noflush_libc.max, kNoFlushLibcIntel.max);
	constexpr NoFlushLibc zen3_range = kNoFlushLibcAmdFamily25;
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 255, 256, zen3_range), Strategy::TemporalNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 256, 256, zen3_range), Strategy::LibcNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, kNoFlushNtMin - 1, 256, zen3_range), Strategy::LibcNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, kNoFlushNtMin, 256, zen3_range), Strategy::NonTemporalNoFlush);
	EXPECT_EQ(decide_with(full_intel(), {}).noflush_libc.min, kNoFlushLibcIntel.min);
	EXPECT_EQ(decide_with(full_intel(), {}).noflush_libc.max, kNoFlushLibcIntel.max);
	CpuFeatures other = full_intel();
	other.genuine_intel = false;
	EXPECT_EQ(decide_with(other, {}).noflush_libc.min, kNoFlushLibcDefault.min);

	constexpr std::size_t t = 256;
	constexpr NoFlushLibc intel = kNoFlushLibcIntel;
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 255, t, intel), Strategy::TemporalNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 256, t, intel), Strategy::LibcNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 1023, t, intel), Strategy::LibcNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, 1024, t, intel), Strategy::TemporalNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, kNoFlushNtMin - 1, t, intel), Strategy::TemporalNoFlush);
	EXPECT_EQ(cache_line_strategy(kFNoFlush, kNoFlushNtMin, t, intel), Strategy::NonTemporalNoFlush);
	// Flushing calls never go to libc, whatever the range.
	EXPECT_EQ(cache_line_strategy(kFTemporal, 512, t, intel), Strategy::TemporalFlush);
	EXPECT_EQ(byte_strategy(0, 512, intel), Strategy::LibcNoFlush);
	EXPECT_EQ(byte_strategy(0, 4096, intel), Strategy::TemporalNoFlush);
	// The load-time range is the load-time choice's.
	EXPECT_EQ(g_noflush_libc.min, pmem2::arch::x86_64::load_time_choice().noflush_libc.min);
	EXPECT_EQ(g_noflush_libc.max, pmem2::arch::x86_64::load_time_choice().noflush_libc.max);
}

TEST(Select, ByteStrategyIgnoresThresholdAndWc)
{
	EXPECT_EQ(byte_strategy(0, 100), Strategy::TemporalNoFlush);
	EXPECT_EQ(byte_strategy(kFWc, 100), Strategy::TemporalNoFlush);
	EXPECT_EQ(byte_strategy(kFNonTemporal, 8), Strategy::NonTemporal);
	EXPECT_EQ(byte_strategy(kFNonTemporal | kFNoFlush, 100), Strategy::TemporalNoFlush);
	EXPECT_EQ(byte_strategy(kFTemporal, 100), Strategy::TemporalNoFlush);
	EXPECT_EQ(byte_strategy(0, kNoFlushLibcMin), Strategy::LibcNoFlush);
	EXPECT_EQ(byte_strategy(kFTemporal, kNoFlushNtMin), Strategy::NonTemporalNoFlush);
	EXPECT_FALSE(needs_drain(kFNoDrain));
	EXPECT_FALSE(needs_drain(kFNoFlush));
	EXPECT_TRUE(needs_drain(kFNonTemporal | kFWb));
}

TEST(Select, LoadTimeTableIsStableAndMatchesTheChoice)
{
	const auto &dp = pmem2::arch::data_path();
	EXPECT_EQ(&dp, &pmem2::arch::data_path());
	const Choice &c = load_time_choice();
	const pmem2::arch::DataPath built = build(c);
	EXPECT_EQ(dp.cache_line.memmove, built.cache_line.memmove);
	EXPECT_EQ(dp.cache_line.memset, built.cache_line.memset);
	EXPECT_EQ(dp.byte.memmove, built.byte.memmove);
	EXPECT_EQ(dp.cache_line.persist, built.cache_line.persist);
	EXPECT_STREQ(dp.copy_name, built.copy_name);
	EXPECT_EQ(g_movnt_threshold, c.movnt_threshold);
	EXPECT_TRUE(runnable(c, cpu_features()));
	// The persist module hands out exactly these pointers.
	EXPECT_EQ(pmem2::persist::ops_for(pmem2::Granularity::CacheLine).memmove, dp.cache_line.memmove);
	EXPECT_EQ(pmem2::persist::ops_for(pmem2::Granularity::Byte).memset, dp.byte.memset);
}

TEST(Select, CpuProbeIsConsistent)
{
	const CpuFeatures &f = cpu_features();
	EXPECT_TRUE(f.clflush); // every x86-64 CPU
	EXPECT_TRUE(!f.avx2 || f.avx);
	EXPECT_TRUE(!f.avx512f || f.avx);
	EXPECT_FALSE(f.genuine_intel && f.amd_family);
}

// The display family and model are what the kernel computed from the same CPUID
// leaf (the first processor's "cpu family" and "model" lines).
TEST(Select, CpuFamilyAndModelMatchProcCpuinfo)
{
	std::ifstream in("/proc/cpuinfo");
	if (!in)
		GTEST_SKIP() << "no /proc/cpuinfo";
	long family = -1, model = -1;
	for (std::string line; std::getline(in, line) && (family < 0 || model < 0);) {
		const auto colon = line.find(':');
		if (colon == std::string::npos)
			continue;
		std::string key = line.substr(0, colon);
		key.erase(key.find_last_not_of(" \t") + 1);
		if (key == "cpu family")
			family = std::stol(line.substr(colon + 1));
		else if (key == "model")
			model = std::stol(line.substr(colon + 1));
	}
	ASSERT_GE(family, 0);
	ASSERT_GE(model, 0);
	const CpuFeatures &f = cpu_features();
	EXPECT_EQ(f.family, static_cast<unsigned>(family));
	EXPECT_EQ(f.model, static_cast<unsigned>(model));
}

} // namespace
