// SPDX-License-Identifier: BSD-3-Clause
// reservation.cpp -- virtual memory reservations: the placeholder range, its
// growth and shrinking, and the ordered tree of the maps placed in it.
#include "pmem2/vm_reservation/reservation.hpp"

#include <cerrno>
#include <limits>
#include <mutex>
#include <sys/mman.h>

#include <libpmem2/base.h>

#include "pmem2/map/map.hpp"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

namespace pmem2::vm {

using common::fail;
using common::fail_errno;
using common::Result;
using common::Status;

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kGiB = std::size_t{1} << 30;
constexpr std::uintptr_t kMaxAddr = std::numeric_limits<std::uintptr_t>::max();

// Every piece of placeholder is mapped with the same flags, so that the kernel
// merges neighbouring pieces back into one VMA after a map is removed (otherwise
// each removal would cost a VMA against vm.max_map_count).
constexpr int kPlaceholderFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

void *as_ptr(std::uintptr_t a) noexcept { return reinterpret_cast<void *>(a); }

// Maps fresh placeholder at exactly [addr, addr+len), failing if any of it is in
// use. A kernel older than 4.17 ignores MAP_FIXED_NOREPLACE and treats it as a
// hint: a different address is then undone and reported as occupied.
Result<void *> map_placeholder_noreplace(void *addr, std::size_t len)
{
	void *p = ::mmap(addr, len, PROT_NONE, kPlaceholderFlags | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		const int err = errno;
		if (err == EEXIST)
			return fail_errno(err, PMEM2_E_MAPPING_EXISTS, "[%p, +%zu) is already mapped", addr, len);
		return fail_errno(err, 0, "cannot reserve [%p, +%zu)", addr, len);
	}
	if (p != addr) {
		::munmap(p, len);
		return fail(PMEM2_E_MAPPING_EXISTS, "[%p, +%zu) is already mapped", addr, len);
	}
	return p;
}

// Replaces whatever is mapped at [addr, addr+len) with placeholder, atomically
// (MAP_FIXED), so the range is never a hole another thread's mmap could take.
Status restore_placeholder(std::uintptr_t addr, std::size_t len)
{
	if (::mmap(as_ptr(addr), len, PROT_NONE, kPlaceholderFlags | MAP_FIXED, -1, 0) == MAP_FAILED)
		return fail_errno(errno, 0, "cannot restore the placeholder over [%p, +%zu)", as_ptr(addr), len);
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

	void *raw;
	if (addr != nullptr) {
		auto p = map_placeholder_noreplace(addr, real);
		if (!p)
			return std::move(p).error();
		raw = p.value();
	} else {
		raw = ::mmap(nullptr, real, PROT_NONE, kPlaceholderFlags, -1, 0);
		if (raw == MAP_FAILED)
			return fail_errno(errno, 0, "cannot reserve %zu bytes of address space", real);
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
		if (!rsv->slots_.empty())
			return fail(PMEM2_E_VM_RESERVATION_NOT_EMPTY,
				    "the reservation still holds %zu mapping(s), the first at %p", rsv->slots_.size(),
				    as_ptr(rsv->slots_.first().key()));
		// Unmapping the whole real range returns the alignment slack too
		// (the reference left it mapped).
		if (::munmap(rsv->real_.addr(), rsv->real_.size()) != 0)
			return fail_errno(errno, 0, "munmap(%p, %zu)", rsv->real_.addr(), rsv->real_.size());
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
	const std::uintptr_t real_begin = reinterpret_cast<std::uintptr_t>(real_.addr());
	const std::uintptr_t real_end = real_begin + real_.size();
	if (new_end > real_end) {
		// Grow the real range to the next A boundary, so that a series of small
		// extensions costs one system call per A bytes.
		const std::uintptr_t target = common::align_up(new_end, huge_align_);
		auto p = map_placeholder_noreplace(as_ptr(real_end), target - real_end);
		if (!p)
			return std::move(p).error();
		real_.release();
		real_ = common::MappedRange(as_ptr(real_begin), target - real_begin);
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
	if (size > size_ - offset)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
			    "offset %zu + size %zu is beyond the reservation of %zu bytes", offset, size, size_);
	const bool at_front = offset == 0;
	const bool at_back = size == size_ - offset;
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

	const std::uintptr_t real_begin = reinterpret_cast<std::uintptr_t>(real_.addr());
	const std::uintptr_t real_end = real_begin + real_.size();
	// The freed side goes back to the system with the slack beyond it, so the
	// real range stays one piece that contains the user range.
	const std::uintptr_t cut_begin = at_front ? real_begin : begin;
	const std::uintptr_t cut_end = at_front ? end : real_end;
	if (::munmap(as_ptr(cut_begin), cut_end - cut_begin) != 0)
		return fail_errno(errno, 0, "munmap(%p, %zu)", as_ptr(cut_begin), cut_end - cut_begin);
	real_.release();
	if (at_front) {
		real_ = common::MappedRange(as_ptr(end), real_end - end);
		addr_ = end;
	} else {
		real_ = common::MappedRange(as_ptr(real_begin), begin - real_begin);
	}
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
			   const std::function<Status(void *addr)> &place)
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

	// The claimed slot keeps everyone else off the range while mmap runs.
	Status st = place(as_ptr(begin));
	if (!st) {
		// Best effort: should even this fail, the range stays claimed forever
		// rather than being handed out over an unknown mapping.
		Status restored = restore_placeholder(begin, reserved);
		std::unique_lock guard(lock_);
		if (restored)
			slots_.erase(begin);
		else
			slots_.find(begin).value().map = nullptr; // m is about to be destroyed by the caller
		return st;
	}
	// The slot is still where it was put: only its owner can drop a claimed slot.
	std::unique_lock guard(lock_);
	slots_.find(begin).value().state = State::Live;
	return {};
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
