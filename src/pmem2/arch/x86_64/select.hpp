// SPDX-License-Identifier: BSD-3-Clause
// select.hpp -- how the data path is chosen: CPU features plus the reference's PMEM_*
// knobs (FACTS 4.1-4.3, 4.11, 4.14-4.17) give a Choice; a Choice gives a DataPath.
// Split in two pure steps so tests can check the knob semantics and force every
// variant in one process without touching the load-time table.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "pmem2/arch/data_path.hpp"
#include "pmem2/arch/x86_64/cpu.hpp"
#include "pmem2/arch/x86_64/memops.hpp"

namespace pmem2::arch::x86_64 {

// The copy implementation serving both granularities.
enum class CopyKind { Sse2, Avx2, Avx512f, Movdir64b, Generic, Libc };

struct Choice {
	CopyKind copy = CopyKind::Sse2;
	// Only for CopyKind::Movdir64b: the ISA of its temporal paths (Avx2 or Avx512f).
	CopyKind movdir64b_base = CopyKind::Avx512f;
	FlushKind flush = FlushKind::Clflush;
	bool wc_workaround = false;
	std::size_t movnt_threshold = 256; // bytes
	// The temporal + flush policy (memops.hpp, FlushOrder): default_flush_order()
	// unless PMEM2_FLUSH_ORDER=line / =block forces one.
	FlushOrder flush_order = FlushOrder::AfterBlock;
	// Whether the temporal + flush loops prefetch their destination (memops.hpp,
	// kPrefetchAhead): default_prefetchw() unless PMEM2_PREFETCHW=1 / =0 forces it;
	// never on a CPU without PREFETCHW.
	bool prefetchw = false;
	// The NOFLUSH lengths libc copies (memops.hpp, NoFlushLibc): default_noflush_libc().
	NoFlushLibc noflush_libc = kNoFlushLibcDefault;
};

// The temporal + flush policy a CPU gets by default: EachLine (for aligned calls
// from kEachLineMin) only on the CPUs where it was measured faster than the
// reference's order, AfterBlock (the reference's order, so its speed) on every
// other one. bench/datapath/RESULTS.md holds the measurements:
//   AMD and Hygon (Zen)            EachLine  Zen 5, family 26 model 2, 2026-12-01
//   Intel family 6 model 167       EachLine  Xeon with AVX-512, AMX, MOVDIR64B as
//                                            KVM presents it, 2026-12-01
//   Intel family 6 model 207       AfterBlock  reported in issue 16 with an earlier
//                                            EachLine loop: 0.63-0.71 of the
//                                            reference from 64 KiB to 256 MiB
//   anything else                  AfterBlock  not measured
FlushOrder default_flush_order(const CpuFeatures &cpu) noexcept;

// Whether a CPU prefetches the destination of temporal + flush copies by default:
// only where it was measured faster (bench/datapath/RESULTS.md):
//   Intel family 6 model 167       on   TEMPORAL/WB 64 KiB-256 MiB 1.07-1.39x the
//                                       reference (1.03-1.26x without), 2026-12-02
//   AMD Zen 5                      off  PREFETCHW 2 KiB ahead measured 10-25 % slower
//   anything else                  off  not measured
bool default_prefetchw(const CpuFeatures &cpu) noexcept;

// The NOFLUSH lengths a CPU hands to libc (memops.hpp, NoFlushLibc, where the
// measurements are): kNoFlushLibcIntel on GenuineIntel, kNoFlushLibcAmdFamily25 on
// AMD/Hygon family 25 without AVX-512F (Zen 3), kNoFlushLibcAmdFamily25Avx512 on
// family 25 with it (Zen 4), kNoFlushLibcDefault (measured on Zen 5) on every other
// CPU.
NoFlushLibc default_noflush_libc(const CpuFeatures &cpu) noexcept;

// Looks a variable up: its value, or nullopt when unset.
using EnvLookup = std::optional<std::string_view> (*)(const char *name);

// The reference's decision for this CPU and environment. Pure; thread-safe.
Choice decide(const CpuFeatures &cpu, EnvLookup env) noexcept;

// PMEM_MOVNT_THRESHOLD as the reference parses it (atoll; a negative value is
// ignored, so the default 256 stays; a non-number parses as 0 = always NT).
std::size_t parse_movnt_threshold(std::optional<std::string_view> value) noexcept;

// True when this CPU can execute every instruction the Choice uses.
bool runnable(const Choice &c, const CpuFeatures &cpu) noexcept;

// The tables for a Choice (its threshold is informational: the copy functions use
// the load-time g_movnt_threshold). Pure; the pointers are static functions.
DataPath build(const Choice &c) noexcept;

// The memmove/memset table of one copy kind (MOVDIR64B over `movdir64b_base`).
const IsaVariants &variants_of(CopyKind copy, CopyKind movdir64b_base = CopyKind::Avx512f) noexcept;

// The Choice made at load time from cpu_features() and the real environment.
const Choice &load_time_choice() noexcept;

} // namespace pmem2::arch::x86_64
