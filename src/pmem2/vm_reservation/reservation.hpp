// SPDX-License-Identifier: BSD-3-Clause
// reservation.hpp -- a range of address space held with a PROT_NONE placeholder,
// into which mappings are placed; an address-ordered tree of those mappings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>

#include "common/address_space.hpp"
#include "common/posix.hpp"
#include "common/result.hpp"
#include "pmem2/vm_reservation/bplus_tree.hpp"

namespace pmem2::map {
struct Map;
}

namespace pmem2::vm {

// A reservation: the user range [address(), address()+size()) inside a larger
// "real" placeholder range that this object owns and unmaps as a whole. The real
// range starts as roundup(size, A) + A bytes, A = 2 MiB (1 GiB when size >= 2 GiB),
// so that a kernel-chosen address can be aligned to A (huge pages) and small
// extensions need no system call.
//
// Thread safety: every member function may be called concurrently with every other
// one on the same object (one reader-writer lock; no system call is made while a
// map_new or map_delete holds it). Placement and removal are two-phase: the range
// is claimed in the tree first, the mmap runs unlocked, then the claim is published
// or dropped, so the range is never a hole and never handed out twice. Claimed but
// unpublished slots are invisible to find*, and count as occupied everywhere else.
//
// Deleting a map that a concurrent find* may have returned is the caller's race,
// as with any other pmem2 object.
class Reservation {
public:
	// Reserves `size` bytes (a page multiple, 0 allowed) at `addr` (page-aligned),
	// or, when addr is null, at an A-aligned address the kernel picks. With a fixed
	// addr the whole real range [addr, addr + roundup(size, A) + A) must be free.
	// Errors, in order: ADDRESS_UNALIGNED, LENGTH_UNALIGNED, MAPPING_EXISTS (range
	// occupied), -ENOMEM/-EAGAIN/-errno from mmap.
	static common::Result<std::unique_ptr<Reservation>> create(void *addr, std::size_t size);
	// Releases the whole real range (slack included) and deletes rsv. Fails with
	// VM_RESERVATION_NOT_EMPTY while any map is placed (or being placed), or with
	// -errno from munmap; rsv is then left intact.
	static common::Status destroy(Reservation *rsv);

	Reservation(const Reservation &) = delete;
	Reservation &operator=(const Reservation &) = delete;
	~Reservation() = default; // the real range is unmapped by real_

	// The user range; both change only through shrink (a front shrink moves the address).
	void *address() const;
	std::size_t size() const;

	// Grows the user range at its end by `size` bytes (a page multiple; 0 does
	// nothing). The address and all maps are kept. Errors: LENGTH_UNALIGNED;
	// MAPPING_EXISTS if the address space past the real range is occupied; -ENOMEM
	// (overflow, or from mmap), -errno.
	common::Status extend(std::size_t size);
	// Gives back [offset, offset+size) of the user range, which must touch exactly
	// one of its ends; the placeholder there (and any slack beyond it on that side)
	// is unmapped. Errors, in order: OFFSET_UNALIGNED, LENGTH_UNALIGNED,
	// OFFSET_OUT_OF_RANGE (offset >= size()), LENGTH_OUT_OF_RANGE (size 0, or past
	// the end), NOSUPP (middle or whole range), VM_RESERVATION_NOT_EMPTY (a map
	// intersects), -errno from munmap. On failure nothing changes.
	common::Status shrink(std::size_t offset, std::size_t size);

	// The lowest-addressed map intersecting [address()+offset, +len) (len 0: the map
	// containing that byte). offset is not bounded by size(). Not found: MAPPING_NOT_FOUND.
	// O(log n).
	common::Result<map::Map *> find(std::size_t offset, std::size_t len) const;
	// The map with the next higher / lower start address than m's (m need not be in
	// this reservation). Not found: MAPPING_NOT_FOUND. O(log n).
	common::Result<map::Map *> find_next(const map::Map &m) const;
	common::Result<map::Map *> find_prev(const map::Map &m) const;
	// The lowest / highest map. Empty: MAPPING_NOT_FOUND. O(log n).
	common::Result<map::Map *> find_first() const;
	common::Result<map::Map *> find_last() const;

	// What a failed place() left in the claimed range.
	enum class Leftover : std::uint8_t {
		Placeholder, // untouched
		Mapping,     // a mapping of the library's, to be covered with placeholder again
		Unknown,     // possibly cleared by a failed move: maybe not the library's any more
	};

	// Places a mapping of `length` bytes at `offset`. It checks, in order: offset %
	// page (OFFSET_UNALIGNED), offset + roundup(length, page) > size (LENGTH_OUT_OF_RANGE),
	// (address + offset) % alignment (ADDRESS_UNALIGNED), overlap with a map placed
	// or being placed there (MAPPING_EXISTS), and claims the range. Then, without
	// the lock, place(addr, left) must move a mapping onto the range and fill m (addr,
	// content_length, reserved_length), recording in `left` what it has done to the
	// range so far. On success m becomes visible to find*. If place fails or throws,
	// the claim is rolled back: the placeholder is put back (Mapping), or the range
	// is taken back only if it is wholly free (Unknown), else it stays claimed as lost
	// forever and is never unmapped by the library.
	common::Status insert(std::size_t offset, std::size_t length, std::size_t alignment, map::Map &m,
			      const std::function<common::Status(void *addr, Leftover &left)> &place);
	// Puts the PROT_NONE placeholder back over m's range, then drops m from the tree.
	// Not placed in this reservation: MAPPING_NOT_FOUND; -errno if the placeholder
	// could not be restored (m is then kept).
	common::Status remove(map::Map &m);

private:
	enum class State : std::uint8_t {
		Placing,  // claimed by an insert in progress
		Live,     // holds a map
		Removing, // claimed by a remove in progress
		Lost,     // no longer the library's (see Leftover::Unknown); occupied forever
	};
	struct Slot {
		std::uintptr_t end; // start + content_length
		map::Map *map;
		State state;
	};
	using Tree = BPlusTree<std::uintptr_t, Slot>; // keyed by start; slots never overlap

	Reservation(common::MappedRange real, std::uintptr_t addr, std::size_t size, std::size_t huge_align);

	// The lowest slot (in any state) intersecting [begin, end), or an invalid
	// position. Lock held.
	Tree::Iter first_intersecting(std::uintptr_t begin, std::uintptr_t end) const;
	// The lowest live slot intersecting [begin, end). Lock held.
	common::Result<map::Map *> first_live(Tree::Iter it, std::uintptr_t end, const char *what) const;
	// Rolls back insert's claim of [begin, begin+reserved) (see insert). Takes the lock.
	void drop_claim(std::uintptr_t begin, std::size_t reserved, Leftover left) noexcept;

	mutable std::shared_mutex lock_;
	Tree slots_;
	common::MappedRange real_; // the whole placeholder owned, user range included
	std::size_t lost_ = 0;     // slots in state Lost
	std::uintptr_t addr_;      // user range start
	std::size_t size_;         // user range length
	std::size_t huge_align_;   // A
};

} // namespace pmem2::vm
