// SPDX-License-Identifier: BSD-3-Clause
// map.cpp -- creating and deleting mappings: validation in the reference's order,
// aligned placement, the MAP_SYNC attempt, granularity, registration.
#include "pmem2/map/map.hpp"

#include <cerrno>
#include <cstdint>
#include <new>
#include <sys/mman.h>

#include <libpmem2/base.h>

#include "common/address_space.hpp"
#include "common/posix.hpp"
#include "pmem2/config/config.hpp"
#include "pmem2/granularity/granularity.hpp"
#include "pmem2/map/registry.hpp"
#include "pmem2/vm_reservation/reservation.hpp"

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

namespace pmem2::map {

namespace address_space = common::address_space;
using common::fail;
using common::fail_errno;
using common::Result;
using common::Status;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kGiB = 1024 * kMiB;

int to_mmap_prot(unsigned prot) noexcept
{
	int p = PROT_NONE;
	if (prot & config::kProtExec)
		p |= PROT_EXEC;
	if (prot & config::kProtRead)
		p |= PROT_READ;
	if (prot & config::kProtWrite)
		p |= PROT_WRITE;
	return p;
}

// mmap's errno in the library's terms.
common::Error mmap_error(int err)
{
	switch (err) {
	case EACCES:
		return fail_errno(err, PMEM2_E_NO_ACCESS, "mmap: the file's access mode does not allow the "
			"requested protection");
	case EOPNOTSUPP:
		return fail_errno(err, PMEM2_E_NOSUPP, "mmap");
	case EEXIST:
		return fail_errno(err, PMEM2_E_MAPPING_EXISTS, "mmap");
	default:
		return fail_errno(err, 0, "mmap");
	}
}

// The validated geometry of one mapping request.
struct Request {
	std::size_t file_offset;
	std::size_t content_length;
	std::size_t alignment;
};

Result<Request> validate(const config::Config &cfg, const source::Source &src)
{
	if (!cfg.required_granularity)
		return fail(PMEM2_E_GRANULARITY_NOT_SET, "the config has no required store granularity");

	auto align = source::alignment(src);
	if (!align)
		return std::move(align).error();
	auto size = source::size(src);
	if (!size)
		return std::move(size).error();
	const std::size_t a = align.value();
	const std::size_t file_size = size.value();

	if (cfg.offset % a != 0)
		return fail(PMEM2_E_OFFSET_UNALIGNED, "offset %zu is not a multiple of the source alignment %zu",
			    cfg.offset, a);
	if (src.kind == source::Kind::Directory)
		return fail(PMEM2_E_INVALID_FILE_TYPE, "a directory cannot be mapped");
	if (src.kind == source::Kind::DevDax && cfg.sharing == Sharing::Private)
		return fail(PMEM2_E_SRC_DEVDAX_PRIVATE, "device DAX cannot be mapped privately");
	if (file_size == 0)
		return fail(PMEM2_E_SOURCE_EMPTY, "the source is empty");
	if (cfg.length % a != 0)
		return fail(PMEM2_E_LENGTH_UNALIGNED, "length %zu is not a multiple of the source alignment %zu",
			    cfg.length, a);
	std::size_t end;
	if (__builtin_add_overflow(cfg.offset, cfg.length, &end))
		return fail(PMEM2_E_MAP_RANGE, "offset %zu + length %zu overflows", cfg.offset, cfg.length);
	if (end > file_size)
		return fail(PMEM2_E_MAP_RANGE, "offset %zu + length %zu is beyond the source size %zu",
			    cfg.offset, cfg.length, file_size);
	// Anonymous memory always starts at 0: the configured offset is validated above
	// but otherwise ignored, so "to the end" means the whole source (as the reference).
	const std::size_t file_offset = src.kind == source::Kind::Anonymous ? 0 : cfg.offset;
	const std::size_t content = cfg.length ? cfg.length : file_size - file_offset;
	if (content == 0)
		return fail(-EINVAL, "offset %zu is at the end of the source: nothing to map", cfg.offset);
	return Request{file_offset, content, a};
}

// Maps the source where the kernel chooses (never over anything), with MAP_SYNC
// when the source supports it. The mapping is owned by the returned range; the
// bool says whether MAP_SYNC was granted (the mapping is then synchronous with the
// media: DAX). The attempt is never made with MAP_FIXED over a range of the
// library's: ext4 and xfs refuse MAP_SYNC only after they have removed what was
// mapped there, which left a hole another thread's mmap could take.
// `hint`: where the kernel should place the mapping if that range is free
// (address_space::map_anywhere); nullptr leaves the choice to it.
Result<std::pair<common::MappedRange, bool>> map_anywhere(std::size_t len, const config::Config &cfg,
							  const source::Source &src, std::size_t file_offset,
							  void *hint = nullptr)
{
	const int prot = to_mmap_prot(cfg.protection);
	const bool anon = src.kind == source::Kind::Anonymous;
	const int fd = anon ? -1 : src.fd;
	const int anon_flag = anon ? MAP_ANONYMOUS : 0;
	const off_t off = static_cast<off_t>(file_offset);
	void *p = nullptr;

	if (cfg.sharing == Sharing::Private) {
		if (int err = address_space::map_anywhere(len, prot, MAP_PRIVATE | anon_flag, fd, off, &p, hint); err != 0)
			return mmap_error(err);
		return std::make_pair(common::MappedRange(p, len), false);
	}
	// The kernel refuses MAP_SHARED_VALIDATE for anonymous memory; skip the attempt.
	if (!anon) {
		const int err = address_space::map_anywhere(len, prot, MAP_SHARED_VALIDATE | MAP_SYNC, fd, off, &p, hint);
		if (err == 0)
			return std::make_pair(common::MappedRange(p, len), true);
		if (err != EINVAL && err != EOPNOTSUPP)
			return mmap_error(err);
	}
	if (int err = address_space::map_anywhere(len, prot, MAP_SHARED | anon_flag, fd, off, &p, hint); err != 0)
		return mmap_error(err);
	return std::make_pair(common::MappedRange(p, len), false);
}

// Fills in the granularity of a freshly mapped m, or fails when it cannot meet
// the required one.
Status settle_granularity(Map &m, const config::Config &cfg, const source::Source &src, bool map_sync)
{
	const Granularity required = *cfg.required_granularity;
	const Granularity avail = granularity::available(
		{src.kind == source::Kind::Anonymous, cfg.sharing == Sharing::Private, map_sync});
	if (static_cast<int>(avail) > static_cast<int>(required)) {
		if (avail == Granularity::Page)
			return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED,
				    "granularity %s requested, but the mapping is not DAX (MAP_SYNC refused): "
				    "only PAGE is available",
				    granularity_name(required));
		return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED,
			    "granularity BYTE requested, but the platform has no eADR: only CACHE_LINE is available");
	}
	m.granularity = avail;
	m.ops = &persist::ops_for(avail);
	return {};
}

