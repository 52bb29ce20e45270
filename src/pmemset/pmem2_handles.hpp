// SPDX-License-Identifier: BSD-3-Clause
// pmem2_handles.hpp -- RAII owners of libpmem2 public objects and the one way a
// libpmem2 failure becomes a pmemset error (its text is carried over).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <libpmem2.h>

#include "common/result.hpp"

namespace libpmemset {

namespace common = pmem2::common;

struct Pmem2ConfigDeleter {
	void operator()(pmem2_config *c) const noexcept { pmem2_config_delete(&c); }
};
struct Pmem2MapDeleter {
	// pmem2_map_delete only fails on munmap failure; a destructor cannot report it.
	void operator()(pmem2_map *m) const noexcept { pmem2_map_delete(&m); }
};
struct Pmem2SourceDeleter {
	void operator()(pmem2_source *s) const noexcept { pmem2_source_delete(&s); }
};

using UniquePmem2Config = std::unique_ptr<pmem2_config, Pmem2ConfigDeleter>;
using UniquePmem2Map = std::unique_ptr<pmem2_map, Pmem2MapDeleter>;
using UniquePmem2Source = std::unique_ptr<pmem2_source, Pmem2SourceDeleter>;

// An error for a failed libpmem2 call: code `code` (0: pass the libpmem2 code
// through), message "<what>: <pmem2_errormsg()> (libpmem2 error <n>)".
common::Error pmem2_failure(int code, int pmem2_code, const char *what);

// Tries again to delete the owned reservations whose deletion failed before.
void retry_deferred_deletions() noexcept;

// A virtual address range for part maps. Either the config's reservation
// (borrowed: never resized or deleted) or one the set made (owned: extended for
// coalescing, shrunk to its remaining mappings, deleted with its last holder).
// Shared by every part map placed in it. Guarded by the set's lock.
class Reservation {
public:
	Reservation(pmem2_vm_reservation *rsv, bool owned) noexcept : rsv_(rsv), owned_(owned) {}
	Reservation(const Reservation &) = delete;
	Reservation &operator=(const Reservation &) = delete;
	~Reservation();

	// A fresh owned reservation of `size` bytes anywhere; the libpmem2 code on failure.
	static common::Result<std::shared_ptr<Reservation>> create(std::size_t size);

	pmem2_vm_reservation *get() const noexcept { return rsv_; }
	bool owned() const noexcept { return owned_; }
	std::uintptr_t begin() const noexcept;
	std::size_t size() const noexcept;

	// Grows the end by `bytes`; the libpmem2 code (MAPPING_EXISTS when occupied).
	common::Status extend(std::size_t bytes);
	// Gives back the last `bytes` (undo of extend). Best effort.
	void shrink_tail(std::size_t bytes) noexcept;
	// Owned only: releases the unused head and tail around the mappings left in it.
	// Best effort: address space that cannot be released stays reserved.
	void shrink_to_mappings() noexcept;

private:
	pmem2_vm_reservation *rsv_;
	bool owned_;
};

} // namespace libpmemset
