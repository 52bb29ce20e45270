// SPDX-License-Identifier: BSD-3-Clause
// memops.hpp -- the data path's copy and set loop, written once and instantiated per
// ISA (vector policy), store kind (temporal / non-temporal) and flush policy, plus
// the flag dispatch of the CACHE_LINE and BYTE wrappers (FACTS 4.8-4.13).
//
// Every function here is either a template whose arguments include an ISA policy
// type (each ISA's policy lives in its own namespace in its own .cpp, so no two
// ISAs' instantiations share a symbol) or is forced inline. That is what lets one
// header be compiled with -mavx512f in one file and without it in another without
// the linker merging an AVX-512 copy into the SSE2 path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include <libpmem2/base.h>

#define PMEM2_ALWAYS_INLINE inline __attribute__((always_inline))
#define PMEM2_LAMBDA_INLINE __attribute__((always_inline))

namespace pmem2::arch::x86_64 {

// Cache line size of every x86-64 CPU we know; the unit of flushing and of NT stores.
constexpr std::size_t kLine = 64;

// fn(std::integral_constant<std::size_t, I>) for I = 0..N-1, as straight-line code:
// constant indices let the compiler keep arrays indexed by I in registers.
template <class Fn, std::size_t... I>
PMEM2_ALWAYS_INLINE void unroll_impl(Fn &fn, std::index_sequence<I...>) noexcept
{
	(fn(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class Fn> PMEM2_ALWAYS_INLINE void unroll(Fn &&fn) noexcept
{
	unroll_impl(fn, std::make_index_sequence<N>{});
}

// ---- flush policies ---------------------------------------------------------------
// One flush instruction for the line holding `p`. Inline asm instead of intrinsics so
// that no -mclwb/-mclflushopt flag is needed and every ISA file can inline them. The
// "memory" clobber keeps the compiler from sinking earlier stores below the flush.

struct FlushClwb {
	static constexpr bool kFlushes = true;
	static constexpr const char *kName = "clwb";
	static PMEM2_ALWAYS_INLINE void line(const void *p) noexcept
	{
		__asm__ volatile("clwb (%0)" : : "r"(p) : "memory");
	}
};

struct FlushClflushopt {
	static constexpr bool kFlushes = true;
	static constexpr const char *kName = "clflushopt";
	static PMEM2_ALWAYS_INLINE void line(const void *p) noexcept
	{
		__asm__ volatile("clflushopt (%0)" : : "r"(p) : "memory");
	}
};

struct FlushClflush {
	static constexpr bool kFlushes = true;
	static constexpr const char *kName = "clflush";
	static PMEM2_ALWAYS_INLINE void line(const void *p) noexcept
	{
		__asm__ volatile("clflush (%0)" : : "r"(p) : "memory");
	}
};

// No flush: BYTE granularity (eADR: the caches are persistent) and PMEM2_F_MEM_NOFLUSH.
struct FlushNone {
	static constexpr bool kFlushes = false;
	static constexpr const char *kName = "none";
	static PMEM2_ALWAYS_INLINE void line(const void *) noexcept {}
};

// Flush every line overlapping [p, p + n): from the line holding p while the line
// starts below p + n (FACTS 4.4). No fence.
template <class F> PMEM2_ALWAYS_INLINE void flush_range(const void *p, std::size_t n) noexcept
{
	if constexpr (F::kFlushes) {
		std::uintptr_t line = reinterpret_cast<std::uintptr_t>(p) & ~(kLine - 1);
		const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(p) + n;
		for (; line < end; line += kLine)
			F::line(reinterpret_cast<const void *>(line));
	}
}

// ---- store kinds --------------------------------------------------------------------

struct Temporal {
	static constexpr bool kNonTemporal = false;
	static constexpr bool kWcFence = false;
};

// Non-temporal (streaming) stores for whole aligned lines. WcFence: SFENCE every
// kWcFenceLines lines, the reference's workaround for CPUs whose write-combining
// buffers drain badly on long NT runs (FACTS 4.14).
template <bool WcFence> struct NonTemporal {
	static constexpr bool kNonTemporal = true;
	static constexpr bool kWcFence = WcFence;
};
constexpr std::size_t kWcFenceLines = 12;

// ---- order of temporal stores and their flushes ------------------------------------
// Only the temporal + flush loop (TEMPORAL, WB, and short default copies at
// CACHE_LINE) has a choice. The loop comes in two shapes:
//   EachLine    each line's flush right behind its store, in blocks of up to 16
//               lines;
//   AfterBlock  a block of as many lines as the registers hold (32 with AVX-512) is
//               loaded, stored, then flushed, each step in ascending address order;
//               blocks follow the direction of the move. This is the reference's
//               grouping.
// and the data path has two policies, chosen once at load time per CPU
// (default_flush_order in select.hpp, PMEM2_FLUSH_ORDER), indexed by the same enum:
//   AfterBlock  every call AfterBlock: the reference's speed by construction. The
//               default on every CPU not measured otherwise, and on the Intel Xeon of
//               issue 16 (family 6 model 207), where an earlier EachLine loop ran
//               TEMPORAL and WB calls of 1 KiB-256 MiB at 0.53-0.80 of the reference.
//   EachLine    EachLine for calls whose destination is line aligned and at least
//               kEachLineMin long, AfterBlock for the rest. The default on AMD and
//               on Intel family 6 model 167 (bench/datapath/RESULTS.md):
//                 Zen 5: 1.1-1.3x AfterBlock for aligned calls of 64 KiB-256 MiB;
//                 Intel model 167: 1.04-1.08x for aligned copies of 64 KiB-16 MiB,
//                 1.01-1.04x for sets, 1.13-1.30x for overlapping moves.
//               Below 64 KiB EachLine loses on both (Zen 5: 0.80-0.93x for 4 KiB at
//               dest+7; Intel model 167: 0.84-0.91x for aligned 4 KiB), hence the
//               threshold; with a partial first and last line its speed also varies
//               2x between runs on Zen 5, hence the alignment condition.
enum class FlushOrder { EachLine = 0, AfterBlock = 1 };
constexpr std::size_t kEachLineMin = 64 * 1024;
constexpr std::size_t kFlushOrders = 2;

// ---- destination prefetch of the temporal + flush loop -----------------------------
// With PrefetchW, every line the temporal + flush loop stores is followed by a
// PREFETCHW of the destination line kPrefetchAhead bytes further in the direction of
// the copy, so that the read-for-ownership of the lines to come is in flight while
// the current ones are stored and written back. An ordinary store asks for its line
// only when it leaves the store buffer, and a CLWB behind every line keeps few of
// them in flight. A prefetch only reads and never faults, and the loop issues it only
// for lines inside the destination's whole lines (lines_forward / lines_backward), so
// it touches nothing the call does not store to. Chosen once at load time per CPU
// (default_prefetchw in select.hpp, PMEM2_PREFETCHW), like the flush order:
//   Intel family 6 model 167 (measured, bench/datapath/RESULTS.md): on. The
//       referee's TEMPORAL/WB rows of 64 KiB-256 MiB went from 1.03-1.26x the
//       reference to 1.07-1.39x; 8-64 KiB copies 4-8 % faster than without.
//   AMD Zen 5: off. An earlier EachLine loop with PREFETCHW 2 KiB ahead measured
//       10-25 % slower there.
//   every other CPU: off (not measured).
// The distance: 256, 512 and 1024 bytes measured alike on model 167 for aligned
// copies and sets of 64 KiB-16 MiB; 2 KiB, and one register block ahead, were worse
// at 4-16 KiB.
constexpr std::size_t kPrefetchAhead = 512;
// The shortest body (whole lines) that prefetches. With the targets kept inside the
// destination, a 4 KiB aligned TEMPORAL copy measured 3-5 % slower with the prefetch
// than without on model 167 (only its first 2 KiB block has targets in the body), 8
// KiB 4 % faster, 16 KiB 7 %, 64 KiB 8 %.
constexpr std::size_t kPrefetchMin = 8 * 1024;

// ---- ISA policies -----------------------------------------------------------------
// A vector policy V provides:
//   using Reg; kWidth (bytes per register, divides 64);
//   Reg load(const char *)           unaligned load
//   void store(char *, Reg)          unaligned temporal store
//   void stream(char *, Reg)         non-temporal store, address aligned to kWidth
//   Reg splat(unsigned char)         every byte = c
//   void sfence()
// and may shadow the line, small-chunk and prefetch helpers of VectorBase (the
// recording policies of the tests do, to log every store and prefetch).

// A fixed-size chunk of bytes for the sub-line paths. Copied with fixed-size memcpy,
// which the compiler emits as one move of that width (8 bytes: one MOV, 16/32: one
// vector move), so an aligned 8-byte unit is never written piecewise.
template <std::size_t K> struct Chunk {
	unsigned char b[K];
};

// Regs: the number of registers of this kind the ISA has (16 XMM/YMM, 32 ZMM). A
// block of the line loop keeps kBlockLines lines in registers, all of them loaded
// before any is stored; it is the largest power of two that fits in Regs, capped at
// 16 lines (1 KiB). Blocks that do not fit would spill to the stack. Measured on Zen
// 5 with AVX-512: 32-line blocks (all 32 ZMM, PMDK's choice) copy 4 KiB-16 MiB at
// the same speed and overlapping 1-64 KiB moves 5-20 % slower than 16-line blocks.
template <class Self, class R, std::size_t W, std::size_t Regs = 16> struct VectorBase {
	using Reg = R;
	static constexpr std::size_t kWidth = W;
	static constexpr std::size_t kPerLine = kLine / W;
	static constexpr std::size_t kBlockLines = Regs / kPerLine >= 16 ? 16 : Regs / kPerLine >= 1 ? Regs / kPerLine : 1;
	// Every register holding a line: the block of FlushOrder::AfterBlock.
	static constexpr std::size_t kAllRegisterLines = Regs / kPerLine >= 1 ? Regs / kPerLine : 1;
	// Whether LibcNoFlush may hand the copy to libc (the recording policies of the
	// tests say no, so that every store is logged).
	static constexpr bool kLibcAllowed = true;
	struct Line {
		R r[kPerLine];
	};

	static PMEM2_ALWAYS_INLINE Line load_line(const char *s) noexcept
	{
		Line l;
		unroll<kPerLine>([&](auto k) PMEM2_LAMBDA_INLINE { l.r[k] = Self::load(s + k * W); });
		return l;
	}
	static PMEM2_ALWAYS_INLINE Line splat_line(unsigned char c) noexcept
	{
		Line l;
		const R v = Self::splat(c);
		for (std::size_t k = 0; k < kPerLine; ++k)
			l.r[k] = v;
		return l;
	}
	// d is 64-byte aligned for both.
	static PMEM2_ALWAYS_INLINE void store_line(char *d, const Line &l) noexcept
	{
		unroll<kPerLine>([&](auto k) PMEM2_LAMBDA_INLINE { Self::store(d + k * W, l.r[k]); });
	}
	static PMEM2_ALWAYS_INLINE void stream_line(char *d, const Line &l) noexcept
	{
		unroll<kPerLine>([&](auto k) PMEM2_LAMBDA_INLINE { Self::stream(d + k * W, l.r[k]); });
	}
	template <std::size_t K> static PMEM2_ALWAYS_INLINE Chunk<K> get(const char *s) noexcept
	{
		Chunk<K> c;
		std::memcpy(&c, s, K);
		return c;
	}
	// K bytes of v. A memset into the chunk of up to 32 bytes made GCC keep a copy
	// of the chunk on the stack: a dead store of every head and tail value and, with
	// AVX-512, a stack realignment in the entry of every set loop
	// (bench/datapath/RESULTS.md, 2026-12-04). Up to 8 bytes: a multiply; narrower
	// than a register: a vector of K bytes, native wherever W > K. A chunk of at
	// least a register stays a memset: built from copies of the splatted register
	// it went through the stack (AVX2, K = 64) more often than before.
	template <std::size_t K> static PMEM2_ALWAYS_INLINE Chunk<K> splat_chunk(unsigned char v) noexcept
	{
		Chunk<K> c;
		if constexpr (K <= 8) {
			const std::uint64_t word = 0x0101010101010101ULL * v;
			std::memcpy(&c, &word, K);
		} else if constexpr (K < W) {
			typedef unsigned char Bytes __attribute__((vector_size(K)));
			const Bytes bytes = Bytes{} + v;
			std::memcpy(&c, &bytes, K);
		} else {
			std::memset(&c, v, K);
		}
		return c;
	}
	template <std::size_t K> static PMEM2_ALWAYS_INLINE void put(char *d, const Chunk<K> &c) noexcept
	{
		std::memcpy(d, &c, K);
	}
	// PREFETCHW (0F 0D /1) of the line holding p (kPrefetchAhead); CPUID PRFCHW,
	// and select.hpp enables it only on CPUs that report it. Inline asm for the
	// reason given for the flushes. A memory operand, so that the compiler folds
	// the constant offset of each line into the instruction: with the address in a
	// register operand GCC kept one precomputed address per line of a 32-line block
	// on the stack, and an aligned 4 KiB TEMPORAL copy ran 20 % slower than without
	// the prefetch.
	static PMEM2_ALWAYS_INLINE void prefetch_for_write(const void *p) noexcept
	{
		__asm__ volatile("prefetchw %0" : : "m"(*static_cast<const char *>(p)));
	}
};

// ---- sources: the same loop copies (from memory) and sets (a splatted value) ------

template <class V> struct CopySrc {
	const char *s;
	PMEM2_ALWAYS_INLINE typename V::Line line(std::size_t off) const noexcept { return V::load_line(s + off); }
	template <std::size_t K> PMEM2_ALWAYS_INLINE Chunk<K> get(std::size_t off) const noexcept
	{
		return V::template get<K>(s + off);
	}
};

template <class V> struct SetSrc {
	typename V::Line v;
	unsigned char c;
	PMEM2_ALWAYS_INLINE typename V::Line line(std::size_t) const noexcept { return v; }
	template <std::size_t K> PMEM2_ALWAYS_INLINE Chunk<K> get(std::size_t) const noexcept
	{
		return V::template splat_chunk<K>(c);
	}
};

// ---- the loop ----------------------------------------------------------------------

// p, as a value the optimizer cannot see through (no instruction is emitted).
template <class T> PMEM2_ALWAYS_INLINE T *opaque(T *p) noexcept
{
	__asm__("" : "+r"(p));
	return p;
}

template <class V, class Store, class F, FlushOrder Order = FlushOrder::EachLine, bool PrefetchW = false>
struct Loop {
	// Whether this loop stores a whole block before flushing it (see FlushOrder).
	static constexpr bool kFlushAfterBlock = Order == FlushOrder::AfterBlock && !Store::kNonTemporal &&
						 F::kFlushes;
	// Whether its stores prefetch the destination ahead (see kPrefetchAhead).
	static constexpr bool kPrefetch = PrefetchW && !Store::kNonTemporal && F::kFlushes;

	// Two stores of K bytes at 0 and n-K (K <= n <= 2K), both loaded before either
	// is stored, so it is overlap-safe. For an 8-byte aligned d and n a multiple of
	// 8, both offsets are multiples of 8: no aligned 8-byte unit is split (man page:
	// 8-byte store atomicity).
	template <std::size_t K, class Src>
	static PMEM2_ALWAYS_INLINE void pair(char *d, const Src &src, std::size_t off, std::size_t n) noexcept
	{
		const Chunk<K> a = src.template get<K>(off);
		const Chunk<K> b = src.template get<K>(off + n - K);
		V::template put<K>(d, a);
		V::template put<K>(d + n - K, b);
	}

	// [d, d + n) for n <= 2 * 32 = 64 with temporal stores, then its lines flushed.
	template <class Src>
	static PMEM2_ALWAYS_INLINE void small(char *d, const Src &src, std::size_t off, std::size_t n) noexcept
	{
		// An empty head or tail (a line-aligned end) returns at once in the
		// temporal + flush loops; the length tests below are otherwise a chain of
		// six bit tests and branches before the first store, which in these loops
		// is on the latency path of the call. Referee A/B on Intel model 167
		// (bench/datapath/RESULTS.md, 2026-12-04): memset TEMPORAL/WB 256 +1.4 /
		// +1.7 %, TEMPORAL/WB geomean +0.4 / +0.5 %. Not in the other loops: the
		// same test made an aligned 4 KiB NOFLUSH copy 3.7 % slower and the
		// default (NT) copies of 64 KiB-256 MiB ~5 % slower (code placement; the
		// branch itself runs once a call).
		if constexpr (F::kFlushes && !Store::kNonTemporal)
			if (n == 0)
				return;
		if (n >= 32)
			pair<32>(d, src, off, n);
		else if (n >= 16)
			pair<16>(d, src, off, n);
		else if (n >= 8)
			pair<8>(d, src, off, n);
		else if (n >= 4)
			pair<4>(d, src, off, n);
		else if (n >= 2)
			pair<2>(d, src, off, n);
		else if (n == 1)
			V::template put<1>(d, src.template get<1>(off));
		else
			return;
		flush_range<F>(d, n);
	}

	// Lines [off, off + body) of d, body a multiple of 64 and d + off 64-byte aligned,
	// in blocks of N lines: all N lines are loaded into registers before the first of
	// them is stored. That is what makes overlapping moves safe whatever the block
	// size, and it keeps the loads ahead of the stores: a load issued after an
	// overlapping-by-address store of the same call would have to wait for it (or be
	// replayed after a false store-to-load forwarding guess). The blocks are unrolled
	// at compile time (unroll<>), so the Line values live in registers. The earlier
	// loop over a 4-line array made GCC -O2 keep the array on the stack, so every line
	// went through a store to and a reload from the stack; with it a 1 KiB
	// half-overlapping backward NOFLUSH move ran at 0.37x of the reference, with
	// register blocks at ~1.0x.
	//
	// Ascending: the order of the loads and of the stores within the block. Longer
	// copies go in the direction of travel (ascending forward, descending backward),
	// so the whole copy is one monotonic stream that the prefetchers and the store
	// pipeline follow. Measured on Zen 5: storing the blocks of a backward 4 KiB-1 MiB
	// move in ascending order made it 1.3-1.8x slower, and descending blocks in a
	// forward copy 25-45 % slower. A backward move of at most one block is done
	// ascending: descending, a 1 KiB half-overlapping NOFLUSH move measured 2.3x
	// slower (cause not pinned down; ascending order has no such loss).
	//
	// Ahead: after each line's store, prefetch the destination kPrefetchAhead bytes
	// further on (above the line when AscendingAsked, else below); the caller
	// guarantees that those lines are in the destination. Such a block addresses
	// its lines from an opaque copy of its base (opaque()): otherwise GCC -O2
	// strength-reduces every line's store, flush and prefetch address into an
	// induction variable of its own, parks them on the stack and in XMM registers
	// (all 32 ZMM registers hold data), and an aligned 4 KiB TEMPORAL copy with the
	// prefetch ran at 0.82x of the same copy without it. The blocks without the
	// prefetch keep their code as it was measured on Zen 5.
	template <std::size_t N, bool AscendingAsked, bool Ahead = false, class Src>
	static PMEM2_ALWAYS_INLINE void block(char *d, const Src &src, std::size_t off) noexcept
	{
		// AfterBlock keeps the reference's ascending order inside every block.
		constexpr bool Ascending = AscendingAsked || kFlushAfterBlock;
		char *const base = Ahead ? opaque(d + off) : nullptr;
		const auto at = [=](std::size_t i) PMEM2_LAMBDA_INLINE {
			if constexpr (Ahead)
				return base + i * kLine;
			else
				return d + off + i * kLine;
		};
		const auto ahead = [&](std::size_t i) PMEM2_LAMBDA_INLINE {
			if constexpr (Ahead)
				V::prefetch_for_write(AscendingAsked ? at(i) + kPrefetchAhead : at(i) - kPrefetchAhead);
		};
		typename V::Line l[N];
		unroll<N>([&](auto k) PMEM2_LAMBDA_INLINE {
			constexpr std::size_t i = Ascending ? k : N - 1 - k;
			l[i] = src.line(off + i * kLine);
		});
		if constexpr (Store::kNonTemporal) {
			unroll<N>([&](auto k) PMEM2_LAMBDA_INLINE {
				constexpr std::size_t i = Ascending ? k : N - 1 - k;
				V::stream_line(at(i), l[i]);
			});
		} else if constexpr (kFlushAfterBlock) {
			unroll<N>([&](auto k) PMEM2_LAMBDA_INLINE {
				V::store_line(at(k), l[k]);
				ahead(k);
			});
			unroll<N>([&](auto k) PMEM2_LAMBDA_INLINE { F::line(at(k)); });
		} else {
			// Each line's write-back right behind its store. Measured on Zen 5
			// against storing the whole block first and then flushing it: the
			// interleaved order copies 16 MiB ~15-25 % faster (64 KiB-1 MiB: equal
			// within noise); the CLWBs then leave the core as a steady stream mixed
			// with the read-for-ownership traffic of the next lines instead of in
			// bursts of 16 write-backs. A lag of 4 lines between store and CLWB
			// measured the same; PREFETCHW of the destination 2 KiB ahead was
			// 10-25 % slower.
			unroll<N>([&](auto k) PMEM2_LAMBDA_INLINE {
				constexpr std::size_t i = Ascending ? k : N - 1 - k;
				V::store_line(at(i), l[i]);
				F::line(at(i));
				ahead(i);
			});
		}
	}

	// The lines left after the whole blocks (fewer than kBlockLines) as one block of
	// each power of two present in their count, largest first: a 1 KiB body is one
	// 16-line block, not 16 single lines. Forward: the blocks in ascending order;
	// backward: descending. Ascending: the order within each block (see block()).
	template <std::size_t N, bool Forward, bool Ascending, class Src>
	static PMEM2_ALWAYS_INLINE void rest(char *d, const Src &src, std::size_t off, std::size_t nlines) noexcept
	{
		if constexpr (N != 0) {
			if (nlines & N) {
				if constexpr (Forward) {
					block<N, Ascending>(d, src, off);
					off += N * kLine;
				} else {
					block<N, Ascending>(d, src, off + (nlines & (N - 1)) * kLine);
				}
			}
			rest<N / 2, Forward, Ascending>(d, src, off, nlines & (N - 1));
		}
	}

	static constexpr std::size_t kBlockLines = kFlushAfterBlock ? V::kAllRegisterLines : V::kBlockLines;
	// Ordinary stores, nothing flushed (the NOFLUSH and BYTE copies).
	static constexpr bool kTemporalNoFlush = !Store::kNonTemporal && !F::kFlushes;
	// The longest body lines_backward moves as short (see there).
	static constexpr std::size_t kShortBackwardMax = 4096;
	static constexpr std::size_t kBlockBytes = kBlockLines * kLine;

	// WC workaround (FACTS 4.14): an SFENCE after every kWcFenceLines NT lines (at
	// the first block boundary at or after it).
	static PMEM2_ALWAYS_INLINE void wc_fence(std::size_t &since_fence) noexcept
	{
		if constexpr (Store::kWcFence) {
			since_fence += kBlockLines;
			if (since_fence >= kWcFenceLines) {
				V::sfence();
				since_fence = 0;
			}
		}
	}

	template <class Src>
	static PMEM2_ALWAYS_INLINE void lines_forward(char *d, const Src &src, std::size_t off, std::size_t body) noexcept
	{
		std::size_t since_fence = 0;
		const std::size_t end = off + body;
		// With the prefetch (bodies from kPrefetchMin): the blocks whose every
		// target (a line's address plus kPrefetchAhead) is still a line of the
		// body; the last ones go without.
		if constexpr (kPrefetch)
			if (body >= kPrefetchMin)
				for (; off + kBlockBytes + kPrefetchAhead <= end; off += kBlockBytes)
					block<kBlockLines, true, true>(d, src, off);
		for (; off + kBlockBytes <= end; off += kBlockBytes) {
			block<kBlockLines, true>(d, src, off);
			wc_fence(since_fence);
		}
		rest<kBlockLines / 2, true, true>(d, src, off, (end - off) / kLine);
	}

	template <class Src>
	static PMEM2_ALWAYS_INLINE void lines_backward(char *d, const Src &src, std::size_t off, std::size_t body) noexcept
	{
		if (body <= kBlockBytes) {
			rest<kBlockLines, false, true>(d, src, off, body / kLine);
			return;
		}
		// Short backward moves without flushes: blocks of every register (32
		// lines with AVX-512), descending, each loaded and stored ascending, which
		// is the reference's shape. Measured on Intel family 6 model 167 with the
		// referee (half-overlapping moves streaming through a 1 GiB mapping),
		// against 16-line blocks stored descending: 1.5 KiB 1.06x, 2 KiB 1.12x,
		// 4 KiB 1.09x, 3/5/8 KiB equal; the 32-line blocks at every length were
		// 0.92x at 8 KiB and made forward moves no faster. Not measured on AMD,
		// where aligned 4 KiB moves go to libc anyway (NoFlushLibc).
		if constexpr (kTemporalNoFlush) {
			if (body <= kShortBackwardMax) {
				constexpr std::size_t kBytes = V::kAllRegisterLines * kLine;
				std::size_t end = off + body;
				for (; end >= off + kBytes; end -= kBytes)
					block<V::kAllRegisterLines, true>(d, src, end - kBytes);
				rest<V::kAllRegisterLines / 2, false, true>(d, src, off, (end - off) / kLine);
				return;
			}
		}
		std::size_t since_fence = 0;
		std::size_t end = off + body;
		// The mirror image of lines_forward's: targets kPrefetchAhead below a line.
		if constexpr (kPrefetch)
			if (body >= kPrefetchMin)
				for (; end >= off + kBlockBytes + kPrefetchAhead; end -= kBlockBytes)
					block<kBlockLines, false, true>(d, src, end - kBlockBytes);
		for (; end >= off + kBlockBytes; end -= kBlockBytes) {
			block<kBlockLines, false>(d, src, end - kBlockBytes);
			wc_fence(since_fence);
		}
		rest<kBlockLines / 2, false, false>(d, src, off, (end - off) / kLine);
	}

	// The whole operation: an unaligned head up to d's next line boundary and a tail
	// after the last whole line, both temporal + flush; whole lines in between per
	// Store. Forward: head, lines ascending, tail; backward the mirror image, so a
	// memmove with dest above an overlapping source never reads what it wrote.
	template <class Src>
	static PMEM2_ALWAYS_INLINE void run(char *d, const Src &src, std::size_t n, bool forward) noexcept
	{
		if (n < kLine) {
			small(d, src, 0, n);
			return;
		}
		if constexpr (!Store::kNonTemporal) {
			// Exactly one line's worth. At a line-aligned destination two 32-byte
			// stores (small()). Elsewhere the part in each of the two lines on its
			// own, in the move's order (forward the low part first, backward the
			// high part first, so that an overlapping move reads every source byte
			// before a store overwrites it), and no store crosses the line boundary
			// (a store that does is split by the core): as two overlapping 32-byte
			// stores, the second of them crosses it. Measured on Zen 5, 64-byte
			// NOFLUSH copy at dest+7/src+3: 9.6-10.0 ns as pair<64> (the same
			// 64-byte store twice), 7.9-8.0 ns as two 32-byte stores, the reference
			// (which splits at the line) 6.2-6.4.
			// Split here: see bench/datapath/RESULTS.md, 2026-12-04.
			if (n == kLine) {
				const std::size_t first = kLine - (reinterpret_cast<std::uintptr_t>(d) & (kLine - 1));
				if (first == kLine) {
					small(d, src, 0, n);
				} else if (forward) {
					small(d, src, 0, first);
					small(d + first, src, first, n - first);
				} else {
					small(d + first, src, first, n - first);
					small(d, src, 0, first);
				}
				return;
			}
			// 65..128 bytes with temporal stores: two possibly overlapping 64-byte
			// stores and their flushes, instead of head + line + tail, which is a
			// chain of length-dependent branches that dominates a call this short.
			if (n <= 2 * kLine) {
				pair<kLine>(d, src, 0, n);
				flush_range<F>(d, n);
				return;
			}
		}
		const std::size_t head = (kLine - (reinterpret_cast<std::uintptr_t>(d) & (kLine - 1))) & (kLine - 1);
		const std::size_t body = (n - head) & ~(kLine - 1);
		const std::size_t tail_off = head + body;
		if (forward) {
			small(d, src, 0, head);
			lines_forward(d, src, head, body);
			small(d + tail_off, src, tail_off, n - tail_off);
		} else {
			small(d + tail_off, src, tail_off, n - tail_off);
			lines_backward(d, src, head, body);
			small(d, src, 0, head);
		}
	}

	static void move(char *d, const char *s, std::size_t n) noexcept
	{
		// Forward unless dest starts inside the source (unsigned difference, FACTS 4.12).
		const bool forward = reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s) >= n;
		run(d, CopySrc<V>{s}, n, forward);
	}

	static void set(char *d, int c, std::size_t n) noexcept
	{
		const auto byte = static_cast<unsigned char>(c);
		run(d, SetSrc<V>{V::splat_line(byte), byte}, n, true);
	}
};

// ---- flag dispatch ---------------------------------------------------------------

constexpr unsigned kFNoDrain = PMEM2_F_MEM_NODRAIN;
constexpr unsigned kFNonTemporal = PMEM2_F_MEM_NONTEMPORAL;
constexpr unsigned kFTemporal = PMEM2_F_MEM_TEMPORAL;
constexpr unsigned kFWc = PMEM2_F_MEM_WC;
constexpr unsigned kFWb = PMEM2_F_MEM_WB;
constexpr unsigned kFNoFlush = PMEM2_F_MEM_NOFLUSH;

// The non-temporal threshold in bytes (PMEM_MOVNT_THRESHOLD, default 256), set once
// when the library loads (data_path_x86_64.cpp) and constant afterwards.
extern const std::size_t g_movnt_threshold __attribute__((visibility("hidden")));

// How one call will store, decided from the flags, the length and the granularity.
//   TemporalNoFlush     our loop, ordinary stores, no flush (short NOFLUSH copies)
//   LibcNoFlush         libc memmove/memset when dest (and src) are 64-byte aligned,
//                       else our temporal loop, for the NOFLUSH lengths of the CPU's
//                       NoFlushLibc range (below). For misaligned operands glibc
//                       switches to REP MOVSB, which on AMD Zen 5 runs at ~10 GB/s for
//                       dest+7/src+3 (measured), while our loop aligns the destination
//                       and runs at ~15-21 GB/s.
//   NonTemporalNoFlush  NT stores and a closing SFENCE, no flush (NOFLUSH from
//                       kNoFlushNtMin)
//   TemporalFlush       ordinary stores, each line flushed
//   NonTemporal         NT stores for whole lines, head/tail flushed
//
// Why NT stores for NOFLUSH from 16 KiB. NOFLUSH promises no flush and no drain of
// the caller's data; how the bytes are stored is ours to choose (the flags are hints,
// pmem2_get_memmove_fn(3)). A copy into a destination that is not in the cache pays a
// read-for-ownership of every line with ordinary stores (libc reaches only ~13-15
// GB/s from 32 KiB on); NT stores skip it (~23-26 GB/s). Measured crossover on this
// machine: at 8 KiB NT is 0.85x libc, at 16 KiB 1.5x. It is sound: an NT line goes
// to memory instead of staying dirty in the cache, which is never less durable than a
// temporal store, and a later pmem2_flush of it is a cheap CLWB miss. NT stores are
// weakly ordered, so the NT NOFLUSH path ends with an SFENCE: other threads then see
// the copy ordered before the caller's later stores, exactly as after a plain memcpy.
// That SFENCE orders, it is not the drain NOFLUSH omits (it is issued even with
// NODRAIN). The cost is that the destination is not left in the cache, which only
// matters to a caller that re-reads it at once.
// NOFLUSH (and the BYTE default) thus deviate from the reference's "always temporal
// loop" only in the libc range and from kNoFlushNtMin on; the NOFLUSH contract (no
// flush, no drain) is kept.
enum class Strategy { TemporalNoFlush, LibcNoFlush, NonTemporalNoFlush, TemporalFlush, NonTemporal };

constexpr std::size_t kNoFlushLibcMin = 4096;
constexpr std::size_t kNoFlushNtMin = 16 * 1024;

// The NOFLUSH lengths [min, max) that go to libc when aligned (LibcNoFlush), chosen
// once at load time per CPU (default_noflush_libc in select.hpp), measured with the
// referee, whose NOFLUSH rows stream through a 1 GiB mapping (destinations not in
// the cache):
//   AMD Zen 5 (and every CPU not measured): [4 KiB, 16 KiB). glibc's aligned
//       copies of 4-16 KiB run at ~20-23 GB/s, ~15-20 % above our loop.
//   AMD family 25 without AVX-512F (Zen 3, family 25 model 1 measured): [256,
//       16 KiB). There glibc's aligned copies, moves (also half-overlapping ones)
//       and sets of 256 bytes take 25.6-26.6 ns against 28.3-33.8 ns for our loop,
//       and 1 KiB ones are 1.05-1.19x our loop (4 KiB: libc in both, equal), in
//       both orders of the two builds.
//   AMD family 25 with AVX-512F (Zen 4, family 25 model 17 measured; every Zen 4
//       has AVX-512F, no Zen 3 has it): [256, 16 KiB) but for the gap [768, 3 KiB).
//       glibc's aligned copies and moves are 1.23-1.35x our loop at 256 bytes and
//       equal at 512, but 0.81x at 768, 0.47-0.61x at 1-2 KiB (0.49x for a
//       half-overlapping backward move of 1 KiB), and 1.26-1.31x again at 3 KiB
//       (where glibc has switched to REP MOVSB), equal at 4 KiB; sets are equal at
//       every length. The gap's edges lie between those measured lengths.
//   GenuineIntel: [256, 1 KiB). Measured on family 6 model 167 only (no other Intel
//       model has run it): glibc is 1.06-1.19x our loop for copies of 256-768 bytes
//       and 1.2x for a 256-byte set, but 0.87-0.92x of it for copies of 1-4 KiB and
//       0.93x for a 4 KiB set (8 KiB: about equal).
// [gap_min, gap_max) inside the range stays with our loop (empty by default).
struct NoFlushLibc {
	std::size_t min;
	std::size_t max;
	std::size_t gap_min = 0;
	std::size_t gap_max = 0;

	constexpr bool contains(std::size_t n) const noexcept
	{
		return n >= min && n < max && !(n >= gap_min && n < gap_max);
	}
};
constexpr NoFlushLibc kNoFlushLibcDefault{kNoFlushLibcMin, kNoFlushNtMin};
constexpr NoFlushLibc kNoFlushLibcIntel{256, 1024};
constexpr NoFlushLibc kNoFlushLibcAmdFamily25{256, kNoFlushNtMin};
constexpr NoFlushLibc kNoFlushLibcAmdFamily25Avx512{256, kNoFlushNtMin, 768, 3072};

// The load-time range (data_path_x86_64.cpp), constant afterwards.
extern const NoFlushLibc g_noflush_libc __attribute__((visibility("hidden")));

constexpr Strategy no_flush_strategy(std::size_t n, NoFlushLibc libc) noexcept
{
	if (n >= kNoFlushNtMin)
		return Strategy::NonTemporalNoFlush;
	if (libc.contains(n))
		return Strategy::LibcNoFlush;
	return Strategy::TemporalNoFlush;
}

// CACHE_LINE / PAGE (FACTS 4.9): the first match wins.
constexpr Strategy cache_line_strategy(unsigned flags, std::size_t n, std::size_t threshold,
				       NoFlushLibc libc = kNoFlushLibcDefault) noexcept
{
	if (flags & kFNoFlush)
		return no_flush_strategy(n, libc);
	if (flags & (kFWc | kFNonTemporal))
		return Strategy::NonTemporal;
	if (flags & (kFWb | kFTemporal))
		return Strategy::TemporalFlush;
	if (n < threshold)
		return Strategy::TemporalFlush;
	return Strategy::NonTemporal;
}

// BYTE (FACTS 4.10): only NONTEMPORAL (not WC) and not NOFLUSH selects NT; nothing
// flushes, so every other case is the no-flush copy.
constexpr Strategy byte_strategy(unsigned flags, std::size_t n, NoFlushLibc libc = kNoFlushLibcDefault) noexcept
{
	if (!(flags & kFNoFlush) && (flags & kFNonTemporal))
		return Strategy::NonTemporal;
	return no_flush_strategy(n, libc);
}

// The fence rule of every wrapper (FACTS 4.8): SFENCE unless NODRAIN or NOFLUSH.
constexpr bool needs_drain(unsigned flags) noexcept
{
	return (flags & (kFNoDrain | kFNoFlush)) == 0;
}

// The pmem2_memmove_fn / pmem2_memset_fn of one ISA V, flush policy F and WC setting
// for CACHE_LINE (Byte = false) or BYTE (Byte = true, F ignored: nothing flushes).
// Order: the data path's temporal flush policy (see FlushOrder).
// PrefetchW: whether the temporal + flush loops prefetch their destination ahead.
template <class V, class F, bool Wc, bool Byte, FlushOrder Order = FlushOrder::EachLine, bool PrefetchW = false>
struct MemOps {
	using Nt = Loop<V, NonTemporal<Wc>, std::conditional_t<Byte, FlushNone, F>>;
	using TFlushLine = Loop<V, Temporal, F, FlushOrder::EachLine, PrefetchW>;
	using TFlushBlock = Loop<V, Temporal, F, FlushOrder::AfterBlock, PrefetchW>;
	using TNoFlush = Loop<V, Temporal, FlushNone>;
	using NtNoFlush = Loop<V, NonTemporal<Wc>, FlushNone>;

	// Whether a temporal + flush call of n bytes at d takes the EachLine loop.
	static PMEM2_ALWAYS_INLINE bool each_line(const char *d, std::size_t n) noexcept
	{
		return Order == FlushOrder::EachLine && n >= kEachLineMin &&
		       (reinterpret_cast<std::uintptr_t>(d) & (kLine - 1)) == 0;
	}

	static PMEM2_ALWAYS_INLINE Strategy strategy(unsigned flags, std::size_t n) noexcept
	{
		if constexpr (Byte)
			return byte_strategy(flags, n, g_noflush_libc);
		else
			return cache_line_strategy(flags, n, g_movnt_threshold, g_noflush_libc);
	}

	static void *memmove(void *dest, const void *src, std::size_t n, unsigned flags) noexcept
	{
		char *d = static_cast<char *>(dest);
		const char *s = static_cast<const char *>(src);
		if (n != 0 && d != s) {
			switch (strategy(flags, n)) {
			case Strategy::TemporalNoFlush:
				TNoFlush::move(d, s, n);
				break;
			case Strategy::LibcNoFlush:
				if (V::kLibcAllowed && ((reinterpret_cast<std::uintptr_t>(d) |
								reinterpret_cast<std::uintptr_t>(s)) & (kLine - 1)) == 0) {
					// Without a fence to follow, libc's return value (dest) is
					// ours, so the call is a tail call (a jump). Referee on Intel
					// model 167, 2026-12-03, the five aligned NOFLUSH 256-byte
					// rows (all take this path): each 0.5-3.5 % faster, inside
					// the run-to-run spread but all five the same way.
					if (!needs_drain(flags))
						return std::memmove(d, s, n);
					std::memmove(d, s, n);
				} else {
					TNoFlush::move(d, s, n);
				}
				break;
			case Strategy::NonTemporalNoFlush:
				NtNoFlush::move(d, s, n);
				V::sfence();
				break;
			case Strategy::TemporalFlush:
				if (each_line(d, n))
					TFlushLine::move(d, s, n);
				else
					TFlushBlock::move(d, s, n);
				break;
			case Strategy::NonTemporal:
				Nt::move(d, s, n);
				break;
			}
		}
		if (needs_drain(flags))
			V::sfence();
		return dest;
	}

	static void *memset(void *dest, int c, std::size_t n, unsigned flags) noexcept
	{
		char *d = static_cast<char *>(dest);
		if (n != 0) {
			switch (strategy(flags, n)) {
			case Strategy::TemporalNoFlush:
				TNoFlush::set(d, c, n);
				break;
			case Strategy::LibcNoFlush:
				if (V::kLibcAllowed && (reinterpret_cast<std::uintptr_t>(d) & (kLine - 1)) == 0) {
					// A tail call, as in memmove.
					if (!needs_drain(flags))
						return std::memset(d, c, n);
					std::memset(d, c, n);
				} else {
					TNoFlush::set(d, c, n);
				}
				break;
			case Strategy::NonTemporalNoFlush:
				NtNoFlush::set(d, c, n);
				V::sfence();
				break;
			case Strategy::TemporalFlush:
				if (each_line(d, n))
					TFlushLine::set(d, c, n);
				else
					TFlushBlock::set(d, c, n);
				break;
			case Strategy::NonTemporal:
				Nt::set(d, c, n);
				break;
			}
		}
		if (needs_drain(flags))
			V::sfence();
		return dest;
	}
};

// ---- MOVDIR64B (opt-in, PMEM_MOVDIR64B) -------------------------------------------
// Replaces only the non-temporal line stores of Base: one 64-byte direct store per
// line, weakly ordered like MOVNT, so the same SFENCE rule applies. Inline asm, so no
// -mmovdir64b is needed; it is only ever called on CPUs that report it in CPUID.
template <class Base> struct Movdir64b : Base {
	using Line = typename Base::Line;
	static PMEM2_ALWAYS_INLINE void stream_line(char *d, const Line &l) noexcept
	{
		alignas(64) Line tmp = l;
		__asm__ volatile("movdir64b (%1), %0" : : "r"(d), "r"(&tmp) : "memory");
	}
};

// ---- PMEM_NO_MOVNT: the generic copier and, with PMEM_NO_GENERIC_MEMCPY, libc -----
// The generic copier is the same loop over 8-byte "registers" whose streaming store
// is an ordinary store; it therefore always runs temporal + flush (FACTS 4.16).
// Unlike the reference it does not flush in BYTE mode, where flushing buys nothing.
template <class V, class F, bool Byte> struct GenericOps {
	using Flushing = Loop<V, Temporal, std::conditional_t<Byte, FlushNone, F>>;
	using Plain = Loop<V, Temporal, FlushNone>;

	static void *memmove(void *dest, const void *src, std::size_t n, unsigned flags) noexcept
	{
		char *d = static_cast<char *>(dest);
		const char *s = static_cast<const char *>(src);
		if (n != 0 && d != s) {
			if (flags & kFNoFlush)
				Plain::move(d, s, n);
			else
				Flushing::move(d, s, n);
		}
		if (needs_drain(flags))
			V::sfence();
		return dest;
	}
	static void *memset(void *dest, int c, std::size_t n, unsigned flags) noexcept
	{
		char *d = static_cast<char *>(dest);
		if (n != 0) {
			if (flags & kFNoFlush)
				Plain::set(d, c, n);
			else
				Flushing::set(d, c, n);
		}
		if (needs_drain(flags))
			V::sfence();
		return dest;
	}
};

// libc memmove/memset, then one flush of the whole range (FACTS 4.17).
template <class V, class F, bool Byte> struct LibcOps {
	static void *memmove(void *dest, const void *src, std::size_t n, unsigned flags) noexcept
	{
		std::memmove(dest, src, n);
		if (!Byte && !(flags & kFNoFlush))
			flush_range<F>(dest, n);
		if (needs_drain(flags))
			V::sfence();
		return dest;
	}
	static void *memset(void *dest, int c, std::size_t n, unsigned flags) noexcept
	{
		std::memset(dest, c, n);
		if (!Byte && !(flags & kFNoFlush))
			flush_range<F>(dest, n);
		if (needs_drain(flags))
			V::sfence();
		return dest;
	}
};

// ---- per-ISA tables ---------------------------------------------------------------

enum class FlushKind { Clflush = 0, Clflushopt = 1, Clwb = 2 };
constexpr std::size_t kFlushKinds = 3;

struct CopyFns {
	void *(*memmove)(void *dest, const void *src, std::size_t n, unsigned flags);
	void *(*memset)(void *dest, int c, std::size_t n, unsigned flags);
};

// Every memmove/memset one ISA file compiles: CACHE_LINE per temporal flush policy,
// destination prefetch (0 off, 1 on), flush instruction and WC-workaround setting;
// BYTE (nothing flushes, so no order and no prefetch) per WC-workaround setting.
struct IsaVariants {
	const char *name;
	CopyFns cache_line[kFlushOrders][2][kFlushKinds][2];
	CopyFns byte[2];
};

template <class V, class F, bool Wc, bool Byte, FlushOrder Order = FlushOrder::EachLine, bool PrefetchW = false>
constexpr CopyFns simd_fns() noexcept
{
	using Ops = MemOps<V, F, Wc, Byte, Order, PrefetchW>;
	return {Ops::memmove, Ops::memset};
}

// WcCapable: the WC workaround exists for this ISA (SSE2 and AVX only, FACTS 4.14);
// otherwise both settings get the same functions.
template <class V, bool WcCapable, FlushOrder Order, bool PrefetchW>
constexpr auto simd_cache_line_fns() noexcept
{
	constexpr bool kWc = WcCapable;
	struct Table {
		CopyFns fns[kFlushKinds][2];
	};
	return Table{{{simd_fns<V, FlushClflush, false, false, Order, PrefetchW>(),
			      simd_fns<V, FlushClflush, kWc, false, Order, PrefetchW>()},
		{simd_fns<V, FlushClflushopt, false, false, Order, PrefetchW>(),
			simd_fns<V, FlushClflushopt, kWc, false, Order, PrefetchW>()},
		{simd_fns<V, FlushClwb, false, false, Order, PrefetchW>(),
			simd_fns<V, FlushClwb, kWc, false, Order, PrefetchW>()}}};
}

// Fills the CACHE_LINE slot of one temporal flush policy and prefetch setting.
template <class V, bool WcCapable, FlushOrder Order, bool PrefetchW>
constexpr void fill_cache_line(IsaVariants &v) noexcept
{
	constexpr auto t = simd_cache_line_fns<V, WcCapable, Order, PrefetchW>();
	for (std::size_t f = 0; f < kFlushKinds; ++f)
		for (std::size_t wc = 0; wc < 2; ++wc)
			v.cache_line[static_cast<std::size_t>(Order)][PrefetchW ? 1 : 0][f][wc] = t.fns[f][wc];
}

template <class V, bool WcCapable> constexpr IsaVariants make_simd_variants(const char *name) noexcept
{
	IsaVariants v{name, {}, {simd_fns<V, FlushNone, false, true>(), simd_fns<V, FlushNone, WcCapable, true>()}};
	fill_cache_line<V, WcCapable, FlushOrder::EachLine, false>(v);
	fill_cache_line<V, WcCapable, FlushOrder::AfterBlock, false>(v);
	fill_cache_line<V, WcCapable, FlushOrder::EachLine, true>(v);
	fill_cache_line<V, WcCapable, FlushOrder::AfterBlock, true>(v);
	return v;
}

// The WC setting does not exist for the generic and libc copiers (no NT stores).
template <template <class, class, bool> class Ops, class V, class F, bool Byte>
constexpr CopyFns fns3() noexcept
{
	return {Ops<V, F, Byte>::memmove, Ops<V, F, Byte>::memset};
}

// Nor a flush order or a prefetch: the generic copier (PMEM_NO_MOVNT) and libc have
// one loop each.
template <template <class, class, bool> class Ops, class V>
constexpr IsaVariants make_plain_variants(const char *name) noexcept
{
	IsaVariants v{name, {}, {fns3<Ops, V, FlushNone, true>(), fns3<Ops, V, FlushNone, true>()}};
	const CopyFns by_flush[kFlushKinds] = {fns3<Ops, V, FlushClflush, false>(),
		fns3<Ops, V, FlushClflushopt, false>(), fns3<Ops, V, FlushClwb, false>()};
	for (std::size_t o = 0; o < kFlushOrders; ++o)
		for (std::size_t pf = 0; pf < 2; ++pf)
			for (std::size_t f = 0; f < kFlushKinds; ++f)
				for (std::size_t wc = 0; wc < 2; ++wc)
					v.cache_line[o][pf][f][wc] = by_flush[f];
	return v;
}

// Defined one per file: memops_sse2.cpp, memops_avx2.cpp (built with -mavx2),
// memops_avx512f.cpp (-mavx512f), memops_generic.cpp. Immutable tables; call a
// variant only when cpu_features() reports its ISA (and MOVDIR64B for the *_movdir64b
// tables).
const IsaVariants &sse2_variants() noexcept;
const IsaVariants &avx2_variants() noexcept;
const IsaVariants &avx512f_variants() noexcept;
const IsaVariants &avx2_movdir64b_variants() noexcept;
const IsaVariants &avx512f_movdir64b_variants() noexcept;
const IsaVariants &generic_variants() noexcept;
const IsaVariants &libc_variants() noexcept;

} // namespace pmem2::arch::x86_64
