// SPDX-License-Identifier: BSD-3-Clause
// set.hpp -- a set of part maps: placement (coalescing, reservations), lookup and
// iteration with references, removal (whole, trimmed, split), persistence and events.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <unordered_set>
#include <vector>

#include <libpmemset.h>

#include "common/result.hpp"
#include "pmemset/config.hpp"
#include "pmemset/pmem2_handles.hpp"
#include "pmemset/refcounted.hpp"
#include "pmemset/source.hpp"

namespace libpmemset {

class Set;

// `length` bytes (0: the whole source size) at byte `offset` of a source, to be
// mapped into `set`. Not synchronised; consumed by Set::map_part. A part keeps its
// set and its source alive (their handles may be deleted first).
struct Part {
	Part(Set *s, Source *src, std::size_t off, std::size_t len) noexcept
		: set(s), source(src), offset(off), length(len)
	{
	}
	Ref<Set> set;
	Ref<Source> source;
	std::size_t offset;
	std::size_t length;

	// Checks the source again (Source::recheck); -ENOMEM via std::bad_alloc.
	static common::Result<std::unique_ptr<Part>> create(Set *set, Source *source,
		std::size_t offset, std::size_t length);
};

// One libpmem2 mapping (one mapped part) of a part map.
struct Piece {
	UniquePmem2Map map;
	std::uintptr_t addr;
	std::size_t size;

	std::uintptr_t end() const noexcept { return addr + size; }
};

// A contiguous address range made of one or more coalesced pieces, all in one
// reservation. Its address and size can be read without the set's lock; the
// pieces are guarded by it.
class PartMap {
public:
	explicit PartMap(std::shared_ptr<Reservation> rsv) noexcept : rsv_(std::move(rsv)) {}

	// Address and size in bytes of the whole part map.
	pmemset_part_descriptor descriptor() const noexcept;
	std::uintptr_t begin() const noexcept { return addr_.load(std::memory_order_relaxed); }
	std::uintptr_t end() const noexcept { return begin() + size_.load(std::memory_order_relaxed); }

	// References held by callers of first/next/by_address (atomic).
	void acquire() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
	// Never goes below zero (a surplus drop is ignored).
	void release() noexcept;
	long references() const noexcept { return refs_.load(std::memory_order_acquire); }

private:
	friend class Set;
	void update_extent() noexcept; // addr_/size_ from pieces_

	std::shared_ptr<Reservation> rsv_;
	std::vector<Piece> pieces_; // ascending, adjacent
	std::atomic<std::uintptr_t> addr_{0};
	std::atomic<std::size_t> size_{0};
	std::atomic<long> refs_{0};
};

// The set. Thread-safe: a reader-writer lock guards the part maps; the
// persistence functions are fixed once by the first part map and read lock-free.
// No event callback is ever invoked with the lock held. The caller's handle and
// every part made for the set hold references (RefCounted).
class Set : public RefCounted<Set> {
public:
	// PMEMSET_E_GRANULARITY_NOT_SET when cfg has no granularity.
	static common::Result<std::unique_ptr<Set>> create(const Config &cfg);
	// pmemset_delete: unmaps every part map and deletes the reservations the set
	// made; no events, references ignored. Parts still alive keep the object, and
	// map_part on it fails from now on. The caller guarantees no concurrent use.
	void close() noexcept;
	~Set();
	Set(const Set &) = delete;
	Set &operator=(const Set &) = delete;

	// Maps `part` (which must belong to this set) and stores the whole resulting
	// part map in *desc (if not NULL); the caller frees the part on success only.
	// Fires PART_ADD. Codes: see pmemset_part_map in libpmemset.h; -EINVAL after
	// close().
	common::Status map_part(const Part &part, pmemset_part_descriptor *desc);

	// Lookups take a reference on what they return.
	// PMEMSET_E_CANNOT_FIND_PART_MAP when no part map contains addr.
	common::Result<PartMap *> part_map_by_address(const void *addr);
	PartMap *first_part_map();		      // nullptr when empty
	PartMap *next_part_map(const PartMap *cur); // nullptr at the end or for a foreign cur

	// Removes `pmap` whole; only the caller's own reference may be held.
	// PMEMSET_E_PART_NOT_FOUND, PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP.
	common::Status remove_part_map(PartMap *pmap);
	// Unmaps every piece intersecting [addr, addr+len) (trimming or splitting part
	// maps); 0 when nothing intersects. PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
	// PMEM2_E_* from pmem2_map_delete. Fires REMOVE_RANGE, then PART_REMOVE per
	// part map removed whole.
	common::Status remove_range(void *addr, std::size_t len);

