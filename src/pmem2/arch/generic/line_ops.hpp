// SPDX-License-Identifier: BSD-3-Clause
// line_ops.hpp -- the data path of every CPU but x86-64, written once over two
// policies: a cache-clean policy (one "write this line back" instruction, the fence
// that waits for those write-backs, the cache line size found at run time) and a
// copier (libc by default; the persistence checker substitutes a recording one).
//
// Why libc and not the x86-64 register-block loop: that loop exists to choose
// between temporal and non-temporal stores per call. aarch64 (STNP is only a
// hint), POWER and RISC-V have no user-mode store that bypasses the cache and is
// then ordered by the persistence fence, so the loop's only other job would be to
// interleave the clean with the stores; glibc's memmove already picks its vector
// code per CPU (ifunc: ASIMD/SVE, VSX), so the copy is libc's and the clean follows.
//
// Header-only and free of inline assembly, so tests on any host instantiate it
// with recording policies (tests/arch/portable_checker_test.cpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <libpmem2/base.h>

#include "pmem2/arch/data_path.hpp"

namespace pmem2::arch::portable {

// A clean policy C provides:
//   static constexpr bool kCleans            false: the line loop is skipped entirely
//   static constexpr const char *kName       the instruction, for pmem2-info
//   static constexpr const char *kFenceName  the fence, for pmem2-info
//   static std::size_t line_size() noexcept  bytes, a power of two, constant per process
//   static void line(const void *p) noexcept write back the line holding p (no fence)
//   static void fence() noexcept             returns once every earlier line() has
//                                            reached the point the policy promises and
//                                            orders it before later loads and stores
//
// A copier P provides memmove(d, s, n) and memset(d, c, n) with libc semantics.

struct LibcCopy {
	static void memmove(void *d, const void *s, std::size_t n) noexcept { std::memmove(d, s, n); }
	static void memset(void *d, int c, std::size_t n) noexcept { std::memset(d, c, n); }
};

// Every line overlapping [p, p + n): from the line holding p while the line starts
// below p + n (the same rule as x86-64, FACTS 4.4). Nothing for n == 0. No fence.
template <class C> inline void clean_range(const void *p, std::size_t n) noexcept
{
	if constexpr (C::kCleans) {
		if (n == 0)
			return;
		const std::size_t line = C::line_size();
		const auto begin = reinterpret_cast<std::uintptr_t>(p);
		std::uintptr_t end;
		if (__builtin_add_overflow(begin, n, &end))
			end = UINTPTR_MAX;
		for (std::uintptr_t a = begin & ~(line - 1); a < end; a += line) {
			C::line(reinterpret_cast<const void *>(a));
			if (a > UINTPTR_MAX - line)
				break;
		}
	}
}

// The fence rule of every wrapper (FACTS 4.8): fence unless NODRAIN or NOFLUSH.
constexpr bool needs_fence(unsigned flags) noexcept
{
	return (flags & (PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NOFLUSH)) == 0;
}

// Orders stores only: the drain of BYTE granularity, where the caches are in the
// persistence domain and nothing is cleaned. A sequentially consistent fence is a
// full barrier on every target (aarch64 DMB ISH, POWER hwsync, RISC-V fence rw,rw)
// and a compiler barrier everywhere.
inline void order_stores() noexcept { std::atomic_thread_fence(std::memory_order_seq_cst); }

// CACHE_LINE granularity. The non-temporal/temporal/WC/WB flags are hints the man
// page lets an implementation ignore; on these CPUs every store is temporal, so only
// NOFLUSH and NODRAIN change what happens: the copy, then (unless NOFLUSH) every
// written line cleaned, then (unless NODRAIN or NOFLUSH) the fence.
//
// Clean after the copy, with no barrier between: the Arm ARM orders a DC by VA
// after earlier stores of the same PE to the same location, and the Power ISA
// applies dcbf/dcbst to the block including every earlier store of the same thread
// to it (storage accesses to one location are performed in program order).
template <class C, class P = LibcCopy> struct CacheLineOps {
	static void flush(const void *p, std::size_t n) noexcept { clean_range<C>(p, n); }
	static void drain() noexcept { C::fence(); }
	static void persist(const void *p, std::size_t n) noexcept
	{
		clean_range<C>(p, n);
		C::fence();
	}
	static void *memmove(void *dest, const void *src, std::size_t n, unsigned flags) noexcept
	{
		if (n != 0 && dest != src)
			P::memmove(dest, src, n);
		if (!(flags & PMEM2_F_MEM_NOFLUSH))
			clean_range<C>(dest, n);
		if (needs_fence(flags))
			C::fence();
		return dest;
	}
	static void *memset(void *dest, int c, std::size_t n, unsigned flags) noexcept
	{
		if (n != 0)
			P::memset(dest, c, n);
		if (!(flags & PMEM2_F_MEM_NOFLUSH))
			clean_range<C>(dest, n);
		if (needs_fence(flags))
			C::fence();
		return dest;
	}
};

// BYTE granularity: nothing is cleaned; drain and persist only order the stores; a
// mem op orders unless NODRAIN or NOFLUSH (the same rule as x86-64's SFENCE).
// Fence: the ordering fence (order_stores in the library; recording in the tests).
template <class P = LibcCopy, void (*Fence)() noexcept = order_stores> struct ByteOps {
	static void flush(const void *, std::size_t) noexcept {}
	static void drain() noexcept { Fence(); }
	static void persist(const void *, std::size_t) noexcept { Fence(); }
	static void *memmove(void *dest, const void *src, std::size_t n, unsigned flags) noexcept
	{
		if (n != 0 && dest != src)
			P::memmove(dest, src, n);
		if (needs_fence(flags))
			Fence();
		return dest;
	}
	static void *memset(void *dest, int c, std::size_t n, unsigned flags) noexcept
	{
		if (n != 0)
			P::memset(dest, c, n);
		if (needs_fence(flags))
			Fence();
		return dest;
	}
};

// The DataPath of clean policy C. note: why CACHE_LINE persistence might not hold
// with this policy on some platforms (pmem2-info prints it), or nullptr.
template <class C> DataPath make_data_path(const char *note) noexcept
{
	DataPath dp{};
	dp.cache_line = {CacheLineOps<C>::persist, CacheLineOps<C>::flush, CacheLineOps<C>::drain,
			 CacheLineOps<C>::memmove, CacheLineOps<C>::memset};
	dp.byte = {ByteOps<>::persist, ByteOps<>::flush, ByteOps<>::drain, ByteOps<>::memmove, ByteOps<>::memset};
	dp.flush_name = C::kName;
	dp.fence_name = C::kFenceName;
	dp.copy_name = "libc";
	dp.persistence_note = note;
	dp.cache_line_size = C::line_size();
	dp.movnt_threshold = 0; // no non-temporal stores on these CPUs
	dp.wc_workaround = false;
	return dp;
}

} // namespace pmem2::arch::portable
