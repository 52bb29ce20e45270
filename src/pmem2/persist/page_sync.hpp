// SPDX-License-Identifier: BSD-3-Clause
// page_sync.hpp -- PAGE-granularity write-back: msync(MS_SYNC) of every registered
// mapping's part of a range, page aligned; unregistered memory is skipped.
#pragma once

#include <cstddef>

namespace pmem2::persist {

// 0, or -errno of the first msync that failed (EINTR is retried). Every overlapping
// map is synced even after a failure; the reference called abort() instead.
int page_sync(const void *ptr, std::size_t len) noexcept;

} // namespace pmem2::persist
