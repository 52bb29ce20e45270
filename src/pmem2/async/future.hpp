// SPDX-License-Identifier: BSD-3-Clause
// future.hpp -- the struct pmem2_future that pmem2_mem{cpy,move,set}_async return:
// a two-entry miniasync chain, a vdm operation future followed by a persist
// future, with this library's own task functions behind every pointer.
#pragma once

#include "pmem2/async/abi.hpp"
#include "pmem2/types.hpp"

namespace pmem2::async {

// What one asynchronous call asks for. For memset, src is unused and c is the byte.
struct Request {
	abi::OperationType type;
	void *dest;
	const void *src;
	int c;
	std::size_t len;
};

// The future for `req` on `map` (of store granularity g), run by `vdm`. The
// caller's pmem2 flags are ignored, as in PMDK 1.x; the chain depends on g:
//   PAGE: operation without flags, then persist [dest, dest+len) with the map;
//   CACHE_LINE, vdm capable of VDM_F_MEM_DURABLE: the operation alone, with that
//     flag, flagged last (the persist entry is present, NULL-addressed, never run);
//   CACHE_LINE otherwise: as PAGE;
//   BYTE: the operation alone, without flags (stores are persistent once visible).
// op_new is called now; if it fails the operation entry starts complete with
// VDM_ERROR_OUT_OF_MEMORY. map and vdm must be non-NULL.
abi::Pmem2Future make_future(map::Map *map, Granularity g, abi::Vdm *vdm, const Request &req) noexcept;

// A future that is already complete and does nothing: what a call with no map
// gets. Its operation output says VDM_ERROR_JOB_CORRUPTED and output.dest is NULL.
abi::Pmem2Future failed_future(const Request &req) noexcept;

// The task functions (exposed for the unit tests).
abi::FutureState chain_task(abi::FutureContext *ctx, abi::Notifier *notifier) noexcept;
int chain_has_property(void *future, abi::FutureProperty property) noexcept;
abi::FutureState operation_task(abi::FutureContext *ctx, abi::Notifier *notifier) noexcept;
abi::FutureState persist_task(abi::FutureContext *ctx, abi::Notifier *notifier) noexcept;
int no_property(void *future, abi::FutureProperty property) noexcept;

} // namespace pmem2::async
