// SPDX-License-Identifier: BSD-3-Clause
// persistence_checker_test.cpp -- the shipped loop and flag dispatch (MemOps, the
// generic copier) instantiated with recording store, flush and fence policies. For
// every combination of the six flags, lengths 0..300 and larger ones, and several
// misalignments, the log must show at return:
//   * every byte of [dest, dest+n) stored, and nothing outside it;
//   * every line written with a temporal store flushed after its last temporal
//     store (unless NOFLUSH, or BYTE granularity where nothing is flushed);
//   * an SFENCE after the last NT store and the last flush (unless NODRAIN/NOFLUSH);
//   * NT stores only in whole aligned registers and only when the flags and the
//     threshold allow them; no flush of a line outside the range;
//   * for an 8-byte aligned dest and a length multiple of 8: every store covers
//     whole aligned 8-byte units (the man page's 8-byte store atomicity).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "pmem2/arch/x86_64/memops.hpp"
#include "x86_recording_ops.hpp"

namespace {

using namespace pmem2::arch::x86_64;

using namespace pmem2::test::x86_recording;

using MoveFn = void *(*)(void *, const void *, std::size_t, unsigned);
using SetFn = void *(*)(void *, int, std::size_t, unsigned);

struct Subject {
	const char *name;
	MoveFn move;
	SetFn set;
	bool byte;         // BYTE granularity: nothing is flushed
	bool never_nt;     // the generic copier
	std::size_t width; // register width of the recording policy
	bool prefetchw = false; // temporal + flush loops prefetch their destination
};

template <std::size_t W, bool Wc, bool Byte, FlushOrder Order = FlushOrder::EachLine, std::size_t Regs = 16,
	  bool PrefetchW = false>
Subject simd(const char *name)
{
	using Ops = MemOps<RecVec<W, Regs>, RecFlush, Wc, Byte, Order, PrefetchW>;
	return {name, Ops::memmove, Ops::memset, Byte, false, W, PrefetchW};
}

std::vector<Subject> subjects()
{
	using Gen = GenericOps<RecVec<8>, RecFlush, false>;
	using GenByte = GenericOps<RecVec<8>, RecFlush, true>;
	return {simd<16, false, false>("w16_cache_line"), simd<16, true, false>("w16_wc_cache_line"),
		simd<32, false, false>("w32_cache_line"), simd<64, false, false>("w64_cache_line"),
		simd<16, false, true>("w16_byte"), simd<64, false, true>("w64_byte"),
		// The reference's order (issue 16), with AVX-512's 32 registers too.
		simd<16, false, false, FlushOrder::AfterBlock>("w16_cache_line_after_block"),
		simd<16, true, false, FlushOrder::AfterBlock>("w16_wc_cache_line_after_block"),
		simd<32, false, false, FlushOrder::AfterBlock>("w32_cache_line_after_block"),
		simd<64, false, false, FlushOrder::AfterBlock, 32>("w64_regs32_cache_line_after_block"),
		simd<64, false, false, FlushOrder::EachLine, 32>("w64_regs32_cache_line"),
		// With the destination prefetch (kPrefetchAhead), both orders.
		simd<64, false, false, FlushOrder::EachLine, 32, true>("w64_regs32_cache_line_prefetchw"),
		simd<64, false, false, FlushOrder::AfterBlock, 32, true>("w64_regs32_cache_line_after_block_prefetchw"),
		simd<32, false, false, FlushOrder::AfterBlock, 16, true>("w32_cache_line_after_block_prefetchw"),
		simd<16, true, false, FlushOrder::AfterBlock, 16, true>("w16_wc_cache_line_after_block_prefetchw"),
		simd<64, false, true, FlushOrder::EachLine, 32, true>("w64_byte_prefetchw"),
		{"generic_cache_line", Gen::memmove, Gen::memset, false, true, 8},
		{"generic_byte", GenByte::memmove, GenByte::memset, true, true, 8}};
}

// Replays the log of one call on [d, d+n) and returns the first violation, or "".
std::string check(const Subject &s, std::uintptr_t d, std::size_t n, unsigned flags, bool is_set)
{
	const bool noflush = flags & PMEM2_F_MEM_NOFLUSH;
	const bool nodrain = flags & PMEM2_F_MEM_NODRAIN;
	const bool atomic8 = d % 8 == 0 && n % 8 == 0;
	// Which strategy the flags allow; NT stores appear only where NT is allowed.
	const Strategy st = s.byte ? byte_strategy(flags, n, g_noflush_libc) : cache_line_strategy(flags, n, g_movnt_threshold, g_noflush_libc);
	const bool nt_nofence = st == Strategy::NonTemporalNoFlush;
	const bool nt_allowed = (st == Strategy::NonTemporal || nt_nofence) && !s.never_nt;

	// Per line from d's line on: temporally stored since its last flush.
	const std::uintptr_t line0 = d & ~(kLine - 1);
	std::vector<char> dirty((n + 2 * kLine) / kLine + 1, 0);
	std::vector<bool> covered(n, false);
	std::size_t last_persistent_op = 0; // index+1 of the last NT store or flush
	std::size_t last_fence = 0;
	(void)is_set;
	for (std::size_t i = 0; i < g_log.size(); ++i) {
		const Event &e = g_log[i];
		switch (e.kind) {
		case Ev::Store:
		case Ev::Stream: {
			if (e.addr < d || e.addr + e.len > d + n)
				return "store outside the range at +" + std::to_string(e.addr - d);
			if (atomic8 && (e.addr % 8 != 0 || e.len % 8 != 0))
				return "store splits an aligned 8-byte unit at +" + std::to_string(e.addr - d) +
					" len " + std::to_string(e.len);
			for (std::size_t k = 0; k < e.len; ++k)
				covered[e.addr - d + k] = true;
			const std::uintptr_t first = e.addr & ~(kLine - 1);
			const std::uintptr_t last = (e.addr + e.len - 1) & ~(kLine - 1);
			if (e.kind == Ev::Stream) {
				if (!nt_allowed)
					return "NT store where the flags ask for temporal stores";
				if (e.addr % s.width != 0 || e.len != s.width)
					return "NT store not one aligned register";
				last_persistent_op = i + 1;
			} else {
				for (std::uintptr_t l = first; l <= last; l += kLine)
					dirty[(l - line0) / kLine] = 1;
			}
			break;
		}
		case Ev::Flush:
			if (noflush || s.byte)
				return "flush although nothing needs flushing";
			if (e.addr % kLine != 0)
				return "flush address not line aligned";
			if (e.addr + kLine <= (d & ~(kLine - 1)) || e.addr >= d + n)
				return "flush of a line outside the range";
			dirty[(e.addr - line0) / kLine] = 0;
			last_persistent_op = i + 1;
			break;
		case Ev::Fence:
			last_fence = i + 1;
			break;
		case Ev::Prefetch:
			// Only the temporal + flush loop prefetches, only when asked to, and
			// only whole lines of the destination (nothing the call does not store).
			if (!s.prefetchw || st != Strategy::TemporalFlush)
				return "prefetch outside a prefetching temporal + flush call";
			if (e.addr % kLine != 0)
				return "prefetch address not line aligned";
			if (e.addr < d || e.addr + kLine > d + n)
				return "prefetch of a line outside the range at +" + std::to_string(e.addr - d);
			break;
		}
	}
	for (std::size_t k = 0; k < n; ++k)
		if (!covered[k])
			return "byte +" + std::to_string(k) + " never stored";
	if (!noflush && !s.byte)
		for (std::size_t l = 0; l < dirty.size(); ++l)
			if (dirty[l])
				return "line " + std::to_string(l) + " of the range stored but not flushed";
	// NT stores of a NOFLUSH copy are still fenced, for plain-memcpy ordering.
	if (nt_nofence && !s.never_nt && n != 0 && (last_fence == 0 || last_fence < last_persistent_op))
		return "NOFLUSH NT copy without a closing SFENCE";
	if (!nodrain && !noflush) {
		if (last_fence == 0 || last_fence < last_persistent_op)
			return "no SFENCE after the last NT store / flush";
		if (s.byte && n != 0 && last_fence != g_log.size())
			return "BYTE: stores after the last SFENCE";
	}
	if (noflush || nodrain)
		if (!g_log.empty() && g_log.back().kind == Ev::Fence && !(flags & PMEM2_F_MEM_WC) && !nt_allowed)
			return "a drain although NODRAIN/NOFLUSH";
	return "";
}

std::vector<std::size_t> lengths()
{
	std::vector<std::size_t> v;
	for (std::size_t n = 0; n <= 300; ++n)
		v.push_back(n);
	for (std::size_t n : {511, 512, 513, 767, 768, 769, 1000, 2048, 4095, 4096, 4096 + 130})
		v.push_back(n);
	return v;
}

TEST(PersistenceChecker, EveryFlagCombinationLeavesEveryLineFlushedAndFenced)
{
	std::vector<unsigned char> buf(3 * 4096 + 256), src(4096 + 256 + 64);
	for (std::size_t i = 0; i < src.size(); ++i)
		src[i] = static_cast<unsigned char>(i * 7 + 1);
	auto base = (reinterpret_cast<std::uintptr_t>(buf.data()) + 4095) & ~std::uintptr_t(4095);
	std::size_t checked = 0;
	const std::vector<std::size_t> all_lengths = lengths();
	const std::vector<std::size_t> probe_lengths = {0, 1, 7, 8, 16, 56, 63, 64, 65, 120, 128, 200, 255, 256, 257,
		300, 768, 4096 + 130};
	for (const Subject &s : subjects()) {
		for (unsigned flags = 0; flags < 64; ++flags) {
			for (std::size_t mis : {0, 37, 8, 24, 1, 63}) {
				for (std::size_t n : (mis == 0 || mis == 37) ? all_lengths : probe_lengths) {
					char *d = reinterpret_cast<char *>(base + mis);
					for (int op = 0; op < 2; ++op) {
						g_log.clear();
						if (op == 0)
							s.move(d, src.data() + (mis * 3) % 64, n, flags);
						else
							s.set(d, 0x5a, n, flags);
						const std::string why = check(s, reinterpret_cast<std::uintptr_t>(d), n, flags, op);
						ASSERT_EQ(why, "") << s.name << (op ? " memset" : " memmove") << " flags=" << flags
								   << " mis=" << mis << " n=" << n;
						if (op == 0) {
							ASSERT_EQ(std::memcmp(d, src.data() + (mis * 3) % 64, n), 0);
						}
						++checked;
					}
				}
			}
		}
	}
	std::printf("checked %zu calls\n", checked);
}

// Overlapping moves go through the same policies; the backward direction must obey
// the same rules.
TEST(PersistenceChecker, OverlappingMovesToo)
{
	std::vector<unsigned char> buf(4 * 4096);
	auto base = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(buf.data()) + 4095) & ~std::uintptr_t(4095));
	for (const Subject &s : subjects()) {
		for (unsigned flags : {0u, unsigned(PMEM2_F_MEM_NONTEMPORAL), unsigned(PMEM2_F_MEM_TEMPORAL),
			     unsigned(PMEM2_F_MEM_NODRAIN)}) {
			for (long shift : {-100L, -5L, 5L, 100L}) {
				// kPrefetchMin + 1500: long enough for the destination prefetch.
				for (std::size_t n : {std::size_t(70), std::size_t(300), std::size_t(1500), std::size_t(5000),
					     kPrefetchMin + 1500}) {
					char *d = base + 1024 + 3;
					g_log.clear();
					s.move(d, d + shift, n, flags);
					const std::string why = check(s, reinterpret_cast<std::uintptr_t>(d), n, flags, false);
					ASSERT_EQ(why, "") << s.name << " flags=" << flags << " shift=" << shift << " n=" << n;
				}
			}
		}
	}
}