std::unique_ptr<Map> new_map_object(const source::Source &src)
{
	auto m = std::make_unique<Map>();
	m->source = src;
	m->source.fd = -1;
	return m;
}

// Fills in where m lives; the range is owned by m from now on (map_delete).
void settle_address(Map &m, void *addr, const Request &req, std::size_t reserved) noexcept
{
	m.addr = addr;
	m.content_length = req.content_length;
	m.reserved_length = reserved;
}

Result<std::unique_ptr<Map>> map_into_reservation(const config::Config &cfg, const source::Source &src,
						  const Request &req)
{
	using Leftover = vm::Reservation::Leftover;
	auto m = new_map_object(src);
	m->reservation = cfg.reservation;
	m->reservation_offset = cfg.reservation_offset;
	const std::size_t reserved = common::align_up(req.content_length, common::page_size());
	Status st = cfg.reservation->insert(
		cfg.reservation_offset, req.content_length, req.alignment, *m,
		[&](void *addr, Leftover &left) -> Status {
			auto fresh = map_anywhere(reserved, cfg, src, req.file_offset);
			if (!fresh)
				return std::move(fresh).error();
			PMEM2_TRY(settle_granularity(*m, cfg, src, fresh->second));
			common::MappedRange &mapping = fresh->first;
			if (int err = address_space::move_onto(mapping.addr(), reserved, addr); err != 0) {
				// Only running out of memory can have cleared the target first.
				left = err == ENOMEM ? Leftover::Unknown : Leftover::Placeholder;
				return fail_errno(err, 0, "cannot move the mapping into the reservation at %p", addr);
			}
			mapping.release(); // now at addr, in the reservation's range
			left = Leftover::Mapping;
			settle_address(*m, addr, req, reserved);
			return registry::add(*m, -EEXIST);
		});
	if (!st)
		return std::move(st).error();
	return m;
}

