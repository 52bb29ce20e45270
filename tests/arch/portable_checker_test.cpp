// SPDX-License-Identifier: BSD-3-Clause
// portable_checker_test.cpp -- the persistence checker for the data path of aarch64,
// POWER and the generic CPUs (src/pmem2/arch/generic/line_ops.hpp): the shipped
// CacheLineOps/ByteOps templates instantiated with a recording copier, a recording
// clean policy (line sizes 64, 128 and 256: CTR_EL0 and AT_DCACHEBSIZE are read at
// run time) and a recording fence. For every combination of the six flags, every
// length 0..300 and larger ones, and several misalignments, the log must show:
//   * the copy of exactly [dest, dest+n) (none for n == 0 or dest == src);
//   * unless NOFLUSH (and never at BYTE granularity): every line overlapping the
//     range cleaned after the copy, each once, line-aligned, none outside it;
//   * unless NODRAIN or NOFLUSH: a fence after the last clean, as the last event;
//     with NODRAIN or NOFLUSH no fence at all.
// It runs on every host (the templates hold no assembly) and, cross-built, under
// qemu for each target, so each architecture's copy and flush paths are checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "pmem2/arch/generic/line_ops.hpp"

namespace {

using namespace pmem2::arch::portable;

enum class Ev { Copy, Set, Clean, Fence };
struct Event {
	Ev kind;
	std::uintptr_t addr;
	std::size_t len;
};
std::vector<Event> g_log;

void record(Ev k, const void *p, std::size_t n) { g_log.push_back({k, reinterpret_cast<std::uintptr_t>(p), n}); }

struct RecCopy {
	static void memmove(void *d, const void *s, std::size_t n) noexcept
	{
		std::memmove(d, s, n);
		record(Ev::Copy, d, n);
	}
	static void memset(void *d, int c, std::size_t n) noexcept
	{
		std::memset(d, c, n);
		record(Ev::Set, d, n);
	}
};

template <std::size_t L> struct RecClean {
	static constexpr bool kCleans = true;
	static constexpr const char *kName = "recording";
	static constexpr const char *kFenceName = "recording";
	static std::size_t line_size() noexcept { return L; }
	static void line(const void *p) noexcept { record(Ev::Clean, p, L); }
	static void fence() noexcept { record(Ev::Fence, nullptr, 0); }
};

void rec_fence() noexcept { record(Ev::Fence, nullptr, 0); }

using MoveFn = void *(*)(void *, const void *, std::size_t, unsigned);
using SetFn = void *(*)(void *, int, std::size_t, unsigned);

struct Subject {
	std::string name;
	MoveFn move;
	SetFn set;
	bool byte;
	std::size_t line;
};

template <std::size_t L> Subject cache_line()
{
	using Ops = CacheLineOps<RecClean<L>, RecCopy>;
	return {"cache_line_" + std::to_string(L), Ops::memmove, Ops::memset, false, L};
}

std::vector<Subject> subjects()
{
	using B = ByteOps<RecCopy, rec_fence>;
	return {cache_line<64>(), cache_line<128>(), cache_line<256>(), {"byte", B::memmove, B::memset, true, 64}};
}

// Replays the log of one call on [d, d+n) and returns the first violation, or "".
std::string check(const Subject &s, std::uintptr_t d, std::size_t n, unsigned flags, bool expect_copy)
{
	const bool noflush = flags & PMEM2_F_MEM_NOFLUSH;
	const bool nodrain = flags & PMEM2_F_MEM_NODRAIN;
	const std::size_t L = s.line;
	const std::uintptr_t line0 = d & ~(L - 1);
	const std::size_t nlines = n == 0 ? 0 : ((d + n - 1) & ~(L - 1)) / L - line0 / L + 1;
	std::vector<int> cleaned(nlines, 0);
	std::size_t copy_at = 0, copies = 0, fences = 0;
	for (std::size_t i = 0; i < g_log.size(); ++i) {
		const Event &e = g_log[i];
		switch (e.kind) {
		case Ev::Copy:
		case Ev::Set:
			if (e.addr != d || e.len != n)
				return "copy of a different range";
			if (fences || std::count_if(cleaned.begin(), cleaned.end(), [](int c) { return c != 0; }))
				return "copy after a clean or fence";
			copy_at = i + 1;
			++copies;
			break;
		case Ev::Clean:
			if (noflush || s.byte)
				return "clean although nothing needs cleaning";
			if (e.addr % L != 0)
				return "clean address not line aligned";
			if (e.addr < line0 || e.addr >= d + n)
				return "clean of a line outside the range";
			if (++cleaned[(e.addr - line0) / L] > 1)
				return "line cleaned twice";
			if (fences)
				return "clean after the fence";
			break;
		case Ev::Fence:
			++fences;
			break;
		}
	}
	(void)copy_at;
	if (copies != (expect_copy ? 1u : 0u))
		return "expected " + std::to_string(expect_copy ? 1 : 0) + " copies, saw " + std::to_string(copies);
	if (!noflush && !s.byte)
		for (std::size_t l = 0; l < nlines; ++l)
			if (!cleaned[l])
				return "line " + std::to_string(l) + " of the range written but not cleaned";
	if (!nodrain && !noflush) {
		if (fences != 1 || g_log.back().kind != Ev::Fence)
			return "no fence as the last event";
	} else if (fences != 0) {
		return "a fence although NODRAIN/NOFLUSH";
	}
	return "";
}

std::vector<std::size_t> lengths()
{
	std::vector<std::size_t> v;
	for (std::size_t n = 0; n <= 300; ++n)
		v.push_back(n);
	for (std::size_t n : {511, 512, 513, 1000, 2048, 4095, 4096, 4096 + 130, 65536 + 7})
		v.push_back(n);
	return v;
}

constexpr unsigned kAllFlags = PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_TEMPORAL |
			       PMEM2_F_MEM_WC | PMEM2_F_MEM_WB | PMEM2_F_MEM_NOFLUSH;

// Every subset of the six flags.
std::vector<unsigned> flag_sets()
{
	std::vector<unsigned> bits;
	for (unsigned b = 1; b != 0 && b <= kAllFlags; b <<= 1)
		if (kAllFlags & b)
			bits.push_back(b);
	std::vector<unsigned> sets;
	for (unsigned m = 0; m < (1u << bits.size()); ++m) {
		unsigned f = 0;
		for (std::size_t k = 0; k < bits.size(); ++k)
			if (m & (1u << k))
				f |= bits[k];
		sets.push_back(f);
	}
	return sets;
}

TEST(PortableChecker, SixFlagsAreDistinct) { EXPECT_EQ(flag_sets().size(), 64u); }

TEST(PortableChecker, EveryWrittenLineCleanedAndFenced)
{
	const auto flags = flag_sets();
	std::vector<unsigned char> buf(2 * 65536 + 2048), src(65536 + 2048, 0x5a);
	for (const Subject &s : subjects()) {
		// Misalignments against the line: 0, 1, 7, 8, mid-line, line - 1.
		for (std::size_t mis : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, s.line / 2, s.line - 1}) {
			auto base = reinterpret_cast<std::uintptr_t>(buf.data());
			base = (base + 255) & ~std::uintptr_t{255};
			char *d = reinterpret_cast<char *>(base + mis);
			for (std::size_t n : lengths())
				for (unsigned f : flags) {
					g_log.clear();
					s.move(d, src.data() + 3, n, f);
					std::string why = check(s, reinterpret_cast<std::uintptr_t>(d), n, f, n != 0);
					ASSERT_EQ(why, "") << s.name << " memmove mis " << mis << " n " << n << " flags 0x" << std::hex << f;
					g_log.clear();
					s.set(d, 0x3c, n, f);
					why = check(s, reinterpret_cast<std::uintptr_t>(d), n, f, n != 0);
					ASSERT_EQ(why, "") << s.name << " memset mis " << mis << " n " << n << " flags 0x" << std::hex << f;
				}
		}
	}
}

