/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmem2/async.h -- the asynchronous data movement API of libpmem2 1.x
 * (pmem2_async(3)): futures that copy, move or fill memory through a virtual
 * data mover (struct vdm) and then make the range persistent.
 *
 * Included by <libpmem2.h> when PMEM2_USE_MINIASYNC is defined. The future and
 * mover types come from the caller's miniasync (0.2 ABI): <libminiasync/vdm.h>
 * must be on the include path. The library itself does not depend on miniasync.
 *
 * Deprecated (PMDK 1.13 deprecated these functions and 2.0 removed them); they
 * are exported at version node LIBPMEM2_1.0 only.
 */
#ifndef LIBPMEM2_ASYNC
#define LIBPMEM2_ASYNC 1

#include <libpmem2/base.h>
#include <libminiasync/vdm.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ASYNC_DEPR_STR
#define ASYNC_DEPR_STR "Async support for libpmem2 is deprecated."
#endif
#ifndef ASYNC_DEPR_ATTR
#define ASYNC_DEPR_ATTR __attribute__((deprecated(ASYNC_DEPR_STR)))
#endif

/*
 * Makes maps created from cfg use vdm for their asynchronous operations; NULL
 * restores the default (a synchronous mover built on the map's own memmove and
 * memset functions). The vdm must outlive those maps. Returns 0; a NULL cfg
 * gives -EINVAL.
 */
ASYNC_DEPR_ATTR
int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm);

/* The persist step that ends every pmem2 future: persists [ptr, ptr + size). */
struct pmem2_persist_future_data {
	struct pmem2_map *map;
	void *ptr;
	size_t size;
};

struct pmem2_persist_future_output {
	uint64_t unused; /* no result; present because C has no empty structs */
};

FUTURE(pmem2_persist_future, struct pmem2_persist_future_data,
	struct pmem2_persist_future_output);

/* Task of a caller-made persist future: persists with the map's persist function. */
static inline enum future_state
pmem2_persist_future_impl(struct future_context *ctx,
	struct future_notifier *notifier)
{
	struct pmem2_persist_future_data *d =
		(struct pmem2_persist_future_data *)future_context_get_data(ctx);

	if (notifier != NULL)
		notifier->notifier_used = FUTURE_NOTIFIER_NONE;
	pmem2_get_persist_fn(d->map)(d->ptr, d->size);
	return FUTURE_STATE_COMPLETE;
}

/* Every kind of final step a pmem2 future may hold (64 bytes reserved). */
union pmem2_finalize_future {
	struct pmem2_persist_future persist;
	struct {
		char data[64];
	} pad;
};

/* A final step that persists [ptr, ptr + size) of map. */
static inline union pmem2_finalize_future
pmem2_persist_future(struct pmem2_map *map, void *ptr, size_t size)
{
	union pmem2_finalize_future fin;

	fin.persist.data.map = map;
	fin.persist.data.ptr = ptr;
	fin.persist.data.size = size;
	FUTURE_INIT(&fin.persist, pmem2_persist_future_impl);
	return fin;
}

/* A two-step chain: the mover's operation, then the final step. */
struct pmem2_future_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, op);
	FUTURE_CHAIN_ENTRY_LAST(union pmem2_finalize_future, fin);
};

struct pmem2_future_output {
	void *dest; /* the destination the operation was given */
};

FUTURE(pmem2_future, struct pmem2_future_data, struct pmem2_future_output);

/*
 * Futures for the map's mover to copy len bytes from src to pmemdest (memmove:
 * the ranges may overlap), or to fill n bytes at str with (unsigned char)c, and
 * then persist the range. Nothing happens until the future is polled (e.g. with
 * FUTURE_BUSY_POLL); once it is complete the data is persistent. flags are
 * ignored. A NULL map, or a map whose mover lacks an op_* function, gives a
 * future that is already complete, did nothing, and has VDM_ERROR_JOB_CORRUPTED in
 * data.op.fut.output.result and NULL as output.dest.
 */
ASYNC_DEPR_ATTR
struct pmem2_future pmem2_memcpy_async(struct pmem2_map *map,
	void *pmemdest, const void *src, size_t len, unsigned flags);

ASYNC_DEPR_ATTR
struct pmem2_future pmem2_memmove_async(struct pmem2_map *map,
	void *pmemdest, const void *src, size_t len, unsigned flags);

ASYNC_DEPR_ATTR
struct pmem2_future pmem2_memset_async(struct pmem2_map *map,
	void *str, int c, size_t n, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif /* LIBPMEM2_ASYNC */
