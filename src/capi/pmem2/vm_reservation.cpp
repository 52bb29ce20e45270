// SPDX-License-Identifier: BSD-3-Clause
// vm_reservation.cpp -- the pmem2_vm_reservation_* entry points.
#include "capi/pmem2/facade.hpp"
#include "pmem2/map/map.hpp"
#include "pmem2/vm_reservation/reservation.hpp"

using namespace pmem2;
using capi::core;
using capi::guarded;
using capi::report;

namespace {

// Stores a find result in *out (NULL when nothing was found) and returns its code.
int deliver(common::Result<map::Map *> found, pmem2_map **out) noexcept
{
	if (!found) {
		*out = nullptr;
		return report(found.error());
	}
	*out = capi::handle<pmem2_map>(found.value());
	return 0;
}

} // namespace

PMEM2_API int pmem2_vm_reservation_new(pmem2_vm_reservation **rsv_ptr, void *addr, size_t size)
{
	if (rsv_ptr == nullptr)
		return capi::null_argument("pmem2_vm_reservation_new: rsv_ptr is NULL");
	*rsv_ptr = nullptr;
	return guarded([&]() -> int {
		auto rsv = vm::Reservation::create(addr, size);
		if (!rsv)
			return report(rsv.error());
		*rsv_ptr = capi::handle<pmem2_vm_reservation>(rsv.value().release());
		return 0;
	});
}

PMEM2_API int pmem2_vm_reservation_delete(pmem2_vm_reservation **rsv_ptr)
{
	if (rsv_ptr == nullptr || *rsv_ptr == nullptr)
		return capi::null_argument("pmem2_vm_reservation_delete: reservation is NULL");
	return guarded([&]() -> int {
		common::Status st = vm::Reservation::destroy(core(*rsv_ptr));
		if (!st)
			return report(st);
		*rsv_ptr = nullptr;
		return 0;
	});
}

PMEM2_API void *pmem2_vm_reservation_get_address(pmem2_vm_reservation *rsv)
{
	return rsv != nullptr ? core(rsv)->address() : nullptr;
}

PMEM2_API size_t pmem2_vm_reservation_get_size(pmem2_vm_reservation *rsv)
{
	return rsv != nullptr ? core(rsv)->size() : 0;
}

PMEM2_API int pmem2_vm_reservation_extend(pmem2_vm_reservation *rsv, size_t size)
{
	if (rsv == nullptr)
		return capi::null_argument("pmem2_vm_reservation_extend: reservation is NULL");
	return guarded([&] { return core(rsv)->extend(size); });
}

PMEM2_API int pmem2_vm_reservation_shrink(pmem2_vm_reservation *rsv, size_t offset, size_t size)
{
	if (rsv == nullptr)
		return capi::null_argument("pmem2_vm_reservation_shrink: reservation is NULL");
	return guarded([&] { return core(rsv)->shrink(offset, size); });
}

PMEM2_API int pmem2_vm_reservation_map_find(pmem2_vm_reservation *rsv, size_t reserv_offset, size_t len,
					    pmem2_map **map_ptr)
{
	if (map_ptr == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find: map_ptr is NULL");
	*map_ptr = nullptr;
	if (rsv == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find: reservation is NULL");
	return guarded([&] { return deliver(core(rsv)->find(reserv_offset, len), map_ptr); });
}

PMEM2_API int pmem2_vm_reservation_map_find_prev(pmem2_vm_reservation *rsv, pmem2_map *map,
						 pmem2_map **prev_map)
{
	if (prev_map == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_prev: prev_map is NULL");
	*prev_map = nullptr;
	if (rsv == nullptr || map == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_prev: reservation or map is NULL");
	return guarded([&] { return deliver(core(rsv)->find_prev(*core(map)), prev_map); });
}

PMEM2_API int pmem2_vm_reservation_map_find_next(pmem2_vm_reservation *rsv, pmem2_map *map,
						 pmem2_map **next_map)
{
	if (next_map == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_next: next_map is NULL");
	*next_map = nullptr;
	if (rsv == nullptr || map == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_next: reservation or map is NULL");
	return guarded([&] { return deliver(core(rsv)->find_next(*core(map)), next_map); });
}

PMEM2_API int pmem2_vm_reservation_map_find_first(pmem2_vm_reservation *rsv, pmem2_map **first_map)
{
	if (first_map == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_first: first_map is NULL");
	*first_map = nullptr;
	if (rsv == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_first: reservation is NULL");
	return guarded([&] { return deliver(core(rsv)->find_first(), first_map); });
}

PMEM2_API int pmem2_vm_reservation_map_find_last(pmem2_vm_reservation *rsv, pmem2_map **last_map)
{
	if (last_map == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_last: last_map is NULL");
	*last_map = nullptr;
	if (rsv == nullptr)
		return capi::null_argument("pmem2_vm_reservation_map_find_last: reservation is NULL");
	return guarded([&] { return deliver(core(rsv)->find_last(), last_map); });
}