// The checker itself: a copy that forgets to clean, one that forgets the fence, and
// one that fences before cleaning are each caught.
void *forgets_clean(void *d, const void *s, std::size_t n, unsigned) noexcept
{
	RecCopy::memmove(d, s, n);
	rec_fence();
	return d;
}
void *forgets_fence(void *d, const void *s, std::size_t n, unsigned) noexcept
{
	RecCopy::memmove(d, s, n);
	clean_range<RecClean<64>>(d, n);
	return d;
}
void *fences_first(void *d, const void *s, std::size_t n, unsigned) noexcept
{
	RecCopy::memmove(d, s, n);
	rec_fence();
	clean_range<RecClean<64>>(d, n);
	return d;
}

TEST(PortableChecker, CatchesMissingCleanOrFence)
{
	alignas(64) static unsigned char buf[1024], src[1024];
	for (MoveFn bad : {forgets_clean, forgets_fence, fences_first}) {
		Subject s{"broken", bad, nullptr, false, 64};
		g_log.clear();
		s.move(buf + 3, src, 200, 0);
		EXPECT_NE(check(s, reinterpret_cast<std::uintptr_t>(buf + 3), 200, 0, true), "");
	}
}

TEST(PortableChecker, MoveOntoItselfCopiesNothingButStillPersists)
{
	alignas(256) static unsigned char buf[1024];
	for (const Subject &s : subjects())
		for (unsigned f : flag_sets()) {
			g_log.clear();
			s.move(buf + 5, buf + 5, 300, f);
			EXPECT_EQ(check(s, reinterpret_cast<std::uintptr_t>(buf + 5), 300, f, false), "") << s.name << " flags " << f;
		}
}

