// SPDX-License-Identifier: BSD-3-Clause
// device_info.hpp -- what the NVDIMMs behind a source report: unsafe shutdown count,
// unique id, NUMA node. Backends: device_info_ndctl.cpp (libndctl) or
// device_info_none.cpp (every call NOSUPP). Each call opens its own ndctl context:
// thread-safe, no state kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "pmem2/source/source.hpp"

namespace pmem2::ras {

// Sum of the dirty-shutdown counters of the region's DIMMs; a DIMM-less region gives 0.
// Errors: NOSUPP (anonymous source, no region, a DIMM without the counter),
// INVALID_FILE_TYPE (directory), -errno (ndctl context, sysfs).
common::Result<std::uint64_t> device_usc(const source::Source &src);

// The concatenated unique ids of the region's DIMMs, in region order, no separator
// ("" for a DIMM-less region). Errors: as device_usc; a DIMM without an id: NOSUPP.
common::Result<std::string> device_id(const source::Source &src);

// ndctl_region_get_numa_node() of the owning region (may be -1). Errors: NOSUPP
// (anonymous), INVALID_FILE_TYPE (directory), DAX_REGION_NOT_FOUND (no region), -errno.
common::Result<int> numa_node(const source::Source &src);

} // namespace pmem2::ras
