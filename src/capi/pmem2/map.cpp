// SPDX-License-Identifier: BSD-3-Clause
// map.cpp -- the pmem2_map_* entry points, the persistence function getters and
// pmem2_deep_flush.
#include "capi/pmem2/facade.hpp"
#include "pmem2/config/config.hpp"
#include "pmem2/map/map.hpp"
#include "pmem2/persist/deep_flush.hpp"

using namespace pmem2;
using capi::core;
using capi::guarded;
using capi::report;

PMEM2_API int pmem2_map_new(pmem2_map **map_ptr, const pmem2_config *cfg, const pmem2_source *src)
{
	if (map_ptr == nullptr)
		return capi::null_argument("pmem2_map_new: map_ptr is NULL");
	*map_ptr = nullptr;
	if (cfg == nullptr)
		return capi::null_argument("pmem2_map_new: cfg is NULL");
	// The reference reads the config's granularity before it touches the source.
	if (!core(cfg)->required_granularity)
		return report(common::fail(PMEM2_E_GRANULARITY_NOT_SET, "the config has no required store granularity"));
	if (src == nullptr)
		return capi::null_argument("pmem2_map_new: src is NULL");
	return guarded([&]() -> int {
		auto m = map::map_new(*core(cfg), *core(src));
		if (!m)
			return report(m.error());
		*map_ptr = capi::handle<pmem2_map>(m.value().release());
		return 0;
	});
}

PMEM2_API int pmem2_map_from_existing(pmem2_map **map, const pmem2_source *src, void *addr, size_t len,
				      enum pmem2_granularity gran)
{
	// As in the reference, *map is written only on success.
	if (map == nullptr)
		return capi::null_argument("pmem2_map_from_existing: map is NULL");
	if (src == nullptr)
		return capi::null_argument("pmem2_map_from_existing: src is NULL");
	return guarded([&]() -> int {
		auto m = map::map_from_existing(*core(src), addr, len,
						 static_cast<Granularity>(capi::enum_arg(gran)));
		if (!m)
			return report(m.error());
		*map = capi::handle<pmem2_map>(m.value().release());
		return 0;
	});
}

PMEM2_API int pmem2_map_delete(pmem2_map **map_ptr)
{
	if (map_ptr == nullptr || *map_ptr == nullptr)
		return capi::null_argument("pmem2_map_delete: map is NULL");
	return guarded([&]() -> int {
		map::Map *m = core(*map_ptr);
		common::Status st = map::map_delete(*m);
		if (!st)
			return report(st);
		delete m;
		*map_ptr = nullptr;
		return 0;
	});
}

PMEM2_API void *pmem2_map_get_address(pmem2_map *map)
{
	return map != nullptr ? core(map)->addr : nullptr;
}

PMEM2_API size_t pmem2_map_get_size(pmem2_map *map)
{
	return map != nullptr ? core(map)->content_length : 0;
}

PMEM2_API enum pmem2_granularity pmem2_map_get_store_granularity(pmem2_map *map)
{
	// A NULL map has no guarantee to offer: report the coarsest granularity.
	return static_cast<pmem2_granularity>(map != nullptr ? core(map)->granularity : Granularity::Page);
}

// The getters hand out the granularity table's pointers as they are. A NULL map
// gets the PAGE table, whose functions are safe on any address.
static const persist::GranularityOps &ops_of(pmem2_map *map)
{
	return map != nullptr ? *core(map)->ops : persist::ops_for(Granularity::Page);
}

PMEM2_API pmem2_persist_fn pmem2_get_persist_fn(pmem2_map *map) { return ops_of(map).persist; }
PMEM2_API pmem2_flush_fn pmem2_get_flush_fn(pmem2_map *map) { return ops_of(map).flush; }
PMEM2_API pmem2_drain_fn pmem2_get_drain_fn(pmem2_map *map) { return ops_of(map).drain; }
PMEM2_API pmem2_memmove_fn pmem2_get_memmove_fn(pmem2_map *map) { return ops_of(map).memmove; }
PMEM2_API pmem2_memcpy_fn pmem2_get_memcpy_fn(pmem2_map *map) { return ops_of(map).memmove; }
PMEM2_API pmem2_memset_fn pmem2_get_memset_fn(pmem2_map *map) { return ops_of(map).memset; }

PMEM2_API int pmem2_deep_flush(pmem2_map *map, void *ptr, size_t size)
{
	if (map == nullptr)
		return capi::null_argument("pmem2_deep_flush: map is NULL");
	return guarded([&] { return persist::deep_flush(*core(map), ptr, size); });
}
