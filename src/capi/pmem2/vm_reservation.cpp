// SPDX-License-Identifier: BSD-3-Clause
// vm_reservation.cpp -- the pmem2_vm_reservation_* entry points.
// PLACEHOLDER until the reservation module lands: every call reports NOSUPP.
#include "capi/pmem2/facade.hpp"

static int not_yet() noexcept
{
	pmem2::common::set_last_error("virtual memory reservations are not implemented yet");
	return PMEM2_E_NOSUPP;
}

PMEM2_API void *pmem2_vm_reservation_get_address(pmem2_vm_reservation *) { return nullptr; }
PMEM2_API size_t pmem2_vm_reservation_get_size(pmem2_vm_reservation *) { return 0; }
PMEM2_API int pmem2_vm_reservation_new(pmem2_vm_reservation **rsv, void *, size_t)
{
	if (rsv != nullptr)
		*rsv = nullptr;
	return not_yet();
}
PMEM2_API int pmem2_vm_reservation_delete(pmem2_vm_reservation **) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_extend(pmem2_vm_reservation *, size_t) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_shrink(pmem2_vm_reservation *, size_t, size_t) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_map_find(pmem2_vm_reservation *, size_t, size_t, pmem2_map **) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_map_find_prev(pmem2_vm_reservation *, pmem2_map *, pmem2_map **) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_map_find_next(pmem2_vm_reservation *, pmem2_map *, pmem2_map **) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_map_find_first(pmem2_vm_reservation *, pmem2_map **) { return not_yet(); }
PMEM2_API int pmem2_vm_reservation_map_find_last(pmem2_vm_reservation *, pmem2_map **) { return not_yet(); }
