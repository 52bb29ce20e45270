// SPDX-License-Identifier: BSD-3-Clause
// deep_flush.hpp -- flushing a mapping's range to the deepest persistence level.
#pragma once

#include <cstddef>

#include "common/result.hpp"

namespace pmem2::map {
struct Map;
}

namespace pmem2::persist {

// [ptr, ptr+size) must lie in m (DEEP_FLUSH_RANGE, overflow included). PAGE: nothing
// to do; anonymous: NOSUPP; files: msync; device DAX: CPU persist, then the
// region's deep_flush control.
common::Status deep_flush(const map::Map &m, void *ptr, std::size_t size);

} // namespace pmem2::persist
