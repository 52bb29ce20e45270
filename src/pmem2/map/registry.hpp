// SPDX-License-Identifier: BSD-3-Clause
// registry.hpp -- the process-wide, address-ordered set of live mappings. Used for
// overlap detection and by the PAGE-granularity msync walk. Thread-safe; O(log n).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/result.hpp"
#include "pmem2/persist/granularity_ops.hpp"

namespace pmem2::map {

struct Map;

namespace registry {

// Adds m over [m.begin(), m.end()). Overlap with a live map: `overlap_code` is returned.
common::Status add(Map &m, int overlap_code);
// Removes m. Not registered: MAPPING_NOT_FOUND.
common::Status remove(Map &m);

// A snapshot of one registered map's range, as the msync walk needs it.
struct Span {
	std::uintptr_t begin; // the map's address
	std::uintptr_t end;   // begin + content_length
};

// The registered map with the lowest address whose range intersects [begin, end).
bool lowest_overlapping(std::uintptr_t begin, std::uintptr_t end, Span &out);

// The data functions of m if m is a registered map (m is only compared, never
// dereferenced unless registered). `hint`, an address inside m, finds it in
// O(log n); otherwise every entry is searched.
const persist::GranularityOps *live_ops(const Map *m, std::uintptr_t hint);

} // namespace registry
} // namespace pmem2::map