// Temporal + flush calls long enough for the EachLine policy's EachLine loop
// (kEachLineMin), aligned and not, and the NT default next to them.
TEST(PersistenceChecker, LongTemporalCopies)
{
	std::vector<unsigned char> dst(3 * kEachLineMin + 8192), src(3 * kEachLineMin + 256);
	for (std::size_t i = 0; i < src.size(); ++i)
		src[i] = static_cast<unsigned char>(i * 13 + 5);
	char *d = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(dst.data()) + 4095) & ~std::uintptr_t(4095));
	std::size_t checked = 0;
	for (const Subject &s : subjects()) {
		for (unsigned flags : {unsigned(PMEM2_F_MEM_TEMPORAL), unsigned(PMEM2_F_MEM_WB),
			     unsigned(PMEM2_F_MEM_TEMPORAL | PMEM2_F_MEM_NODRAIN), 0u}) {
			for (std::size_t n : {kEachLineMin - 64, kEachLineMin, kEachLineMin + 130, 2 * kEachLineMin + 5 * 64}) {
				for (std::size_t mis : {0, 37, 64}) {
					g_log.clear();
					s.move(d + mis, src.data() + 3, n, flags);
					ASSERT_EQ(check(s, reinterpret_cast<std::uintptr_t>(d + mis), n, flags, false), "")
						<< s.name << " move flags=" << flags << " n=" << n << " mis=" << mis;
					ASSERT_EQ(std::memcmp(d + mis, src.data() + 3, n), 0) << s.name;
					g_log.clear();
					s.set(d + mis, 0x33, n, flags);
					ASSERT_EQ(check(s, reinterpret_cast<std::uintptr_t>(d + mis), n, flags, true), "")
						<< s.name << " set flags=" << flags << " n=" << n << " mis=" << mis;
					checked += 2;
				}
			}
		}
	}
	std::printf("checked %zu long calls\n", checked);
}

