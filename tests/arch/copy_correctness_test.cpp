// SPDX-License-Identifier: BSD-3-Clause
// copy_correctness_test.cpp -- every memmove/memset variant this CPU can run, forced
// one by one in this process through build(Choice), compared byte for byte with libc
// (including 64 guard bytes on each side): every length 0..4 KiB+130 at a few
// misalignments, every dest/src misalignment 0..63 at lengths around the size
// classes, and both overlap directions.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/x86_64/select.hpp"

namespace {

using namespace pmem2::arch::x86_64;
using pmem2::arch::DataPath;

constexpr std::size_t kMaxLen = 4096 + 130;
constexpr std::size_t kGuard = 64;
constexpr std::size_t kArena = kGuard + 64 + kMaxLen + 64 + kGuard;

// (granularity, flags) pairs that reach every strategy: CACHE_LINE default (temporal
// + flush below the threshold, NT above), NT, TEMPORAL, NOFLUSH, WC without drain,
// WB; BYTE default (temporal) and NONTEMPORAL.
struct Call {
	bool byte;
	unsigned flags;
};
const Call kCalls[] = {{false, 0}, {false, PMEM2_F_MEM_NONTEMPORAL}, {false, PMEM2_F_MEM_TEMPORAL},
	{false, PMEM2_F_MEM_NOFLUSH}, {false, PMEM2_F_MEM_WC | PMEM2_F_MEM_NODRAIN}, {true, 0},
	{true, PMEM2_F_MEM_NONTEMPORAL}};
const unsigned kFlagSets[] = {0, PMEM2_F_MEM_NONTEMPORAL, PMEM2_F_MEM_TEMPORAL, PMEM2_F_MEM_NOFLUSH};

struct Variant {
	std::string name;
	Choice choice;
};

std::string kind_name(CopyKind k)
{
	switch (k) {
	case CopyKind::Sse2:
		return "sse2";
	case CopyKind::Avx2:
		return "avx2";
	case CopyKind::Avx512f:
		return "avx512f";
	case CopyKind::Movdir64b:
		return "movdir64b";
	case CopyKind::Generic:
		return "generic";
	case CopyKind::Libc:
		return "libc";
	}
	return "?";
}

// Every variant compiled into the library, with every flush instruction and WC setting.
std::vector<Variant> all_variants()
{
	std::vector<Variant> v;
	const CopyKind kinds[] = {CopyKind::Sse2, CopyKind::Avx2, CopyKind::Avx512f, CopyKind::Movdir64b,
		CopyKind::Movdir64b, CopyKind::Generic, CopyKind::Libc};
	for (std::size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); ++i) {
		// The generic and libc copiers have one temporal order only.
		const bool has_order = kinds[i] != CopyKind::Generic && kinds[i] != CopyKind::Libc;
		for (FlushOrder order : {FlushOrder::EachLine, FlushOrder::AfterBlock}) {
			if (order == FlushOrder::AfterBlock && !has_order)
				continue;
			for (FlushKind f : {FlushKind::Clwb, FlushKind::Clflushopt, FlushKind::Clflush}) {
				for (int setting = 0; setting < 4; ++setting) {
					const bool wc = setting & 1, pf = setting & 2;
					// The prefetch exists only where there is an order, and it is
					// independent of the flush instruction: CLWB only.
					if (pf && (!has_order || f != FlushKind::Clwb))
						continue;
					Choice c;
					c.prefetchw = pf;
					c.copy = kinds[i];
					c.movdir64b_base = (i == 3) ? CopyKind::Avx2 : CopyKind::Avx512f;
					c.flush = f;
					c.wc_workaround = wc;
					c.flush_order = order;
					std::string name = kind_name(c.copy);
					if (c.copy == CopyKind::Movdir64b)
						name += "_" + kind_name(c.movdir64b_base);
					name += std::string("_") + (f == FlushKind::Clwb ? "clwb" :
							f == FlushKind::Clflushopt ? "clflushopt" : "clflush");
					name += wc ? "_wc" : "";
					name += has_order ? (order == FlushOrder::EachLine ? "_line" : "_block") : "";
					name += pf ? "_prefetchw" : "";
					v.push_back({name, c});
				}
			}
		}
	}
	return v;
}