	// PMEMSET_E_INVALID_COALESCING_VALUE.
	common::Status set_coalescing(int value);
	// PMEMSET_E_NO_PART_MAPPED before the first part map.
	common::Result<pmem2_granularity> store_granularity() const;

	// PMEMSET_E_NO_PART_MAPPED while no part was ever mapped.
	common::Status persist(void *ptr, std::size_t size);
	common::Status flush(void *ptr, std::size_t size);
	common::Status drain();
	common::Result<void *> memcpy(void *dest, void *src, std::size_t len, unsigned flags);
	common::Result<void *> memmove(void *dest, void *src, std::size_t len, unsigned flags);
	common::Result<void *> memset(void *dest, int c, std::size_t len, unsigned flags);
	// pmem2_deep_flush on every piece intersecting [ptr, ptr+size).
	// PMEMSET_E_DEEP_FLUSH_FAIL.
	common::Status deep_flush(void *ptr, std::size_t size);

private:
	explicit Set(const Config &cfg);

	struct Ops { // libpmem2's functions for the set's granularity
		pmem2_persist_fn persist;
		pmem2_flush_fn flush;
		pmem2_drain_fn drain;
		pmem2_memmove_fn memmove;
		pmem2_memcpy_fn memcpy;
		pmem2_memset_fn memset;
	};
	// Where a new part went: its mapping and reservation, the part map it extends
	// (coalescing) and how much the reservation grew for it.
	struct Placement {
		std::shared_ptr<Reservation> rsv;
		UniquePmem2Map map;
		PartMap *into = nullptr;
		std::size_t extended = 0;

		void undo() noexcept;
	};
	using Retired = std::vector<std::unique_ptr<PartMap>>;

	// Under the write lock. Failure code PMEMSET_E_CANNOT_COALESCE_PARTS means
	// "not possible here"; any other code is final.
	common::Result<Placement> place_after(PartMap &prev, std::size_t size, pmem2_config *cfg,
		pmem2_source *src);
	common::Result<Placement> place_new(std::size_t size, std::size_t align, pmem2_config *cfg,
		pmem2_source *src);
	// Under the write lock: removes pmap from lookups and moves "previous".
	std::unique_ptr<PartMap> detach(PartMap *pmap);
	void insert(std::unique_ptr<PartMap> pmap);
	// Without the lock: PART_REMOVE for each, then (locked) unmap and release.
	common::Status retire(Retired maps);

	// Under the write lock: deletes the pieces' mappings; one that cannot be deleted
	// is kept as an orphan (with rsv) and retried by retry_orphans(). The first
	// failure is returned.
	common::Status unmap(std::vector<Piece> &pieces, const std::shared_ptr<Reservation> &rsv) noexcept;
	void retry_orphans() noexcept;

	void emit(pmemset_event_context &ctx);
	void emit_drain();
	void emit_flush(void *ptr, std::size_t size); // FLUSH {ptr, size}: before flush and persist
	const Ops *ops() const noexcept { return ops_.load(std::memory_order_acquire); }
	common::Result<const Ops *> require_ops() const;
	// A memcpy/memmove/memset: its event first, then op(ops), then DRAIN unless
	// NODRAIN (also with NOFLUSH, as the reference does).
	template <class Op>
	common::Result<void *> mem_op(pmemset_event_context &event, unsigned flags, Op &&op);

	// Copied from the config at creation; immutable.
	const pmem2_granularity required_granularity_;
	const std::shared_ptr<Reservation> config_rsv_; // borrowed, or nullptr
	pmemset_event_callback *const callback_;
	void *const callback_arg_;

	mutable std::shared_mutex lock_;
	std::map<std::uintptr_t, std::unique_ptr<PartMap>> maps_; // by start address
	std::unordered_set<const PartMap *> members_;		  // identity check of handles
	PartMap *previous_ = nullptr; // last part map placed without coalescing
	struct Orphan { // a piece whose deletion failed, with its reservation
		Piece piece;
		std::shared_ptr<Reservation> rsv;
	};
	std::vector<Orphan> orphans_;

	std::atomic<bool> closed_{false};
	std::atomic<int> coalescing_{PMEMSET_COALESCING_NONE};
	std::atomic<int> granularity_{-1}; // effective; -1 until the first part map
	Ops ops_storage_{};		    // written once, before ops_ is published
	std::atomic<const Ops *> ops_{nullptr};
};

} // namespace libpmemset