// Long NOFLUSH copies (NT stores without flush, closing SFENCE) and the libc range
// (logged as our temporal loop in the recording policies).
TEST(PersistenceChecker, LongNoFlushCopies)
{
	static_assert(kNoFlushLibcMin < kNoFlushNtMin, "the libc range lies below the NT range");
	std::vector<unsigned char> dst(kNoFlushNtMin + 8192), src(kNoFlushNtMin + 256, 9);
	char *d = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(dst.data()) + 4095) & ~std::uintptr_t(4095));
	for (const Subject &s : subjects()) {
		for (unsigned flags : {unsigned(PMEM2_F_MEM_NOFLUSH), unsigned(PMEM2_F_MEM_NOFLUSH | PMEM2_F_MEM_NODRAIN), 0u}) {
			// Every n stays within the buffers: at most kNoFlushNtMin + 77.
			for (std::size_t n : {kNoFlushLibcIntel.min, kNoFlushLibcIntel.max - 64,
				     kNoFlushLibcAmdFamily25Avx512.gap_min, kNoFlushLibcAmdFamily25Avx512.gap_max,
				     kNoFlushLibcMin, (kNoFlushLibcMin + kNoFlushNtMin) / 2 + 3, kNoFlushNtMin,
				     kNoFlushNtMin + 77}) {
				for (std::size_t mis : {0, 3}) {
					g_log.clear();
					s.move(d + mis, src.data() + 1, n, flags);
					EXPECT_EQ(check(s, reinterpret_cast<std::uintptr_t>(d + mis), n, flags, false), "")
						<< s.name << " move flags=" << flags << " n=" << n;
					g_log.clear();
					s.set(d + mis, 1, n, flags);
					EXPECT_EQ(check(s, reinterpret_cast<std::uintptr_t>(d + mis), n, flags, true), "")
						<< s.name << " set flags=" << flags << " n=" << n;
				}
			}
		}
	}
}