// After a failed move onto [target, +len) inside the library's placeholder: the
// placeholder around it is given back, and the target only if it is still (or
// again) the library's.
void release_after_failed_move(common::MappedRange &placeholder, std::uintptr_t target, std::size_t len) noexcept
{
	(void)placeholder.release_back(placeholder.end() - (target + len));
	address_space::forget(reinterpret_cast<void *>(target), len);
	if (address_space::reserve_exactly(reinterpret_cast<void *>(target), len) == 0)
		(void)address_space::release(reinterpret_cast<void *>(target), len);
	(void)address_space::release(placeholder.addr(), target - placeholder.begin());
	placeholder.release();
}

Result<std::unique_ptr<Map>> map_standalone(const config::Config &cfg, const source::Source &src,
					    const Request &req)
{
	const std::size_t page = common::page_size();
	// Large mappings get 1 GiB alignment and the rest 2 MiB, so the kernel can use
	// huge pages (and device DAX its own alignment).
	std::size_t align = req.content_length >= 2 * kGiB ? kGiB : 2 * kMiB;
	if (req.alignment > align)
		align = req.alignment;
	// A length the address space cannot hold, even after page and placement
	// rounding: the kernel's answer for such a request, -ENOMEM (as the reference).
	if (req.content_length > SIZE_MAX - page - align)
		return fail(-ENOMEM, "%zu bytes do not fit in the address space", req.content_length);
	const std::size_t reserved = common::align_up(req.content_length, page);

	auto fresh = map_anywhere(reserved, cfg, src, req.file_offset);
	if (!fresh)
		return std::move(fresh).error();
	if (fresh->first.begin() % align != 0) {
		// Not aligned: map it again where an aligned range is free, which a
		// placeholder big enough to hold one shows, given back before the file
		// is mapped with that range as the hint. A mapping placed by a hint is a
		// plain file mapping, cheaper to make and to unmap than one moved there
		// with mremap (below), which is left for when the hint is not taken
		// (another thread mapped something there in between) or a step fails.
		void *raw = nullptr;
		if (fresh->first.reset() == 0 && address_space::reserve(reserved + align, &raw) == 0) {
			common::MappedRange probe(raw, reserved + align);
			void *hint = reinterpret_cast<void *>(common::align_up(probe.begin(), align));
			if (probe.reset() == 0)
				fresh = map_anywhere(reserved, cfg, src, req.file_offset, hint);
		}
		if (fresh && fresh->first.size() == 0)
			fresh = map_anywhere(reserved, cfg, src, req.file_offset);
		if (!fresh)
			return std::move(fresh).error();
	}
	auto m = new_map_object(src);
	PMEM2_TRY(settle_granularity(*m, cfg, src, fresh->second));
	common::MappedRange mapping = std::move(fresh->first);

	if (mapping.begin() % align != 0) {
		// Move it to an aligned address inside a placeholder of ours big enough
		// to hold one, then give back the placeholder's head and tail.
		void *raw = nullptr;
		if (int err = address_space::reserve(reserved + align, &raw); err != 0)
			return fail_errno(err, 0, "cannot reserve %zu bytes of address space", reserved + align);
		common::MappedRange placeholder(raw, reserved + align);
		const std::uintptr_t target = common::align_up(placeholder.begin(), align);
		if (int err = address_space::move_onto(mapping.addr(), reserved, reinterpret_cast<void *>(target));
		    err != 0) {
			if (err == ENOMEM) // only then may the target have been cleared first
				release_after_failed_move(placeholder, target, reserved);
			return fail_errno(err, 0, "cannot move the mapping to an address aligned to %zu", align);
		}
		mapping.release();
		// Split the placeholder into head, the mapping and tail; head and tail
		// go back now, or with the map should that fail.
		common::MappedRange head(placeholder.addr(), target - placeholder.begin());
		common::MappedRange tail(reinterpret_cast<void *>(target + reserved),
					 placeholder.end() - (target + reserved));
		placeholder.release();
		mapping = common::MappedRange(reinterpret_cast<void *>(target), reserved);
		if (head.reset() != 0)
			m->slack_before = std::move(head);
		if (tail.reset() != 0)
			m->slack_after = std::move(tail);
	}
	settle_address(*m, mapping.addr(), req, reserved);
	PMEM2_TRY(registry::add(*m, -EEXIST));
	mapping.release(); // m owns it (map_delete)
	return m;
}

} // namespace