TEST(PortableChecker, OverlappingMovesCopyLikeMemmove)
{
	using Ops = CacheLineOps<RecClean<64>, LibcCopy>;
	std::vector<unsigned char> a(1024), b(1024);
	for (std::size_t i = 0; i < a.size(); ++i)
		a[i] = b[i] = static_cast<unsigned char>(i * 7);
	g_log.clear();
	Ops::memmove(a.data() + 10, a.data(), 500, 0);
	std::memmove(b.data() + 10, b.data(), 500);
	EXPECT_EQ(a, b);
	Ops::memmove(a.data(), a.data() + 33, 700, 0);
	std::memmove(b.data(), b.data() + 33, 700);
	EXPECT_EQ(a, b);
}

TEST(PortableChecker, PersistCleansEveryLineThenFences)
{
	using Ops = CacheLineOps<RecClean<128>, RecCopy>;
	alignas(128) static unsigned char buf[4096];
	for (std::size_t off : {0, 1, 127, 128, 200})
		for (std::size_t n : {0, 1, 127, 128, 129, 1000}) {
			g_log.clear();
			Ops::persist(buf + off, n);
			const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(buf + off);
			const std::size_t want = n == 0 ? 0 : ((p + n - 1) / 128 - p / 128 + 1);
			ASSERT_EQ(g_log.size(), want + 1) << off << " " << n;
			for (std::size_t i = 0; i < want; ++i) {
				EXPECT_EQ(g_log[i].kind, Ev::Clean);
				EXPECT_EQ(g_log[i].addr, (p & ~std::uintptr_t{127}) + i * 128);
			}
			EXPECT_EQ(g_log.back().kind, Ev::Fence);
			g_log.clear();
			Ops::flush(buf + off, n);
			EXPECT_EQ(g_log.size(), want);
			for (const Event &e : g_log)
				EXPECT_EQ(e.kind, Ev::Clean);
			g_log.clear();
			Ops::drain();
			ASSERT_EQ(g_log.size(), 1u);
			EXPECT_EQ(g_log[0].kind, Ev::Fence);
		}
}

TEST(PortableChecker, ByteGranularityOnlyOrders)
{
	using B = ByteOps<RecCopy, rec_fence>;
	alignas(64) static unsigned char buf[512];
	g_log.clear();
	B::persist(buf, 300);
	B::flush(buf, 300);
	B::drain();
	ASSERT_EQ(g_log.size(), 2u); // persist and drain fence; flush does nothing
	EXPECT_EQ(g_log[0].kind, Ev::Fence);
	EXPECT_EQ(g_log[1].kind, Ev::Fence);
}

TEST(PortableChecker, CleanRangeStopsAtTheEndOfTheAddressSpace)
{
	using Ops = CacheLineOps<RecClean<64>, RecCopy>;
	g_log.clear();
	Ops::flush(reinterpret_cast<const void *>(UINTPTR_MAX - 100), 1000);
	ASSERT_EQ(g_log.size(), 2u);
	EXPECT_EQ(g_log[0].addr, (UINTPTR_MAX - 100) & ~std::uintptr_t{63});
	EXPECT_EQ(g_log[1].addr, UINTPTR_MAX & ~std::uintptr_t{63});
}

} // namespace
