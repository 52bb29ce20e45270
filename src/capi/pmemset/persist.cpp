// SPDX-License-Identifier: BSD-3-Clause
// persist.cpp -- persist/flush/drain/deep flush and the mem functions of a set.
#include "capi/pmemset/facade.hpp"

using namespace libpmemset;
using capi::core;
using capi::guarded;

namespace {

// The mem functions return dest, or NULL with the message set.
template <class Call> void *mem_call(pmemset *set, const char *what, Call &&call) noexcept
{
	if (set == nullptr) {
		capi::null_argument(what);
		return nullptr;
	}
	void *out = nullptr;
	(void)guarded([&]() -> int {
		pmem2::common::Result<void *> r = call(*core(set));
		if (!r)
			return capi::report(r.error());
		out = r.value();
		return 0;
	});
	return out;
}

} // namespace

PMEMSET_API int pmemset_persist(pmemset *set, void *ptr, size_t size)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_persist: set is NULL");
	return guarded([&] { return core(set)->persist(ptr, size); });
}

PMEMSET_API int pmemset_flush(pmemset *set, void *ptr, size_t size)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_flush: set is NULL");
	return guarded([&] { return core(set)->flush(ptr, size); });
}

PMEMSET_API int pmemset_drain(pmemset *set)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_drain: set is NULL");
	return guarded([&] { return core(set)->drain(); });
}

PMEMSET_API int pmemset_deep_flush(pmemset *set, void *ptr, size_t size)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_deep_flush: set is NULL");
	return guarded([&] { return core(set)->deep_flush(ptr, size); });
}

PMEMSET_API void *pmemset_memcpy(pmemset *set, void *pmemdest, void *src, size_t len, unsigned flags)
{
	return mem_call(set, "pmemset_memcpy: set is NULL",
		[&](Set &s) { return s.memcpy(pmemdest, src, len, flags); });
}

PMEMSET_API void *pmemset_memmove(pmemset *set, void *pmemdest, void *src, size_t len, unsigned flags)
{
	return mem_call(set, "pmemset_memmove: set is NULL",
		[&](Set &s) { return s.memmove(pmemdest, src, len, flags); });
}

PMEMSET_API void *pmemset_memset(pmemset *set, void *pmemdest, int c, size_t len, unsigned flags)
{
	return mem_call(set, "pmemset_memset: set is NULL",
		[&](Set &s) { return s.memset(pmemdest, c, len, flags); });
}