class Arena {
public:
	Arena() : mem_(kArena * 2 + 128) {}
	// 64-byte aligned start of two arenas (dest, src) placed back to back.
	unsigned char *dst() { return base(); }
	unsigned char *src() { return base() + kArena; }
	std::size_t size() const { return kArena; }

private:
	unsigned char *base()
	{
		auto p = reinterpret_cast<std::uintptr_t>(mem_.data());
		return reinterpret_cast<unsigned char *>((p + 63) & ~std::uintptr_t(63));
	}
	std::vector<unsigned char> mem_;
};

void fill(unsigned char *p, std::size_t n, unsigned seed)
{
	std::uint32_t x = seed * 2654435761u + 1;
	for (std::size_t i = 0; i < n; ++i) {
		x = x * 1103515245u + 12345u;
		p[i] = static_cast<unsigned char>(x >> 16);
	}
}

class Checker {
public:
	explicit Checker(const DataPath &dp) : dp_(dp), pristine_(kArena), expect_(kArena)
	{
		fill(pristine_.data(), kArena, 1);
		fill(a_.src(), kArena, 2);
	}

	// Copy n bytes from src+smis to dst+dmis (separate arenas) with every function and
	// flag set; false (with a gtest failure) at the first mismatch.
	bool copy(std::size_t dmis, std::size_t smis, std::size_t n)
	{
		unsigned char *d = a_.dst() + kGuard + dmis;
		const unsigned char *s = a_.src() + kGuard + smis;
		std::memcpy(expect_.data(), pristine_.data(), kArena);
		std::memcpy(expect_.data() + kGuard + dmis, s, n);
		for (const Call &c : kCalls) {
			std::memcpy(a_.dst(), pristine_.data(), kArena);
			void *r = (c.byte ? dp_.byte.memmove : dp_.cache_line.memmove)(d, s, n, c.flags);
			if (r != d || std::memcmp(a_.dst(), expect_.data(), kArena) != 0) {
				ADD_FAILURE() << "copy gran=" << (c.byte ? "byte" : "cache_line") << " flags=" << c.flags
					      << " n=" << n << " dmis=" << dmis << " smis=" << smis;
				return false;
			}
		}
		return true;
	}

	// memmove inside one arena: dest = base + off, src = base + off + shift (shift
	// negative: dest above the source, the backward direction).
	bool overlap(std::size_t off, long shift, std::size_t n)
	{
		std::memcpy(expect_.data(), pristine_.data(), kArena);
		std::memmove(expect_.data() + off, expect_.data() + off + shift, n);
		unsigned char *d = a_.dst() + off;
		for (const Call &c : kCalls) {
			std::memcpy(a_.dst(), pristine_.data(), kArena);
			(c.byte ? dp_.byte.memmove : dp_.cache_line.memmove)(d, d + shift, n, c.flags);
			if (std::memcmp(a_.dst(), expect_.data(), kArena) != 0) {
				ADD_FAILURE() << "overlap gran=" << (c.byte ? "byte" : "cache_line") << " flags=" << c.flags
					      << " n=" << n << " off=" << off << " shift=" << shift;
				return false;
			}
		}
		return true;
	}

	bool set(std::size_t dmis, std::size_t n)
	{
		const int value = 0x100 + 0xa5 + static_cast<int>(n % 7); // only the low byte counts
		std::memcpy(expect_.data(), pristine_.data(), kArena);
		std::memset(expect_.data() + kGuard + dmis, value, n);
		unsigned char *d = a_.dst() + kGuard + dmis;
		for (const Call &c : kCalls) {
			std::memcpy(a_.dst(), pristine_.data(), kArena);
			void *r = (c.byte ? dp_.byte.memset : dp_.cache_line.memset)(d, value, n, c.flags);
			if (r != d || std::memcmp(a_.dst(), expect_.data(), kArena) != 0) {
				ADD_FAILURE() << "set gran=" << (c.byte ? "byte" : "cache_line") << " flags=" << c.flags
					      << " n=" << n << " dmis=" << dmis;
				return false;
			}
		}
		return true;
	}

private:
	const DataPath &dp_;
	Arena a_;
	std::vector<unsigned char> pristine_;
	std::vector<unsigned char> expect_;
};

