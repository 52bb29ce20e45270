// SPDX-License-Identifier: BSD-3-Clause
// data_path_x86_64.cpp -- chooses the x86-64 data path once at load time: flush
// instruction (CLWB > CLFLUSHOPT > CLFLUSH, PMEM_NO_CLWB / PMEM_NO_CLFLUSHOPT), copy
// ISA (AVX-512F > AVX2 > SSE2, PMEM_AVX512F / PMEM_AVX, opt-in PMEM_MOVDIR64B, the
// PMEM_NO_MOVNT generic path), NT threshold, WC workaround and the temporal flush
// order (PMEM2_FLUSH_ORDER); and the flush, drain and persist functions, which do
// not depend on the copy ISA.
#include <cstdlib>
#include <cstring>

#include "common/env.hpp"
#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/x86_64/memops.hpp"
#include "pmem2/arch/x86_64/select.hpp"

namespace pmem2::arch::x86_64 {

namespace {

constexpr std::size_t kDefaultMovntThreshold = 256;

void sfence() noexcept { __asm__ volatile("sfence" : : : "memory"); }
void no_flush(const void *, std::size_t) noexcept {}

// persist calls flush (kept out of line) and then fences. On Intel family 6 model
// 167 the SFENCE straight after an inlined flush loop measured slower: a 4 KiB
// persist with 1 dirty and 63 clean lines took 280-294 ns against 258-268 ns with
// the call in between (the reference's shape; its persist calls flush and fence
// through pointers: 255-265 ns). With every line dirty, both forms were equal.
template <class F> struct FlushOps {
	__attribute__((noinline)) static void flush(const void *p, std::size_t n) noexcept { flush_range<F>(p, n); }
	static void persist(const void *p, std::size_t n) noexcept
	{
		flush(p, n);
		sfence();
	}
};

// BYTE (eADR): the caches are in the persistence domain; persist only orders.
void byte_persist(const void *, std::size_t) noexcept { sfence(); }

bool is_set_to(EnvLookup env, const char *name, std::string_view value) noexcept
{
	const auto v = env(name);
	return v && *v == value;
}

// atoll of a variable's value (its text up to the first NUL, at most 63 bytes).
long long env_atoll(std::string_view v) noexcept
{
	char buf[64];
	const std::size_t n = v.size() < sizeof(buf) - 1 ? v.size() : sizeof(buf) - 1;
	std::memcpy(buf, v.data(), n);
	buf[n] = '\0';
	return std::atoll(buf);
}

} // namespace

std::size_t parse_movnt_threshold(std::optional<std::string_view> value) noexcept
{
	if (!value)
		return kDefaultMovntThreshold;
	const long long t = env_atoll(*value);
	return t < 0 ? kDefaultMovntThreshold : static_cast<std::size_t>(t);
}

FlushOrder default_flush_order(const CpuFeatures &cpu) noexcept
{
	if (cpu.amd_family)
		return FlushOrder::EachLine;
	if (cpu.genuine_intel && cpu.family == 6 && cpu.model == 167)
		return FlushOrder::EachLine;
	return FlushOrder::AfterBlock;
}

bool default_prefetchw(const CpuFeatures &cpu) noexcept
{
	return cpu.prefetchw && cpu.genuine_intel && cpu.family == 6 && cpu.model == 167;
}

NoFlushLibc default_noflush_libc(const CpuFeatures &cpu) noexcept
{
	if (cpu.genuine_intel)
		return kNoFlushLibcIntel;
	if (cpu.amd_family && cpu.family == 25)
		return cpu.avx512f ? kNoFlushLibcAmdFamily25Avx512 : kNoFlushLibcAmdFamily25;
	return kNoFlushLibcDefault;
}

Choice decide(const CpuFeatures &cpu, EnvLookup env) noexcept
{
	Choice c;
	// FACTS 4.3: CLFLUSH; CLFLUSHOPT unless PMEM_NO_CLFLUSHOPT=1; CLWB unless PMEM_NO_CLWB=1.
	c.flush = FlushKind::Clflush;
	if (cpu.clflushopt && !is_set_to(env, "PMEM_NO_CLFLUSHOPT", "1"))
		c.flush = FlushKind::Clflushopt;
	if (cpu.clwb && !is_set_to(env, "PMEM_NO_CLWB", "1"))
		c.flush = FlushKind::Clwb;

	c.movnt_threshold = parse_movnt_threshold(env("PMEM_MOVNT_THRESHOLD"));

	// Our knob, read like the reference's: an exact value wins, others are ignored.
	c.flush_order = default_flush_order(cpu);
	c.noflush_libc = default_noflush_libc(cpu);
	if (is_set_to(env, "PMEM2_FLUSH_ORDER", "line"))
		c.flush_order = FlushOrder::EachLine;
	else if (is_set_to(env, "PMEM2_FLUSH_ORDER", "block"))
		c.flush_order = FlushOrder::AfterBlock;
	c.prefetchw = default_prefetchw(cpu);
	if (is_set_to(env, "PMEM2_PREFETCHW", "1"))
		c.prefetchw = cpu.prefetchw;
	else if (is_set_to(env, "PMEM2_PREFETCHW", "0"))
		c.prefetchw = false;

	// FACTS 4.14: on by default for GenuineIntel; "1"/"0" override, others ignored.
	c.wc_workaround = cpu.genuine_intel;
	if (is_set_to(env, "PMEM_WC_WORKAROUND", "1"))
		c.wc_workaround = true;
	else if (is_set_to(env, "PMEM_WC_WORKAROUND", "0"))
		c.wc_workaround = false;

	// FACTS 4.16/4.17: PMEM_NO_MOVNT=1 drops SIMD for every granularity.
	if (is_set_to(env, "PMEM_NO_MOVNT", "1")) {
		const auto g = env("PMEM_NO_GENERIC_MEMCPY");
		c.copy = g && env_atoll(*g) != 0 ? CopyKind::Libc : CopyKind::Generic;
		return c;
	}

	// FACTS 4.15: SSE2 always; AVX unless PMEM_AVX=0; AVX-512F (independently of
	// PMEM_AVX) unless PMEM_AVX512F=0. The CPU flags include the XCR0 check.
	c.copy = CopyKind::Sse2;
	if (cpu.avx2 && !is_set_to(env, "PMEM_AVX", "0"))
		c.copy = CopyKind::Avx2;
	if (cpu.avx512f && !is_set_to(env, "PMEM_AVX512F", "0"))
		c.copy = CopyKind::Avx512f;
	// MOVDIR64B: opt-in, only with the CPU bit, replaces the NT paths of the vector ISA.
	// Our MOVDIR64B variants sit on AVX2 or AVX-512F (every CPU with MOVDIR64B
	// that has AVX has AVX2).
	const auto md = env("PMEM_MOVDIR64B");
	if (cpu.movdir64b && md && *md != "0" && c.copy != CopyKind::Sse2) {
		c.movdir64b_base = c.copy;
		c.copy = CopyKind::Movdir64b;
	}
	return c;
}

bool runnable(const Choice &c, const CpuFeatures &cpu) noexcept
{
	bool ok = true;
	switch (c.flush) {
	case FlushKind::Clwb:
		ok = cpu.clwb;
		break;
	case FlushKind::Clflushopt:
		ok = cpu.clflushopt;
		break;
	case FlushKind::Clflush:
		ok = cpu.clflush;
		break;
	}
	auto isa_ok = [&cpu](CopyKind k) {
		switch (k) {
		case CopyKind::Avx2:
			return cpu.avx2;
		case CopyKind::Avx512f:
			return cpu.avx512f;
		default:
			return true;
		}
	};
	ok = ok && (!c.prefetchw || cpu.prefetchw);
	if (c.copy == CopyKind::Movdir64b)
		return ok && cpu.movdir64b && isa_ok(c.movdir64b_base) && c.movdir64b_base != CopyKind::Movdir64b;
	return ok && isa_ok(c.copy);
}

const IsaVariants &variants_of(CopyKind copy, CopyKind movdir64b_base) noexcept
{
	switch (copy) {
	case CopyKind::Sse2:
		break;
	case CopyKind::Avx2:
		return avx2_variants();
	case CopyKind::Avx512f:
		return avx512f_variants();
	case CopyKind::Movdir64b:
		return movdir64b_base == CopyKind::Avx2 ? avx2_movdir64b_variants() : avx512f_movdir64b_variants();
	case CopyKind::Generic:
		return generic_variants();
	case CopyKind::Libc:
		return libc_variants();
	}
	return sse2_variants();
}

DataPath build(const Choice &c) noexcept
{
	const IsaVariants &v = variants_of(c.copy, c.movdir64b_base);
	const std::size_t wc = c.wc_workaround ? 1 : 0;
	const std::size_t pf = c.prefetchw ? 1 : 0;
	const CopyFns &cl =
		v.cache_line[static_cast<std::size_t>(c.flush_order)][pf][static_cast<std::size_t>(c.flush)][wc];
	const CopyFns &by = v.byte[wc];

	DataPath dp{};
	switch (c.flush) {
	case FlushKind::Clwb:
		dp.cache_line.flush = FlushOps<FlushClwb>::flush;
		dp.cache_line.persist = FlushOps<FlushClwb>::persist;
		dp.flush_name = FlushClwb::kName;
		break;
	case FlushKind::Clflushopt:
		dp.cache_line.flush = FlushOps<FlushClflushopt>::flush;
		dp.cache_line.persist = FlushOps<FlushClflushopt>::persist;
		dp.flush_name = FlushClflushopt::kName;
		break;
	case FlushKind::Clflush:
		dp.cache_line.flush = FlushOps<FlushClflush>::flush;
		dp.cache_line.persist = FlushOps<FlushClflush>::persist;
		dp.flush_name = FlushClflush::kName;
		break;
	}
	dp.cache_line.drain = sfence;
	dp.cache_line.memmove = cl.memmove;
	dp.cache_line.memset = cl.memset;

	dp.byte.flush = no_flush;
	dp.byte.drain = sfence;
	dp.byte.persist = byte_persist;
	dp.byte.memmove = by.memmove;
	dp.byte.memset = by.memset;

	dp.copy_name = v.name;
	dp.temporal_flush_order = c.copy == CopyKind::Generic || c.copy == CopyKind::Libc ? nullptr :
				  c.flush_order == FlushOrder::EachLine ? "line" : "block";
	dp.temporal_prefetch_ahead = dp.temporal_flush_order != nullptr && c.prefetchw ? kPrefetchAhead : 0;
	dp.fence_name = "sfence";
	dp.persistence_note = nullptr;
	dp.cache_line_size = kLine;
	dp.movnt_threshold = c.movnt_threshold;
	dp.wc_workaround = c.wc_workaround;
	return dp;
}

const Choice &load_time_choice() noexcept
{
	static const Choice choice = decide(cpu_features(), common::env_get);
	return choice;
}

// Read once while the library loads (FACTS 4.1); constant afterwards.
const std::size_t g_movnt_threshold = load_time_choice().movnt_threshold;
const NoFlushLibc g_noflush_libc = load_time_choice().noflush_libc;

} // namespace pmem2::arch::x86_64

namespace pmem2::arch {

const DataPath &data_path() noexcept
{
	static const DataPath dp = x86_64::build(x86_64::load_time_choice());
	return dp;
}

} // namespace pmem2::arch
