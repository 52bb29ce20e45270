// SPDX-License-Identifier: BSD-3-Clause
// types.hpp -- vocabulary shared by the libpmem2 core modules.
#pragma once

#include <cstddef>

namespace pmem2 {

// Values equal enum pmem2_granularity.
enum class Granularity : int { Byte = 0, CacheLine = 1, Page = 2 };

// Values equal enum pmem2_sharing_type.
enum class Sharing : int { Shared = 0, Private = 1 };

const char *granularity_name(Granularity g) noexcept;

} // namespace pmem2
