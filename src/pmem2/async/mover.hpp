// SPDX-License-Identifier: BSD-3-Clause
// mover.hpp -- the data mover a map gets when its config names none: a struct vdm
// whose operations run synchronously, on the polling thread, through the map's own
// memmove/memset functions: PMEM2_F_MEM_NONTEMPORAL when the operation asks for
// VDM_F_MEM_DURABLE; otherwise PMEM2_F_MEM_NOFLUSH (the pmem2_future's finalizer
// persists the range), or no flag on a BYTE map (no finalizer runs there).
// Operations made for a map that has since been deleted complete with
// VDM_ERROR_JOB_CORRUPTED and touch no memory; the struct vdm stays valid memory
// for the life of the process. Thread-safe; no allocation per operation.
#pragma once

#include <memory>

#include "pmem2/async/abi.hpp"
#include "pmem2/persist/granularity_ops.hpp"
#include "pmem2/types.hpp"

namespace pmem2::async {

class DefaultMover;

// Called when the owning map goes away: later operations fail instead of writing.
struct DetachMover {
	void operator()(DefaultMover *m) const noexcept;
};
using MoverOwner = std::unique_ptr<DefaultMover, DetachMover>;

// A mover for a map whose data functions are `ops` (a table that lives forever).
// Throws std::bad_alloc (also beyond 4 Mi movers alive at once).
MoverOwner new_default_mover(const persist::GranularityOps &ops);
// Binds the mover to the data functions of a map of granularity g; only before
// it made any operation.
void retarget(DefaultMover &m, const persist::GranularityOps &ops, Granularity g) noexcept;
// The mover's struct vdm, what the map's futures use.
abi::Vdm *vdm_of(DefaultMover &m) noexcept;

} // namespace pmem2::async