// Lengths around every size class and line boundary; used with all 64x64 misalignments.
const std::size_t kProbeLens[] = {1, 8, 31, 33, 63, 64, 65, 127, 129, 255, 256, 257, 1000, kMaxLen};

class Variants : public ::testing::TestWithParam<Variant> {
protected:
	void SetUp() override
	{
		const Variant &v = GetParam();
		if (!runnable(v.choice, cpu_features()))
			GTEST_SKIP() << "this CPU cannot run " << v.name << " (compiled only)";
		dp_ = build(v.choice);
		// The forced variant is the one that runs: the table holds exactly that ISA
		// file's functions, and they differ from every other ISA's.
		const IsaVariants &iv = variants_of(v.choice.copy, v.choice.movdir64b_base);
		const std::size_t wc = v.choice.wc_workaround ? 1 : 0;
		const std::size_t order = static_cast<std::size_t>(v.choice.flush_order);
		const std::size_t flush = static_cast<std::size_t>(v.choice.flush);
		const std::size_t pf = v.choice.prefetchw ? 1 : 0;
		ASSERT_EQ(dp_.cache_line.memmove, iv.cache_line[order][pf][flush][wc].memmove);
		ASSERT_EQ(dp_.cache_line.memset, iv.cache_line[order][pf][flush][wc].memset);
		if (v.choice.copy != CopyKind::Generic && v.choice.copy != CopyKind::Libc) {
			// The two orders and the two prefetch settings are different functions,
			// and the data path says which.
			ASSERT_NE(dp_.cache_line.memmove, iv.cache_line[1 - order][pf][flush][wc].memmove);
			ASSERT_NE(dp_.cache_line.memmove, iv.cache_line[order][1 - pf][flush][wc].memmove);
			ASSERT_NE(dp_.cache_line.memset, iv.cache_line[order][1 - pf][flush][wc].memset);
			ASSERT_STREQ(dp_.temporal_flush_order,
				     v.choice.flush_order == FlushOrder::EachLine ? "line" : "block");
			ASSERT_EQ(dp_.temporal_prefetch_ahead, v.choice.prefetchw ? kPrefetchAhead : 0u);
		} else {
			ASSERT_EQ(dp_.temporal_flush_order, nullptr);
			ASSERT_EQ(dp_.temporal_prefetch_ahead, 0u);
		}
		ASSERT_EQ(dp_.byte.memset, iv.byte[wc].memset);
		ASSERT_STREQ(dp_.copy_name, iv.name);
		for (const IsaVariants *other : {&sse2_variants(), &avx2_variants(), &avx512f_variants(),
			     &avx2_movdir64b_variants(), &avx512f_movdir64b_variants(), &generic_variants(),
			     &libc_variants()}) {
			if (other != &iv) {
				ASSERT_NE(dp_.cache_line.memmove, other->cache_line[0][0][0][0].memmove) << other->name;
			}
		}
	}
	// Full checks only for one flush kind without WC; the others differ only in the
	// flush instruction or a fence, so they get every length at two alignments.
	bool full() const
	{
		return GetParam().choice.flush == FlushKind::Clwb && !GetParam().choice.wc_workaround;
	}
	DataPath dp_{};
};

TEST_P(Variants, CopyEveryLength)
{
	Checker ck(dp_);
	const std::size_t mis[][2] = {{0, 0}, {7, 3}, {63, 1}, {32, 48}};
	const std::size_t nmis = full() ? 4 : 2;
	for (std::size_t m = 0; m < nmis; ++m)
		for (std::size_t n = 0; n <= kMaxLen; ++n)
			ASSERT_TRUE(ck.copy(mis[m][0], mis[m][1], n));
}

TEST_P(Variants, CopyEveryMisalignment)
{
	Checker ck(dp_);
	for (std::size_t n : kProbeLens) {
		if (!full() && n != 65 && n != 257)
			continue;
		for (std::size_t dm = 0; dm < 64; ++dm)
			for (std::size_t sm = 0; sm < 64; ++sm)
				ASSERT_TRUE(ck.copy(dm, sm, n));
	}
}

