// SPDX-License-Identifier: BSD-3-Clause
// pmem2_handles.cpp -- libpmem2 error translation and the shared reservation owner.
#include "pmemset/pmem2_handles.hpp"

#include "common/immortal.hpp"

#include <mutex>
#include <new>
#include <vector>

namespace libpmemset {

common::Error pmem2_failure(int code, int pmem2_code, const char *what)
{
	const char *text = pmem2_errormsg();
	return common::fail(code != 0 ? code : pmem2_code, "%s: %s (libpmem2 error %d)", what,
		(text != nullptr && *text != '\0') ? text : "no message", pmem2_code);
}

namespace {

// Owned reservations whose deletion failed (munmap): kept, never forgotten, and
// tried again at every later opportunity (retry_deferred_deletions).
struct Deferred {
	std::mutex lock;
	std::vector<pmem2_vm_reservation *> list;
};

Deferred &deferred()
{
	static common::Immortal<Deferred> d; // never destroyed: used from destructors
	return d.get();
}

void delete_or_defer(pmem2_vm_reservation *rsv) noexcept
{
	if (pmem2_vm_reservation_delete(&rsv) == 0)
		return;
	Deferred &d = deferred();
	std::lock_guard guard(d.lock);
	try {
		d.list.push_back(rsv);
	} catch (const std::bad_alloc &) {
		// nowhere to keep it: the address space stays reserved
	}
}

struct ReservationDeleter {
	void operator()(pmem2_vm_reservation *r) const noexcept { delete_or_defer(r); }
};

} // namespace

void retry_deferred_deletions() noexcept
{
	Deferred &d = deferred();
	std::lock_guard guard(d.lock);
	for (auto it = d.list.begin(); it != d.list.end();) {
		pmem2_vm_reservation *r = *it;
		if (pmem2_vm_reservation_delete(&r) == 0)
			it = d.list.erase(it);
		else
			++it;
	}
	if (d.list.empty())
		d.list.shrink_to_fit(); // nothing held once everything is deleted
}

Reservation::~Reservation()
{
	if (owned_ && rsv_ != nullptr)
		delete_or_defer(rsv_); // every mapping in it is gone by now
}

common::Result<std::shared_ptr<Reservation>> Reservation::create(std::size_t size)
{
	retry_deferred_deletions();
	pmem2_vm_reservation *rsv = nullptr;
	int ret = pmem2_vm_reservation_new(&rsv, nullptr, size);
	if (ret != 0)
		return pmem2_failure(0, ret, "cannot create a virtual memory reservation for the part");
	// Deleted again should the owner's allocation throw.
	std::unique_ptr<pmem2_vm_reservation, ReservationDeleter> guard(rsv);
	auto owner = std::make_shared<Reservation>(rsv, true);
	(void)guard.release();
	return owner;
}

std::uintptr_t Reservation::begin() const noexcept
{
	return reinterpret_cast<std::uintptr_t>(pmem2_vm_reservation_get_address(rsv_));
}

std::size_t Reservation::size() const noexcept { return pmem2_vm_reservation_get_size(rsv_); }

common::Status Reservation::extend(std::size_t bytes)
{
	int ret = pmem2_vm_reservation_extend(rsv_, bytes);
	if (ret != 0)
		return pmem2_failure(0, ret, "cannot extend the reservation after the previous part map");
	return {};
}

void Reservation::shrink_tail(std::size_t bytes) noexcept
{
	std::size_t sz = size();
	if (bytes != 0 && bytes < sz)
		(void)pmem2_vm_reservation_shrink(rsv_, sz - bytes, bytes);
}

void Reservation::shrink_to_mappings() noexcept
{
	if (!owned_)
		return;
	pmem2_map *first = nullptr;
	pmem2_map *last = nullptr;
	if (pmem2_vm_reservation_map_find_first(rsv_, &first) != 0 ||
		pmem2_vm_reservation_map_find_last(rsv_, &last) != 0)
		return; // empty: deleted together with its last holder
	std::uintptr_t base = begin();
	std::size_t sz = size();
	std::size_t used_end = reinterpret_cast<std::uintptr_t>(pmem2_map_get_address(last)) +
		pmem2_map_get_size(last) - base;
	if (used_end < sz)
		(void)pmem2_vm_reservation_shrink(rsv_, used_end, sz - used_end);
	std::size_t used_begin = reinterpret_cast<std::uintptr_t>(pmem2_map_get_address(first)) - base;
	if (used_begin > 0)
		(void)pmem2_vm_reservation_shrink(rsv_, 0, used_begin);
}

} // namespace libpmemset
