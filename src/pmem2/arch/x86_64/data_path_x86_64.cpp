// SPDX-License-Identifier: BSD-3-Clause
// data_path_x86_64.cpp -- baseline x86-64 data path: the flush instruction chosen
// from CPUID (CLWB > CLFLUSHOPT > CLFLUSH, PMEM_NO_CLWB / PMEM_NO_CLFLUSHOPT), and
// simple correct copies (libc copy, then flush of every written line).
#include <cstdint>
#include <cstring>
#include <immintrin.h>

#include "common/env.hpp"
#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/x86_64/cpu.hpp"

namespace pmem2::arch {

namespace {

constexpr std::uintptr_t kLine = 64;
constexpr unsigned kNoDrain = 1U << 0;
constexpr unsigned kNoFlush = 1U << 5;

enum class FlushInsn { Clflush, Clflushopt, Clwb };

__attribute__((target("clwb"))) void flush_clwb(const void *p, std::size_t n)
{
	auto line = reinterpret_cast<std::uintptr_t>(p) & ~(kLine - 1);
	const auto end = reinterpret_cast<std::uintptr_t>(p) + n;
	for (; line < end; line += kLine)
		_mm_clwb(reinterpret_cast<void *>(line));
}

__attribute__((target("clflushopt"))) void flush_clflushopt(const void *p, std::size_t n)
{
	auto line = reinterpret_cast<std::uintptr_t>(p) & ~(kLine - 1);
	const auto end = reinterpret_cast<std::uintptr_t>(p) + n;
	for (; line < end; line += kLine)
		_mm_clflushopt(reinterpret_cast<void *>(line));
}

void flush_clflush(const void *p, std::size_t n)
{
	auto line = reinterpret_cast<std::uintptr_t>(p) & ~(kLine - 1);
	const auto end = reinterpret_cast<std::uintptr_t>(p) + n;
	for (; line < end; line += kLine)
		_mm_clflush(reinterpret_cast<const void *>(line));
}

void fence() { _mm_sfence(); }
void no_flush(const void *, std::size_t) {}

template <void (*Flush)(const void *, std::size_t)> struct CacheLine {
	static void persist(const void *p, std::size_t n)
	{
		Flush(p, n);
		_mm_sfence();
	}
	static void *memmove(void *d, const void *s, std::size_t n, unsigned flags)
	{
		std::memmove(d, s, n);
		if (!(flags & kNoFlush))
			Flush(d, n);
		if (!(flags & (kNoDrain | kNoFlush)))
			_mm_sfence();
		return d;
	}
	static void *memset(void *d, int c, std::size_t n, unsigned flags)
	{
		std::memset(d, c, n);
		if (!(flags & kNoFlush))
			Flush(d, n);
		if (!(flags & (kNoDrain | kNoFlush)))
			_mm_sfence();
		return d;
	}
};

struct Byte {
	static void persist(const void *, std::size_t) { _mm_sfence(); }
	static void *memmove(void *d, const void *s, std::size_t n, unsigned flags)
	{
		std::memmove(d, s, n);
		if (!(flags & (kNoDrain | kNoFlush)))
			_mm_sfence();
		return d;
	}
	static void *memset(void *d, int c, std::size_t n, unsigned flags)
	{
		std::memset(d, c, n);
		if (!(flags & (kNoDrain | kNoFlush)))
			_mm_sfence();
		return d;
	}
};

template <void (*Flush)(const void *, std::size_t)>
persist::GranularityOps cache_line_ops()
{
	using C = CacheLine<Flush>;
	return {C::persist, Flush, fence, C::memmove, C::memset};
}

DataPath choose() noexcept
{
	const auto &cpu = x86_64::cpu_features();
	FlushInsn insn = FlushInsn::Clflush;
	if (cpu.clflushopt && !common::env_equals("PMEM_NO_CLFLUSHOPT", "1"))
		insn = FlushInsn::Clflushopt;
	if (cpu.clwb && !common::env_equals("PMEM_NO_CLWB", "1"))
		insn = FlushInsn::Clwb;

	DataPath dp{};
	switch (insn) {
	case FlushInsn::Clwb:
		dp.cache_line = cache_line_ops<flush_clwb>();
		dp.flush_name = "clwb";
		break;
	case FlushInsn::Clflushopt:
		dp.cache_line = cache_line_ops<flush_clflushopt>();
		dp.flush_name = "clflushopt";
		break;
	case FlushInsn::Clflush:
		dp.cache_line = cache_line_ops<flush_clflush>();
		dp.flush_name = "clflush";
		break;
	}
	dp.byte = {Byte::persist, no_flush, fence, Byte::memmove, Byte::memset};
	dp.copy_name = "libc";
	return dp;
}

} // namespace

const DataPath &data_path() noexcept
{
	static const DataPath dp = choose();
	return dp;
}

} // namespace pmem2::arch