// Moves of 1-4 KiB of whole lines and just past it, where backward moves without
// flushes take the short path (memops.hpp, kShortBackwardMax): line-aligned and
// misaligned destinations, shifts under one line, one line and several lines.
TEST_P(Variants, OverlapAroundTheShortBackwardLimit)
{
	Checker ck(dp_);
	const std::size_t lens[] = {1088, 1536, 2048, 2112, 3072, 4032, 4096, 4160};
	const long shifts[] = {1, 63, 64, 65, 200, 256};
	for (std::size_t n : lens)
		for (std::size_t off : {std::size_t(256), std::size_t(263)})
			for (long sh : shifts) {
				ASSERT_LE(off + n, kArena);
				ASSERT_TRUE(ck.overlap(off, -sh, n)); // dest above source: backward
				if (off + n + static_cast<std::size_t>(sh) <= kArena) {
					ASSERT_TRUE(ck.overlap(off, sh, n)); // dest below source: forward
				}
			}
}

TEST_P(Variants, OverlapBothDirections)
{
	Checker ck(dp_);
	const long shifts[] = {1, 7, 8, 63, 64, 65, 200, 1000};
	const std::size_t lens_full[] = {2, 9, 33, 64, 65, 130, 255, 256, 300, 1024, 2049, 3000};
	for (long sh : shifts) {
		for (std::size_t n : lens_full) {
			if (static_cast<std::size_t>(sh) >= n && sh != 1)
				continue;
			for (std::size_t off : {std::size_t(1064), std::size_t(1101), std::size_t(1151)}) {
				if (off + n + static_cast<std::size_t>(sh) > kArena)
					continue;
				ASSERT_TRUE(ck.overlap(off, sh, n));  // dest below source: forward
				ASSERT_TRUE(ck.overlap(off, -sh, n)); // dest above source: backward
			}
		}
	}
	if (full()) {
		// Every length up to 4 lines with a shift under one line, both directions.
		for (std::size_t n = 0; n <= 256; ++n) {
			ASSERT_TRUE(ck.overlap(1077, 5, n));
			ASSERT_TRUE(ck.overlap(1077, -5, n));
		}
	}
}

TEST_P(Variants, SetEveryLengthAndMisalignment)
{
	Checker ck(dp_);
	for (std::size_t dm : {std::size_t(0), std::size_t(13)})
		for (std::size_t n = 0; n <= kMaxLen; ++n)
			ASSERT_TRUE(ck.set(dm, n));
	for (std::size_t n : kProbeLens)
		for (std::size_t dm = 0; dm < 64; ++dm)
			ASSERT_TRUE(ck.set(dm, n));
}

// The long NOFLUSH range (NT without flush) and the libc range, in both directions,
// with misaligned operands (our loop) and 64-byte aligned ones (libc below
// kNoFlushNtMin).
TEST_P(Variants, LongCopiesAndSets)
{
	const std::size_t big = (kNoFlushNtMin + 4096) & ~(kLine - 1);
	std::vector<unsigned char> mem(2 * big + 4096), expect;
	for (std::size_t i = 0; i < mem.size(); ++i)
		mem[i] = static_cast<unsigned char>(i * 13 + i / 251);
	const std::vector<unsigned char> pristine = mem;
	const Call calls[] = {{false, PMEM2_F_MEM_NOFLUSH}, {false, 0}, {false, PMEM2_F_MEM_TEMPORAL}, {true, 0}};
	for (const Call &c : calls) {
		for (std::size_t n : {kNoFlushLibcIntel.min, kNoFlushLibcIntel.max - 64, kNoFlushLibcMin + 1,
				      kNoFlushNtMin - 64, kNoFlushNtMin + 77}) {
			// 64-byte aligned dest for the shifts that are multiples of 64.
			const std::size_t aligned = 1024 + ((0 - reinterpret_cast<std::uintptr_t>(mem.data() + 1024)) & (kLine - 1));
			for (long shift : {long(big) + 5, 3L, -3L, long(big), 64L, -64L}) {
				const std::size_t doff = shift % 64 == 0 ? aligned + (shift < 0 ? 64 : 0) : 1031 + (shift < 0 ? 64 : 0);
				mem = pristine;
				expect = pristine;
				std::memmove(expect.data() + doff, expect.data() + doff + shift, n);
				(c.byte ? dp_.byte.memmove : dp_.cache_line.memmove)(mem.data() + doff, mem.data() + doff + shift, n,
					c.flags);
				ASSERT_TRUE(mem == expect) << "move flags=" << c.flags << " n=" << n << " shift=" << shift;
			}
			for (std::size_t soff : {std::size_t(77), aligned}) {
				mem = pristine;
				expect = pristine;
				std::memset(expect.data() + soff, 0x3c, n);
				(c.byte ? dp_.byte.memset : dp_.cache_line.memset)(mem.data() + soff, 0x3c, n, c.flags);
				ASSERT_TRUE(mem == expect) << "set flags=" << c.flags << " n=" << n << " off=" << soff;
			}
		}
	}
}