// The two temporal orders are what they claim: EachLine flushes every line right
// after its store; AfterBlock stores a whole block (all registers' worth of lines)
// before flushing it, in ascending order inside each block, for forward and backward
// moves and for sets. Only the aligned body is checked: head and tail are the same
// small stores in both orders.
std::vector<Event> body_events(std::uintptr_t lo, std::uintptr_t hi)
{
	std::vector<Event> v;
	for (const Event &e : g_log)
		if (e.kind != Ev::Fence && e.addr >= lo && e.addr + e.len <= hi)
			v.push_back(e);
	return v;
}

// The log shape of one temporal + flush call on [lo, hi): the sizes of its runs of
// stores, each of which must be followed by the flushes of the same lines in the same
// order, ascending inside a run. EachLine gives runs of 1.
std::vector<std::size_t> store_runs(const std::vector<Event> &ev)
{
	std::vector<std::size_t> sizes;
	std::size_t i = 0;
	while (i < ev.size()) {
		std::size_t n = 0;
		while (i + n < ev.size() && ev[i + n].kind == Ev::Store)
			++n;
		if (n == 0 || i + 2 * n > ev.size())
			return {0};
		for (std::size_t k = 0; k < n; ++k) {
			if (ev[i + n + k].kind != Ev::Flush || ev[i + n + k].addr != ev[i + k].addr)
				return {0};
			if (k > 0 && ev[i + k].addr != ev[i + k - 1].addr + kLine)
				return {0};
		}
		sizes.push_back(n);
		i += 2 * n;
	}
	return sizes;
}

