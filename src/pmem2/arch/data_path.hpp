// SPDX-License-Identifier: BSD-3-Clause
// data_path.hpp -- the seam between the persistence module and the CPU-specific
// flush/copy code. The CPU layer chooses its variants once at load time (CPUID,
// XCR0, PMEM_* knobs) and exposes them here as immutable tables.
#pragma once

#include <cstddef>

#include "pmem2/persist/granularity_ops.hpp"

namespace pmem2::arch {

struct DataPath {
	// CACHE_LINE granularity (ADR): flush = one flush instruction per line, no fence;
	// drain = SFENCE; persist = flush + drain; memmove/memset choose their stores as
	// FACTS 4.9 says and end with SFENCE unless NODRAIN or NOFLUSH.
	persist::GranularityOps cache_line;
	// BYTE granularity (eADR): flush is a no-op; drain and persist are SFENCE;
	// memmove/memset per FACTS 4.10.
	persist::GranularityOps byte;
	// What was chosen, for diagnostics: "clwb", "clflushopt", "clflush", "dc cvap",
	// "dc cvac", "dcbstps", "dcbf", "cbo.clean", "none"; "sse2", "avx2", "avx512f",
	// "movdir64b", "generic", "libc".
	const char *flush_name;
	const char *copy_name;
	// x86-64: how temporal copies that flush order stores and flushes, "line" (each
	// line flushed behind its store, for aligned calls from 64 KiB) or "block" (a
	// register block stored, then flushed); nullptr where there is no such choice.
	const char *temporal_flush_order;
	// x86-64: how far ahead (bytes) those copies prefetch their destination
	// (PREFETCHW); 0 when they do not, and everywhere else.
	std::size_t temporal_prefetch_ahead;
	// The fence that completes the flushes: "sfence", "dsb sy", "phwsync", "hwsync",
	// "fence rw,rw".
	const char *fence_name;
	// Why CACHE_LINE persistence with this flush may not reach the persistence
	// domain on every platform (printed by pmem2-info), or nullptr.
	const char *persistence_note;
	// The unit of flushing in bytes (x86-64: 64; others: read from the CPU or kernel).
	std::size_t cache_line_size;
	// CACHE_LINE copies of at least this many bytes use NT stores when no flag
	// decides (PMEM_MOVNT_THRESHOLD, default 256).
	std::size_t movnt_threshold;
	// SFENCE every 12 lines of long SSE2/AVX NT runs (PMEM_WC_WORKAROUND).
	bool wc_workaround;
};

// The tables chosen at load time; the same object for the life of the process.
const DataPath &data_path() noexcept;

} // namespace pmem2::arch
