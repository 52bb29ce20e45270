// SPDX-License-Identifier: BSD-3-Clause
// clean_probe.hpp -- the backend seam of the generic CPU layer: whether this CPU has
// a user-mode cache-block clean, and the instruction itself. One implementation file
// per ISA family is chosen by CMake (clean_riscv64.cpp, clean_none.cpp).
#pragma once

#include "pmem2/arch/generic/select.hpp"

namespace pmem2::arch::generic {

// Asked once at load time; thread-safe.
CleanProbe probe_clean() noexcept;

// Writes back the block holding p. Only called when probe_clean() reported one.
void clean_block(const void *p) noexcept;

// Orders and completes every earlier clean_block() and store before later accesses.
void clean_fence() noexcept;

} // namespace pmem2::arch::generic