// op 0: forward move, 1: backward (overlapping) move, 2: set; n bytes at d.
template <class Ops> std::vector<Event> temporal_call(int op, char *d, std::size_t n, std::uintptr_t lo, std::uintptr_t hi)
{
	g_log.clear();
	if (op == 0)
		Ops::memmove(d, d + n + 1024, n, PMEM2_F_MEM_TEMPORAL);
	else if (op == 1)
		Ops::memmove(d, d - 128, n, PMEM2_F_MEM_TEMPORAL);
	else
		Ops::memset(d, 7, n, PMEM2_F_MEM_WB);
	return body_events(lo, hi);
}

TEST(PersistenceChecker, TemporalFlushOrdersAreTheDeclaredOnes)
{
	std::vector<unsigned char> buf(2 * (kEachLineMin + 8192) + 8192);
	char *base = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(buf.data()) + 4095) & ~std::uintptr_t(4095));
	char *d = base + 2048;
	using Line = MemOps<RecVec<64, 32>, RecFlush, false, false, FlushOrder::EachLine>;
	using Block = MemOps<RecVec<64, 32>, RecFlush, false, false, FlushOrder::AfterBlock>;
	for (int op = 0; op < 3; ++op) {
		// 70 lines: below kEachLineMin, so both policies store 32, 32, 4, 2 lines per
		// run, in the direction of the copy.
		{
			const std::size_t n = 70 * kLine;
			const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(d), hi = lo + n;
			const std::vector<std::size_t> blocks = {32, 32, 4, 2};
			for (const auto &ev : {temporal_call<Line>(op, d, n, lo, hi), temporal_call<Block>(op, d, n, lo, hi)}) {
				ASSERT_EQ(ev.size(), 2 * 70u) << op;
				EXPECT_EQ(store_runs(ev), blocks) << op;
				// Backward: the highest block first.
				EXPECT_EQ(ev.front().addr, op == 1 ? hi - 32 * kLine : lo) << op;
			}
		}
		// kEachLineMin + 3 lines, aligned: EachLine flushes every line behind its
		// store; AfterBlock keeps its blocks.
		{
			const std::size_t n = kEachLineMin + 3 * kLine;
			const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(d), hi = lo + n;
			const std::vector<Event> each = temporal_call<Line>(op, d, n, lo, hi);
			ASSERT_EQ(each.size(), 2 * n / kLine) << op;
			EXPECT_EQ(store_runs(each), std::vector<std::size_t>(n / kLine, 1)) << op;
			const std::vector<std::size_t> runs = store_runs(temporal_call<Block>(op, d, n, lo, hi));
			ASSERT_EQ(runs.size(), n / kLine / 32 + 2) << op; // 32 blocks of 32, then 2 + 1
			EXPECT_EQ(runs.front(), 32u) << op;
		}
		// The same length at a destination that is not line aligned: EachLine policy
		// uses blocks there too (only the whole lines of the body are looked at).
		{
			const std::size_t n = kEachLineMin + 3 * kLine;
			char *u = d + 7;
			const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(d) + kLine;
			const std::uintptr_t hi = reinterpret_cast<std::uintptr_t>(d) + n;
			const std::vector<std::size_t> runs = store_runs(temporal_call<Line>(op, u, n, lo, hi));
			ASSERT_FALSE(runs.empty()) << op;
			EXPECT_EQ(*std::max_element(runs.begin(), runs.end()), 32u) << op;
		}
	}
}

