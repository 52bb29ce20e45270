// SPDX-License-Identifier: BSD-3-Clause
// ras.cpp -- RAS entry points: bad blocks, unsafe shutdown count, device id, NUMA
// node, machine-check-safe I/O.
// PLACEHOLDER until the RAS module lands: every call reports NOSUPP.
#include "capi/pmem2/facade.hpp"

static int not_yet() noexcept
{
	pmem2::common::set_last_error("RAS functions are not implemented yet");
	return PMEM2_E_NOSUPP;
}

PMEM2_API int pmem2_source_device_id(const pmem2_source *, char *, size_t *) { return not_yet(); }
PMEM2_API int pmem2_source_device_usc(const pmem2_source *, uint64_t *) { return not_yet(); }
PMEM2_API int pmem2_source_numa_node(const pmem2_source *, int *) { return not_yet(); }
PMEM2_API int pmem2_source_pread_mcsafe(pmem2_source *, void *, size_t, size_t) { return not_yet(); }
PMEM2_API int pmem2_source_pwrite_mcsafe(pmem2_source *, void *, size_t, size_t) { return not_yet(); }
PMEM2_API int pmem2_badblock_context_new(pmem2_badblock_context **bbctx, const pmem2_source *)
{
	if (bbctx != nullptr)
		*bbctx = nullptr;
	return not_yet();
}
PMEM2_API int pmem2_badblock_next(pmem2_badblock_context *, pmem2_badblock *) { return not_yet(); }
PMEM2_API void pmem2_badblock_context_delete(pmem2_badblock_context **bbctx)
{
	if (bbctx != nullptr)
		*bbctx = nullptr;
}
PMEM2_API int pmem2_badblock_clear(pmem2_badblock_context *, const pmem2_badblock *) { return not_yet(); }
