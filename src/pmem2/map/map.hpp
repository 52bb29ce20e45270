// SPDX-License-Identifier: BSD-3-Clause
// map.hpp -- a mapping of a source: creation (placement, MAP_SYNC attempt,
// granularity), deletion, and wrapping of existing memory.
#pragma once

#include <cstddef>
#include <memory>

#include "common/address_space.hpp"
#include "common/result.hpp"
#include "pmem2/async/mover.hpp"
#include "pmem2/persist/granularity_ops.hpp"
#include "pmem2/source/source.hpp"
#include "pmem2/types.hpp"

namespace pmem2::config {
struct Config;
}
namespace pmem2::vm {
class Reservation;
}

namespace pmem2::map {

struct Map {
	void *addr = nullptr;
	std::size_t content_length = 0;  // what map_get_size reports
	std::size_t reserved_length = 0; // the address range owned: roundup(content, page); 0 if not owned
	Granularity granularity = Granularity::Page; // effective
	source::Source source;           // copy of the source, fd = -1
	vm::Reservation *reservation = nullptr;
	std::size_t reservation_offset = 0;
	const persist::GranularityOps *ops = nullptr; // stable table for `granularity`
	bool from_existing = false;
	// Placeholder around a standalone map that could not be given back when it
	// was placed (munmap failed); given back with the map.
	common::MappedRange slack_before, slack_after;
	// The data mover of this map's pmem2_*_async futures: the config's, or default_mover's.
	async::abi::Vdm *vdm = nullptr;
	async::MoverOwner default_mover; // set when the config named no mover

	std::uintptr_t begin() const noexcept { return reinterpret_cast<std::uintptr_t>(addr); }
	std::uintptr_t end() const noexcept { return begin() + content_length; }
};

// Maps src as cfg says. On success the map is registered process-wide (and in
// the config's reservation, if any). Error codes and their order: FACTS 2.3-2.14.
common::Result<std::unique_ptr<Map>> map_new(const config::Config &cfg, const source::Source &src);
// Wraps memory the caller mapped; never unmaps it. Errors: NULL addr: ADDRESS_NULL;
// addr+len wraps: MAP_RANGE; g not a granularity: GRANULARITY_NOT_SUPPORTED (the
// reference aborts); overlap with a registered map: MAP_EXISTS. A zero-length range
// occupies one byte in the registry.
common::Result<std::unique_ptr<Map>> map_from_existing(const source::Source &src, void *addr,
						       std::size_t len, Granularity g);
// Unmaps (or restores the reservation's placeholder) and unregisters. On failure
// the map is left intact and registered.
common::Status map_delete(Map &m);

} // namespace pmem2::map