// The destination prefetch (kPrefetchAhead) changes nothing but adds prefetches:
// without them the log is that of the same loop without the prefetch; each one
// follows a line's store and names the line kPrefetchAhead beyond it in the
// direction of the copy; and there are some from kPrefetchMin on, none below (the
// checker above proves that none leaves the destination).
template <FlushOrder Order> void check_prefetch_shape()
{
	std::vector<unsigned char> buf(2 * (kEachLineMin + 8192) + 8192);
	char *base = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(buf.data()) + 4095) & ~std::uintptr_t(4095));
	char *d = base + 2048;
	using Plain = MemOps<RecVec<64, 32>, RecFlush, false, false, Order, false>;
	using Ahead = MemOps<RecVec<64, 32>, RecFlush, false, false, Order, true>;
	for (int op = 0; op < 3; ++op) {
		for (std::size_t n : {std::size_t(16 * kLine), std::size_t(70 * kLine), kPrefetchMin - kLine, kPrefetchMin,
			     kEachLineMin + 3 * kLine}) {
			const std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(d), hi = lo + n;
			const std::vector<Event> plain = temporal_call<Plain>(op, d, n, lo, hi);
			const std::vector<Event> ahead = temporal_call<Ahead>(op, d, n, lo, hi);
			std::vector<Event> without;
			std::size_t prefetches = 0;
			for (std::size_t i = 0; i < ahead.size(); ++i) {
				const Event &e = ahead[i];
				if (e.kind != Ev::Prefetch) {
					without.push_back(e);
					continue;
				}
				++prefetches;
				std::size_t j = i;
				while (j > 0 && ahead[j - 1].kind != Ev::Store)
					--j;
				ASSERT_GT(j, 0u) << "prefetch before any store, op " << op << " n " << n;
				const std::uintptr_t stored = ahead[j - 1].addr;
				const std::uintptr_t want = op == 1 ? stored - kPrefetchAhead : stored + kPrefetchAhead;
				ASSERT_EQ(e.addr, want) << "op " << op << " n " << n << " event " << i;
			}
			ASSERT_EQ(without.size(), plain.size()) << "op " << op << " n " << n;
			for (std::size_t i = 0; i < plain.size(); ++i) {
				ASSERT_EQ(static_cast<int>(without[i].kind), static_cast<int>(plain[i].kind)) << i;
				ASSERT_EQ(without[i].addr, plain[i].addr) << i;
			}
			// Below kPrefetchMin nothing is prefetched; from it on, at least the
			// first 32-line block's targets fit in the body.
			if (n < kPrefetchMin)
				EXPECT_EQ(prefetches, 0u) << "op " << op << " n " << n;
			else
				EXPECT_GE(prefetches, 32u) << "op " << op << " n " << n;
		}
	}
}

TEST(PersistenceChecker, DestinationPrefetchOnlyAddsPrefetchesAheadOfTheStores)
{
	check_prefetch_shape<FlushOrder::AfterBlock>();
	check_prefetch_shape<FlushOrder::EachLine>();
}

// A checker that cannot fail proves nothing: a loop without the flush, and one that
// forgets the fence, must be caught.
TEST(PersistenceChecker, CatchesAMissingFlushAndAMissingFence)
{
	std::vector<unsigned char> buf(8192), src(1024, 3);
	char *d = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(buf.data()) + 4095) & ~std::uintptr_t(4095));
	const Subject s = simd<16, false, false>("w16");

	g_log.clear();
	Loop<RecVec<16>, Temporal, FlushNone>::move(d, reinterpret_cast<char *>(src.data()), 200);
	RecVec<16>::sfence();
	EXPECT_NE(check(s, reinterpret_cast<std::uintptr_t>(d), 200, PMEM2_F_MEM_TEMPORAL, false), "");

	g_log.clear();
	Loop<RecVec<16>, NonTemporal<false>, RecFlush>::move(d, reinterpret_cast<char *>(src.data()), 512);
	EXPECT_NE(check(s, reinterpret_cast<std::uintptr_t>(d), 512, PMEM2_F_MEM_NONTEMPORAL, false), "");

	g_log.clear();
	s.move(d + 4, src.data(), 512, PMEM2_F_MEM_TEMPORAL); // temporal: no NT allowed...
	g_log.push_back({Ev::Stream, reinterpret_cast<std::uintptr_t>(d + 64), 16});
	EXPECT_NE(check(s, reinterpret_cast<std::uintptr_t>(d + 4), 512, PMEM2_F_MEM_TEMPORAL, false), "");
}

} // namespace
