// SPDX-License-Identifier: BSD-3-Clause
// reservation.cpp -- virtual memory reservations: the placeholder range, its
// growth and shrinking, and the ordered tree of the maps placed in it.
#include "pmem2/vm_reservation/reservation.hpp"

#include <cerrno>
#include <limits>
#include <mutex>
#include <sys/mman.h>

#include <libpmem2/base.h>

#include "common/address_space.hpp"
#include "pmem2/map/map.hpp"

namespace pmem2::vm {

namespace address_space = common::address_space;
using common::fail;
using common::fail_errno;
using common::Result;
using common::Status;

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kGiB = std::size_t{1} << 30;
constexpr std::uintptr_t kMaxAddr = std::numeric_limits<std::uintptr_t>::max();

void *as_ptr(std::uintptr_t a) noexcept { return reinterpret_cast<void *>(a); }

// Fresh placeholder at exactly [addr, addr+len), failing if any of it is in use.
Status reserve_exactly(void *addr, std::size_t len)
{
	const int err = address_space::reserve_exactly(addr, len);
	if (err == EEXIST)
		return fail_errno(err, PMEM2_E_MAPPING_EXISTS, "[%p, +%zu) is already mapped", addr, len);
	if (err != 0)
		return fail_errno(err, 0, "cannot reserve [%p, +%zu)", addr, len);
	return {};
}

// Replaces whatever the library mapped at [addr, addr+len) with placeholder in
// one step, so the range is never a hole another thread's mmap could take.
Status restore_placeholder(std::uintptr_t addr, std::size_t len)
{
	if (int err = address_space::cover_with_placeholder(as_ptr(addr), len); err != 0)
		return fail_errno(err, 0, "cannot restore the placeholder over [%p, +%zu)", as_ptr(addr), len);
	return {};
}

common::Error not_found(const char *what)
{
	return fail(PMEM2_E_MAPPING_NOT_FOUND, "no mapping found %s", what);
}

} // namespace

Reservation::Reservation(common::MappedRange real, std::uintptr_t addr, std::size_t size, std::size_t huge_align)
	: real_(std::move(real)), addr_(addr), size_(size), huge_align_(huge_align)
{
}

Result<std::unique_ptr<Reservation>> Reservation::create(void *addr, std::size_t size)
{
	const std::size_t page = common::page_size();
	if (reinterpret_cast<std::uintptr_t>(addr) % page != 0)
		return fail(PMEM2_E_ADDRESS_UNALIGNED, "address %p is not a multiple of the page size %zu", addr,
			    page);
	if (size % page != 0)
		return fail(PMEM2_E_LENGTH_UNALIGNED, "size %zu is not a multiple of the page size %zu", size, page);

	// Huge-page alignment for the user address; the extra A bytes let a
	// kernel-chosen start be rounded up to A and still hold `size` bytes.
	const std::size_t a = size >= 2 * kGiB ? kGiB : 2 * kMiB;
	if (size > kMaxAddr - 2 * a)
		return fail(-ENOMEM, "size %zu does not fit in the address space", size);
	const std::size_t real = common::align_up(size, a) + a;

	void *raw = addr;
	if (addr != nullptr) {
		PMEM2_TRY(reserve_exactly(addr, real));
	} else if (int err = address_space::reserve(real, &raw); err != 0) {
		return fail_errno(err, 0, "cannot reserve %zu bytes of address space", real);
	}
	common::MappedRange owner(raw, real);
	const std::uintptr_t user =
		addr != nullptr ? reinterpret_cast<std::uintptr_t>(addr)
				: common::align_up(reinterpret_cast<std::uintptr_t>(raw), a);
	return std::unique_ptr<Reservation>(new Reservation(std::move(owner), user, size, a));
}

Status Reservation::destroy(Reservation *rsv)
{
	{
		std::unique_lock guard(rsv->lock_);
		if (rsv->slots_.size() != rsv->lost_)
			return fail(PMEM2_E_VM_RESERVATION_NOT_EMPTY,
				    "the reservation still holds %zu mapping(s)", rsv->slots_.size() - rsv->lost_);
		// Giving back the whole real range returns the alignment slack too (the
		// reference left it mapped). Ranges lost to a failed move are not ours
		// any more: only the owned pieces between them are given back.
		if (rsv->lost_ == 0) {
			if (int err = address_space::release(rsv->real_.addr(), rsv->real_.size()); err != 0)
				return fail_errno(err, 0, "munmap(%p, %zu)", rsv->real_.addr(), rsv->real_.size());
		} else {
			std::uintptr_t from = rsv->real_.begin();
			for (auto it = rsv->slots_.first(); it.valid(); it.next()) {
				(void)address_space::release(as_ptr(from), it.key() - from);
				from = it.value().end;
			}
			(void)address_space::release(as_ptr(from), rsv->real_.end() - from);
		}
		rsv->real_.release();
	}
	delete rsv;
	return {};
}

