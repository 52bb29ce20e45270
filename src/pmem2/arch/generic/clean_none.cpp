// SPDX-License-Identifier: BSD-3-Clause
// clean_none.cpp -- CPUs without a user-mode cache clean known to this library
// (loongarch64 and others): none is reported, so clean_block is never called.
#include <atomic>

#include "pmem2/arch/generic/clean_probe.hpp"

namespace pmem2::arch::generic {

CleanProbe probe_clean() noexcept { return {}; }
void clean_block(const void *) noexcept {}
void clean_fence() noexcept { std::atomic_thread_fence(std::memory_order_seq_cst); }

} // namespace pmem2::arch::generic
