// SPDX-License-Identifier: BSD-3-Clause
// reservation.hpp -- a range of address space held with a PROT_NONE placeholder,
// into which mappings are placed; an address-ordered tree of those mappings.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "common/result.hpp"

namespace pmem2::map {
struct Map;
}

namespace pmem2::vm {

class Reservation {
public:
	virtual ~Reservation() = default;

	virtual void *address() const noexcept = 0;
	virtual std::size_t size() const noexcept = 0;

	// Places a mapping of `length` bytes at `offset` into the reservation. Under the
	// reservation's write lock it checks, in order: offset % page (OFFSET_UNALIGNED),
	// offset + roundup(length, page) > size (LENGTH_OUT_OF_RANGE), (address + offset)
	// % alignment (ADDRESS_UNALIGNED), overlap with a map there (MAPPING_EXISTS); then
	// calls place(addr), which must MAP_FIXED the range and fill `m`; on success
	// m is added to the tree. If place fails, the placeholder is restored.
	virtual common::Status insert(std::size_t offset, std::size_t length, std::size_t alignment,
				      map::Map &m, const std::function<common::Status(void *addr)> &place) = 0;
	// Restores the placeholder over m's range and drops m from the tree.
	// Not in this reservation: MAPPING_NOT_FOUND.
	virtual common::Status remove(map::Map &m) = 0;
};

} // namespace pmem2::vm