void *Reservation::address() const
{
	std::shared_lock guard(lock_);
	return as_ptr(addr_);
}

std::size_t Reservation::size() const
{
	std::shared_lock guard(lock_);
	return size_;
}

Status Reservation::extend(std::size_t size)
{
	const std::size_t page = common::page_size();
	if (size % page != 0)
		return fail(PMEM2_E_LENGTH_UNALIGNED, "size %zu is not a multiple of the page size %zu", size, page);
	if (size == 0)
		return {};

	std::unique_lock guard(lock_);
	const std::uintptr_t user_end = addr_ + size_;
	if (size > kMaxAddr - user_end - huge_align_)
		return fail(-ENOMEM, "extending by %zu bytes does not fit in the address space", size);
	const std::uintptr_t new_end = user_end + size;
	const std::uintptr_t real_end = real_.end();
	if (new_end > real_end) {
		// Grow the real range to the next A boundary, so that a series of small
		// extensions costs one system call per A bytes.
		const std::uintptr_t target = common::align_up(new_end, huge_align_);
		PMEM2_TRY(reserve_exactly(as_ptr(real_end), target - real_end));
		real_.adopt_back(target - real_end);
	}
	size_ += size;
	return {};
}

Status Reservation::shrink(std::size_t offset, std::size_t size)
{
	const std::size_t page = common::page_size();
	if (offset % page != 0)
		return fail(PMEM2_E_OFFSET_UNALIGNED, "offset %zu is not a multiple of the page size %zu", offset,
			    page);
	if (size % page != 0)
		return fail(PMEM2_E_LENGTH_UNALIGNED, "size %zu is not a multiple of the page size %zu", size, page);

	std::unique_lock guard(lock_);
	if (offset >= size_)
		return fail(PMEM2_E_OFFSET_OUT_OF_RANGE, "offset %zu is not inside the reservation of %zu bytes",
			    offset, size_);
	if (size == 0)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE, "cannot shrink by 0 bytes");
	// A range whose end wraps past the address space is, as in the reference,
	// not "beyond the reservation" but touches neither end of it: NOSUPP below.
	std::size_t range_end;
	const bool wraps = __builtin_add_overflow(offset, size, &range_end);
	if (!wraps && range_end > size_)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
			    "offset %zu + size %zu is beyond the reservation of %zu bytes", offset, size, size_);
	const bool at_front = offset == 0;
	const bool at_back = !wraps && range_end == size_;
	if (at_front && at_back)
		return fail(PMEM2_E_NOSUPP, "shrinking the whole reservation is not supported; delete it instead");
	if (!at_front && !at_back)
		return fail(PMEM2_E_NOSUPP, "[%zu, +%zu) is in the middle of the reservation: only its front or "
			    "back can be given back", offset, size);
	const std::uintptr_t begin = addr_ + offset;
	const std::uintptr_t end = begin + size;
	auto hit = first_intersecting(begin, end);
	if (hit.valid())
		return fail(PMEM2_E_VM_RESERVATION_NOT_EMPTY, "[%zu, +%zu) still holds the mapping at %p", offset,
			    size, as_ptr(hit.key()));

	// The freed side goes back to the system with the slack beyond it, so the
	// real range stays one piece that contains the user range.
	const int err = at_front ? real_.release_front(end - real_.begin()) : real_.release_back(real_.end() - begin);
	if (err != 0)
		return fail_errno(err, 0, "cannot give back [%p, +%zu) of the reservation", as_ptr(begin), size);
	if (at_front)
		addr_ = end;
	size_ -= size;
	return {};
}

Reservation::Tree::Iter Reservation::first_intersecting(std::uintptr_t begin, std::uintptr_t end) const
{
	// Slots never overlap, so only the one starting at or before `begin` can
	// reach into [begin, end) from the left; any other starts inside it.
	auto it = slots_.at_or_before(begin);
	if (it.valid() && it.value().end > begin)
		return it;
	it = slots_.upper_bound(begin);
	if (it.valid() && it.key() < end)
		return it;
	return Tree::none();
}

Result<map::Map *> Reservation::first_live(Tree::Iter it, std::uintptr_t end, const char *what) const
{
	// Skips slots still being placed or removed; at most one per concurrent caller.
	for (; it.valid() && it.key() < end; it.next())
		if (it.value().state == State::Live)
			return it.value().map;
	return not_found(what);
}

Result<map::Map *> Reservation::find(std::size_t offset, std::size_t len) const
{
	std::shared_lock guard(lock_);
	// Saturate instead of wrapping: a query past the top of the address space
	// simply finds nothing there.
	const std::uintptr_t begin = offset > kMaxAddr - addr_ ? kMaxAddr : addr_ + offset;
	const std::size_t span = len ? len : 1;
	const std::uintptr_t end = span > kMaxAddr - begin ? kMaxAddr : begin + span;
	return first_live(first_intersecting(begin, end), end, "in the given range of the reservation");
}

