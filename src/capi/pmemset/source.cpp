// SPDX-License-Identifier: BSD-3-Clause
// source.cpp -- the pmemset_*source_* entry points.
#include "capi/pmemset/facade.hpp"

using namespace libpmemset;
using capi::guarded;

PMEMSET_API int pmemset_source_from_pmem2(pmemset_source **src, pmem2_source *pmem2_src)
{
	if (src == nullptr)
		return capi::null_argument("pmemset_source_from_pmem2: src is NULL");
	*src = nullptr;
	return guarded([&] { return capi::deliver(Source::from_pmem2(pmem2_src), src); });
}

PMEMSET_API int pmemset_xsource_from_file(pmemset_source **src, const char *file, unsigned flags)
{
	if (src == nullptr)
		return capi::null_argument("pmemset_xsource_from_file: src is NULL");
	*src = nullptr;
	return guarded([&] { return capi::deliver(Source::from_file(file, flags), src); });
}

PMEMSET_API int pmemset_source_from_file(pmemset_source **src, const char *file)
{
	if (src == nullptr)
		return capi::null_argument("pmemset_source_from_file: src is NULL");
	*src = nullptr;
	return guarded([&] { return capi::deliver(Source::from_file(file, 0), src); });
}

PMEMSET_API int pmemset_source_from_temporary(pmemset_source **src, const char *dir)
{
	if (src == nullptr)
		return capi::null_argument("pmemset_source_from_temporary: src is NULL");
	*src = nullptr;
	return guarded([&] { return capi::deliver(Source::from_temporary(dir), src); });
}

PMEMSET_API int pmemset_source_delete(pmemset_source **src)
{
	if (src == nullptr)
		return capi::null_argument("pmemset_source_delete: src is NULL");
	Source::drop(capi::core(*src)); // parts made from it keep it alive
	*src = nullptr;
	return 0;
}