TEST_P(Variants, SameAddressAndZeroLengthStoreNothing)
{
	Arena a;
	fill(a.dst(), a.size(), 5);
	std::vector<unsigned char> before(a.dst(), a.dst() + a.size());
	for (unsigned flags : kFlagSets) {
		EXPECT_EQ(dp_.cache_line.memmove(a.dst() + 100, a.dst() + 100, 500, flags), a.dst() + 100);
		EXPECT_EQ(dp_.cache_line.memmove(a.dst() + 100, a.src(), 0, flags), a.dst() + 100);
		EXPECT_EQ(dp_.byte.memset(a.dst() + 3, 0, 0, flags), a.dst() + 3);
	}
	EXPECT_EQ(std::memcmp(before.data(), a.dst(), a.size()), 0);
}

// Calls long enough for the EachLine policy's per-line loop (kEachLineMin, line
// aligned destination only) and the block loop beside it, copied, moved both ways
// over an overlap and set, with 64 guard bytes on each side.
TEST_P(Variants, LongTemporalCallsFromTheEachLineMinimum)
{
	constexpr std::size_t kLong = 2 * kEachLineMin + 4096;
	std::vector<unsigned char> mem(2 * kLong + 8192), expect;
	unsigned char *base = reinterpret_cast<unsigned char *>(
		(reinterpret_cast<std::uintptr_t>(mem.data()) + 4095) & ~std::uintptr_t(4095));
	const std::size_t span = kLong + 1024;
	fill(mem.data(), mem.size(), 5);
	for (unsigned flags : {unsigned(PMEM2_F_MEM_TEMPORAL), unsigned(PMEM2_F_MEM_WB), 0u}) {
		for (std::size_t n : {kEachLineMin, kEachLineMin + 130, 2 * kEachLineMin + 64 * 7}) {
			for (std::size_t dmis : {std::size_t(0), std::size_t(64), std::size_t(7)}) {
				for (long shift : {0L, -192L, 320L}) { // 0: from a separate region
					unsigned char *d = base + 512 + dmis;
					const unsigned char *src = shift == 0 ? base + span + 3 : d + shift;
					expect.assign(base, base + 2 * span);
					std::memmove(expect.data() + (d - base), expect.data() + (src - base), n);
					ASSERT_EQ(dp_.cache_line.memmove(d, src, n, flags), d);
					ASSERT_EQ(std::memcmp(base, expect.data(), 2 * span), 0)
						<< "move flags=" << flags << " n=" << n << " dmis=" << dmis << " shift=" << shift;
				}
				expect.assign(base, base + 2 * span);
				unsigned char *d = base + 512 + dmis;
				std::memset(expect.data() + (d - base), 0x6b, n);
				ASSERT_EQ(dp_.cache_line.memset(d, 0x6b, n, flags), d);
				ASSERT_EQ(std::memcmp(base, expect.data(), 2 * span), 0)
					<< "set flags=" << flags << " n=" << n << " dmis=" << dmis;
			}
		}
	}
}

INSTANTIATE_TEST_SUITE_P(AllCompiled, Variants, ::testing::ValuesIn(all_variants()),
	[](const ::testing::TestParamInfo<Variant> &i) { return i.param.name; });

// The report of what this CPU runs, for the test log.
TEST(VariantsSummary, ListRunnableAndCompiledOnly)
{
	int runnable_count = 0;
	std::string compiled_only;
	for (const Variant &v : all_variants()) {
		if (runnable(v.choice, cpu_features()))
			++runnable_count;
		else
			compiled_only += " " + v.name;
	}
	std::printf("runnable variants: %d; compiled only:%s\n", runnable_count, compiled_only.c_str());
	EXPECT_GT(runnable_count, 0);
}

} // namespace