namespace {

// A default mover for a map not created yet: allocated before the mapping, so that
// running out of memory cannot strand a registered mapping.
Result<async::MoverOwner> preallocate_mover()
{
	try {
		return async::new_default_mover(persist::ops_for(Granularity::Page));
	} catch (const std::bad_alloc &) {
		return fail(-ENOMEM, "cannot allocate the map's data mover");
	}
}

// Gives m the mover its futures use: `configured`, or `mover` bound to m's functions.
void attach_mover(Map &m, async::abi::Vdm *configured, async::MoverOwner mover) noexcept
{
	if (configured != nullptr) {
		m.vdm = configured;
		return;
	}
	async::retarget(*mover, *m.ops, m.granularity);
	m.vdm = async::vdm_of(*mover);
	m.default_mover = std::move(mover);
}

} // namespace

Result<std::unique_ptr<Map>> map_new(const config::Config &cfg, const source::Source &src)
{
	auto req = validate(cfg, src);
	if (!req)
		return std::move(req).error();
	async::MoverOwner mover;
	if (cfg.vdm == nullptr) {
		auto pre = preallocate_mover();
		if (!pre)
			return std::move(pre).error();
		mover = std::move(pre).value();
	}
	auto m = cfg.reservation != nullptr ? map_into_reservation(cfg, src, req.value())
					    : map_standalone(cfg, src, req.value());
	if (m)
		attach_mover(*m.value(), cfg.vdm, std::move(mover));
	return m;
}

Result<std::unique_ptr<Map>> map_from_existing(const source::Source &src, void *addr, std::size_t len,
					       Granularity g)
{
	if (addr == nullptr)
		return fail(PMEM2_E_ADDRESS_NULL, "address is NULL");
	std::uintptr_t end;
	if (__builtin_add_overflow(reinterpret_cast<std::uintptr_t>(addr), len, &end))
		return fail(PMEM2_E_MAP_RANGE, "range %p+%zu runs past the end of the address space", addr, len);
	if (static_cast<int>(g) < 0 || static_cast<int>(g) > static_cast<int>(Granularity::Page))
		return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED, "granularity value %d is not supported",
			    static_cast<int>(g));
	auto mover = preallocate_mover();
	if (!mover)
		return std::move(mover).error();
	auto m = new_map_object(src);
	m->addr = addr;
	m->content_length = len;
	m->reserved_length = 0; // not ours: never unmapped
	m->granularity = g;
	m->ops = &persist::ops_for(g);
	m->from_existing = true;
	PMEM2_TRY(registry::add(*m, PMEM2_E_MAP_EXISTS));
	attach_mover(*m, nullptr, std::move(mover).value());
	return m;
}

Status map_delete(Map &m)
{
	PMEM2_TRY(registry::remove(m));
	if (m.reservation != nullptr) {
		Status st = m.reservation->remove(m);
		if (!st) {
			(void)registry::add(m, -EEXIST);
			return st;
		}
		return {};
	}
	(void)m.slack_before.reset(); // what cannot go back now stays for the next try
	(void)m.slack_after.reset();
	if (int err = address_space::release(m.addr, m.reserved_length); err != 0) {
		(void)registry::add(m, -EEXIST);
		return fail_errno(err, 0, "munmap(%p, %zu)", m.addr, m.reserved_length);
	}
	return {};
}

} // namespace pmem2::map