Result<map::Map *> Reservation::find_next(const map::Map &m) const
{
	std::shared_lock guard(lock_);
	return first_live(slots_.upper_bound(m.begin()), kMaxAddr, "after the given one");
}

Result<map::Map *> Reservation::find_first() const
{
	std::shared_lock guard(lock_);
	return first_live(slots_.first(), kMaxAddr, "in the reservation");
}

Result<map::Map *> Reservation::find_prev(const map::Map &m) const
{
	std::shared_lock guard(lock_);
	for (auto it = slots_.before(m.begin()); it.valid(); it.prev())
		if (it.value().state == State::Live)
			return it.value().map;
	return not_found("before the given one");
}

Result<map::Map *> Reservation::find_last() const
{
	std::shared_lock guard(lock_);
	for (auto it = slots_.last(); it.valid(); it.prev())
		if (it.value().state == State::Live)
			return it.value().map;
	return not_found("in the reservation");
}

Status Reservation::insert(std::size_t offset, std::size_t length, std::size_t alignment, map::Map &m,
			   const std::function<Status(void *addr, Leftover &left)> &place)
{
	const std::size_t page = common::page_size();
	std::uintptr_t begin;
	std::size_t reserved;
	{
		std::unique_lock guard(lock_);
		if (offset % page != 0)
			return fail(PMEM2_E_OFFSET_UNALIGNED,
				    "reservation offset %zu is not a multiple of the page size %zu", offset, page);
		reserved = length > kMaxAddr - page ? kMaxAddr : common::align_up(length, page);
		if (reserved > size_ || offset > size_ - reserved)
			return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
				    "a mapping of %zu bytes at offset %zu does not fit in the reservation of %zu bytes",
				    length, offset, size_);
		begin = addr_ + offset;
		if (alignment != 0 && begin % alignment != 0)
			return fail(PMEM2_E_ADDRESS_UNALIGNED,
				    "address %p (reservation offset %zu) is not a multiple of the source alignment %zu",
				    as_ptr(begin), offset, alignment);
		const std::uintptr_t end = begin + (length ? length : 1);
		auto hit = first_intersecting(begin, end);
		if (hit.valid())
			return fail(PMEM2_E_MAPPING_EXISTS,
				    "reservation offset %zu is occupied by the mapping at %p", offset,
				    as_ptr(hit.key()));
		slots_.insert(begin, Slot{end, &m, State::Placing});
	}

	// The claimed slot keeps everyone else off the range while mmap runs; it is
	// dropped again (rolled back) unless place() succeeds, whether place() fails
	// or throws.
	struct Claim {
		Reservation &rsv;
		std::uintptr_t begin;
		std::size_t reserved;
		Leftover left = Leftover::Placeholder;
		bool committed = false;
		~Claim()
		{
			if (!committed)
				rsv.drop_claim(begin, reserved, left);
		}
	} claim{*this, begin, reserved};

	PMEM2_TRY(place(as_ptr(begin), claim.left));
	// The slot is still where it was put: only its owner can drop a claimed slot.
	std::unique_lock guard(lock_);
	slots_.find(begin).value().state = State::Live;
	claim.committed = true;
	return {};
}

void Reservation::drop_claim(std::uintptr_t begin, std::size_t reserved, Leftover left) noexcept
{
	bool lost = false;
	if (left == Leftover::Mapping) {
		// Ours, but holding a mapping: best effort back to placeholder. Should even
		// that fail, the range is still owned and is given back with the rest.
		(void)address_space::cover_with_placeholder(as_ptr(begin), reserved);
	} else if (left == Leftover::Unknown) {
		// A failed move may have cleared the range, and another thread's mmap may
		// have taken it since: it is claimed back only if it is wholly free;
		// otherwise it is not the library's to touch any more.
		address_space::forget(as_ptr(begin), reserved);
		lost = address_space::reserve_exactly(as_ptr(begin), reserved) != 0;
	}
	std::unique_lock guard(lock_);
	if (lost) {
		Slot &slot = slots_.find(begin).value();
		slot = Slot{begin + reserved, nullptr, State::Lost};
		++lost_;
	} else {
		slots_.erase(begin);
	}
}

Status Reservation::remove(map::Map &m)
{
	{
		std::unique_lock guard(lock_);
		auto slot = slots_.find(m.begin());
		if (!slot.valid() || slot.value().map != &m || slot.value().state != State::Live)
			return fail(PMEM2_E_MAPPING_NOT_FOUND, "mapping at %p is not in this reservation", m.addr);
		slot.value().state = State::Removing;
	}
	// Still claimed, so no insert can target the range while it is replaced.
	Status st = restore_placeholder(m.begin(), m.reserved_length);
	std::unique_lock guard(lock_);
	if (!st) {
		slots_.find(m.begin()).value().state = State::Live;
		return st;
	}
	slots_.erase(m.begin());
	return {};
}

} // namespace pmem2::vm
