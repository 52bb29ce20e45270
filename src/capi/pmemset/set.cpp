// SPDX-License-Identifier: BSD-3-Clause
// set.cpp -- the entry points of sets, parts and part maps.
#include "capi/pmemset/facade.hpp"

using namespace libpmemset;
using capi::core;
using capi::guarded;
using capi::report;

PMEMSET_API int pmemset_new(pmemset **set, pmemset_config *cfg)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_new: set is NULL");
	*set = nullptr;
	if (cfg == nullptr)
		return capi::null_argument("pmemset_new: cfg is NULL");
	return guarded([&] { return capi::deliver(Set::create(*core(cfg)), set); });
}

PMEMSET_API int pmemset_delete(pmemset **set)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_delete: set is NULL");
	if (Set *s = core(*set)) {
		s->close();
		Set::drop(s); // parts still alive keep the (closed) object
	}
	*set = nullptr;
	return 0;
}

PMEMSET_API int pmemset_part_new(pmemset_part **part, pmemset *set, pmemset_source *src,
	size_t offset, size_t length)
{
	if (part == nullptr)
		return capi::null_argument("pmemset_part_new: part is NULL");
	*part = nullptr;
	if (set == nullptr || src == nullptr)
		return capi::null_argument("pmemset_part_new: set or src is NULL");
	return guarded([&] {
		return capi::deliver(Part::create(core(set), core(src), offset, length), part);
	});
}

PMEMSET_API int pmemset_part_delete(pmemset_part **part)
{
	if (part == nullptr)
		return capi::null_argument("pmemset_part_delete: part is NULL");
	delete core(*part);
	*part = nullptr;
	return 0;
}

PMEMSET_API int pmemset_part_map(pmemset_part **part_ptr, pmemset_extras *extra,
	pmemset_part_descriptor *desc)
{
	(void)extra; // shutdown state data: reserved by this API version
	if (part_ptr == nullptr || *part_ptr == nullptr)
		return capi::null_argument("pmemset_part_map: part is NULL");
	return guarded([&] {
		Part *part = core(*part_ptr);
		pmem2::common::Status st = part->set->map_part(*part, desc);
		if (st) { // consumed; on failure it stays the caller's
			delete part;
			*part_ptr = nullptr;
		}
		return st;
	});
}

PMEMSET_API void pmemset_part_map_drop(struct pmemset_part_map **pmap)
{
	if (pmap == nullptr)
		return;
	if (*pmap != nullptr)
		core(*pmap)->release();
	*pmap = nullptr;
}

PMEMSET_API int pmemset_part_map_by_address(pmemset *set, struct pmemset_part_map **pmap, void *addr)
{
	if (pmap == nullptr)
		return capi::null_argument("pmemset_part_map_by_address: pmap is NULL");
	*pmap = nullptr;
	if (set == nullptr)
		return capi::null_argument("pmemset_part_map_by_address: set is NULL");
	return guarded([&] {
		auto found = core(set)->part_map_by_address(addr);
		if (!found)
			return report(found.error());
		*pmap = capi::handle(found.value());
		return 0;
	});
}

PMEMSET_API void pmemset_first_part_map(pmemset *set, struct pmemset_part_map **pmap)
{
	if (pmap == nullptr)
		return;
	*pmap = nullptr;
	if (set == nullptr)
		return;
	(void)guarded([&] {
		*pmap = capi::handle(core(set)->first_part_map());
		return 0;
	});
}

PMEMSET_API void pmemset_next_part_map(pmemset *set, struct pmemset_part_map *cur, struct pmemset_part_map **next)
{
	if (next == nullptr)
		return;
	*next = nullptr;
	if (set == nullptr || cur == nullptr)
		return;
	(void)guarded([&] {
		*next = capi::handle(core(set)->next_part_map(core(cur)));
		return 0;
	});
}

PMEMSET_API pmemset_part_descriptor pmemset_descriptor_part_map(struct pmemset_part_map *pmap)
{
	if (pmap == nullptr)
		return pmemset_part_descriptor{nullptr, 0};
	return core(pmap)->descriptor();
}

PMEMSET_API int pmemset_remove_part_map(pmemset *set, struct pmemset_part_map **part)
{
	if (set == nullptr || part == nullptr || *part == nullptr)
		return capi::null_argument("pmemset_remove_part_map: set or part map is NULL");
	return guarded([&] {
		pmem2::common::Status st = core(set)->remove_part_map(core(*part));
		if (st)
			*part = nullptr;
		return st;
	});
}

PMEMSET_API int pmemset_remove_range(pmemset *set, void *addr, size_t len)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_remove_range: set is NULL");
	return guarded([&] { return core(set)->remove_range(addr, len); });
}

PMEMSET_API int pmemset_set_contiguous_part_coalescing(pmemset *set, enum pmemset_coalescing value)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_set_contiguous_part_coalescing: set is NULL");
	return report(core(set)->set_coalescing(pmem2::capi_common::enum_arg(value)));
}

PMEMSET_API int pmemset_get_store_granularity(pmemset *set, enum pmem2_granularity *g)
{
	if (set == nullptr)
		return capi::null_argument("pmemset_get_store_granularity: set is NULL");
	auto gran = core(set)->store_granularity();
	if (!gran)
		return report(gran.error());
	if (g == nullptr) // first needed here, as in the reference (NO_PART_MAPPED comes first)
		return capi::null_argument("pmemset_get_store_granularity: g is NULL");
	*g = gran.value();
	return 0;
}
