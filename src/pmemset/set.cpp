// SPDX-License-Identifier: BSD-3-Clause
// set.cpp -- part map placement, lookup, removal, persistence and events.
#include "pmemset/set.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>

#include "common/posix.hpp"

namespace libpmemset {

using common::Error;
using common::fail;
using common::Result;
using common::Status;

namespace {

std::uintptr_t addr_of(const void *p) noexcept { return reinterpret_cast<std::uintptr_t>(p); }
void *ptr_of(std::uintptr_t a) noexcept { return reinterpret_cast<void *>(a); }

// End of [p, p+len) clamped to the address space (no wrap-around).
std::uintptr_t range_end(std::uintptr_t p, std::size_t len) noexcept
{
	return len > std::numeric_limits<std::uintptr_t>::max() - p
		? std::numeric_limits<std::uintptr_t>::max()
		: p + len;
}

// Maps the part described by cfg/src at byte `offset` of rsv; the libpmem2 code
// on failure (MAPPING_EXISTS when the range is occupied).
Result<UniquePmem2Map> map_into(pmem2_config *cfg, const Reservation &rsv, std::size_t offset,
	pmem2_source *src)
{
	int ret = pmem2_config_set_vm_reservation(cfg, rsv.get(), offset);
	if (ret != 0)
		return pmem2_failure(0, ret, "cannot place the part in the reservation");
	pmem2_map *map = nullptr;
	ret = pmem2_map_new(&map, cfg, src);
	if (ret != 0)
		return pmem2_failure(0, ret, "cannot create pmem2 mapping");
	return UniquePmem2Map(map);
}

Piece piece_of(UniquePmem2Map map) noexcept
{
	auto addr = addr_of(pmem2_map_get_address(map.get()));
	std::size_t size = pmem2_map_get_size(map.get());
	return Piece{std::move(map), addr, size};
}

} // namespace

// ---- unmapping ----

Status Set::unmap(std::vector<Piece> &pieces, const std::shared_ptr<Reservation> &rsv) noexcept
{
	Status result;
	for (Piece &p : pieces) {
		pmem2_map *m = p.map.get();
		int ret = pmem2_map_delete(&m);
		if (ret == 0) {
			(void)p.map.release(); // deleted
			continue;
		}
		if (result)
			result = pmem2_failure(0, ret, "cannot delete pmem2 mapping");
		// Still mapped: kept, with its reservation, and tried again later.
		try {
			orphans_.push_back(Orphan{std::move(p), rsv});
		} catch (const std::bad_alloc &) {
			(void)p.map.release(); // nowhere to keep it: the mapping stays
		}
	}
	pieces.clear();
	return result;
}

void Set::retry_orphans() noexcept
{
	for (auto it = orphans_.begin(); it != orphans_.end();) {
		pmem2_map *m = it->piece.map.get();
		if (pmem2_map_delete(&m) == 0) {
			(void)it->piece.map.release();
			it = orphans_.erase(it); // the reservation goes with its last holder
		} else {
			++it;
		}
	}
}

// ---- parts and part maps ----

Result<std::unique_ptr<Part>> Part::create(Set *set, Source *source, std::size_t offset,
	std::size_t length)
{
	PMEM2_TRY(source->recheck());
	return std::make_unique<Part>(set, source, offset, length);
}

pmemset_part_descriptor PartMap::descriptor() const noexcept
{
	return {ptr_of(addr_.load(std::memory_order_relaxed)), size_.load(std::memory_order_relaxed)};
}

void PartMap::release() noexcept
{
	long cur = refs_.load(std::memory_order_relaxed);
	while (cur > 0 && !refs_.compare_exchange_weak(cur, cur - 1, std::memory_order_release,
				  std::memory_order_relaxed)) {
	}
}

void PartMap::update_extent() noexcept
{
	if (pieces_.empty()) {
		size_.store(0, std::memory_order_relaxed);
		return;
	}
	addr_.store(pieces_.front().addr, std::memory_order_relaxed);
	size_.store(pieces_.back().end() - pieces_.front().addr, std::memory_order_relaxed);
}

// ---- the set ----

Set::Set(const Config &cfg)
	: required_granularity_(*cfg.granularity),
	  config_rsv_(cfg.reservation ? std::make_shared<Reservation>(cfg.reservation, false) : nullptr),
	  callback_(cfg.callback), callback_arg_(cfg.callback_arg)
{
}

Result<std::unique_ptr<Set>> Set::create(const Config &cfg)
{
	if (!cfg.granularity)
		return fail(PMEMSET_E_GRANULARITY_NOT_SET,
			"the config has no required store granularity");
	return std::unique_ptr<Set>(new Set(cfg));
}

void Set::close() noexcept
{
	closed_.store(true, std::memory_order_release);
	std::unique_lock<std::shared_mutex> guard(lock_);
	retry_orphans();
	for (auto &entry : maps_)
		(void)unmap(entry.second->pieces_, entry.second->rsv_);
	maps_.clear(); // drops the reservations the set made (now empty)
	members_.clear();
	previous_ = nullptr;
	retry_orphans();
	retry_deferred_deletions();
}

Set::~Set() { close(); }

void Set::emit(pmemset_event_context &ctx)
{
	if (callback_ != nullptr) // the return value is not used by any event
		(void)callback_(reinterpret_cast<pmemset *>(this), &ctx, callback_arg_);
}

void Set::emit_drain()
{
	pmemset_event_context ctx{};
	ctx.type = PMEMSET_EVENT_DRAIN;
	emit(ctx);
}

void Set::Placement::undo() noexcept
{
	map.reset();
	if (extended != 0)
		rsv->shrink_tail(extended);
	extended = 0;
}

Result<Set::Placement> Set::place_after(PartMap &prev, std::size_t size, pmem2_config *cfg,
	pmem2_source *src)
{
	Placement p;
	p.rsv = prev.rsv_;
	p.into = &prev;
	std::size_t offset = prev.end() - p.rsv->begin();
	if (size > std::numeric_limits<std::size_t>::max() - offset)
		return fail(PMEMSET_E_CANNOT_COALESCE_PARTS, "a part of %zu bytes cannot follow %p", size,
			ptr_of(prev.end()));
	std::size_t needed = offset + size;
	std::size_t have = p.rsv->size();
	if (needed > have) {
		if (!p.rsv->owned())
			return fail(PMEMSET_E_CANNOT_COALESCE_PARTS,
				"the set's reservation has no room for %zu bytes after %p", size,
				ptr_of(prev.end()));
		Status grown = p.rsv->extend(needed - have);
		if (!grown)
			return fail(PMEMSET_E_CANNOT_COALESCE_PARTS, "%s", grown.error().message.c_str());
		p.extended = needed - have;
	}
	auto map = map_into(cfg, *p.rsv, offset, src);
	if (!map) {
		p.undo();
		if (map.error().code == PMEM2_E_MAPPING_EXISTS)
			return fail(PMEMSET_E_CANNOT_COALESCE_PARTS, "the range after %p is occupied: %s",
				ptr_of(prev.end()), map.error().message.c_str());
		return fail(PMEMSET_E_INVALID_PMEM2_MAP, "%s", map.error().message.c_str());
	}
	p.map = std::move(map).value();
	return p;
}

Result<Set::Placement> Set::place_new(std::size_t size, std::size_t align, pmem2_config *cfg,
	pmem2_source *src)
{
	Placement p;
	std::size_t offset = 0;
	if (config_rsv_) {
		// First fit, from the start of the reservation, among the mappings it
		// really holds (those of part maps being removed by other threads too).
		p.rsv = config_rsv_;
		pmem2_vm_reservation *rsv = config_rsv_->get();
		std::uintptr_t base = config_rsv_->begin();
		std::size_t total = config_rsv_->size();
		for (;;) {
			if (offset > total || total - offset < size)
				return fail(PMEMSET_E_CANNOT_FIT_PART_MAP,
					"no free range of %zu bytes in the set's reservation [%p, +%zu)", size,
					ptr_of(base), total);
			pmem2_map *occupant = nullptr;
			int ret = pmem2_vm_reservation_map_find(rsv, offset, size, &occupant);
			if (ret == PMEM2_E_MAPPING_NOT_FOUND)
				break;
			if (ret != 0)
				return pmem2_failure(PMEMSET_E_INVALID_PMEM2_MAP, ret,
					"cannot search the set's reservation");
			std::uintptr_t occ_end =
				addr_of(pmem2_map_get_address(occupant)) + pmem2_map_get_size(occupant);
			offset = common::align_up(occ_end - base, align);
		}
	} else {
		auto rsv = Reservation::create(size);
		if (!rsv)
			return std::move(rsv).error();
		p.rsv = std::move(rsv).value();
	}
	auto map = map_into(cfg, *p.rsv, offset, src);
	if (!map)
		return fail(PMEMSET_E_INVALID_PMEM2_MAP, "%s", map.error().message.c_str());
	p.map = std::move(map).value();
	return p;
}

void Set::insert(std::unique_ptr<PartMap> pmap)
{
	members_.insert(pmap.get());
	std::uintptr_t key = pmap->begin();
	maps_.emplace(key, std::move(pmap));
}

Status Set::map_part(const Part &part, pmemset_part_descriptor *desc)
{
	if (closed_.load(std::memory_order_acquire))
		return fail(-EINVAL, "the set of this part was deleted (pmemset_delete)");
	Source &source = *part.source;
	pmem2_source *src = source.pmem2();
	auto total = source.size();
	if (!total)
		return std::move(total).error();
	// Reference behaviour: length 0 is the whole source size (not size - offset).
	std::size_t size = part.length != 0 ? part.length : total.value();
	std::size_t offset = part.offset;
	// The reference's order: a growable source is grown to offset + length first,
	// then the offset, length and placement are checked.
	if (source.grows()) {
		if (size > std::numeric_limits<std::size_t>::max() - offset)
			return fail(PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE,
				"part offset %zu + length %zu overflows", offset, size);
		PMEM2_TRY(source.ensure_size(offset + size));
	}
	if (offset > static_cast<std::size_t>(INT64_MAX))
		return fail(PMEMSET_E_INVALID_OFFSET_VALUE, "part offset %zu is larger than INT64_MAX",
			offset);
	if (size == 0)
		return fail(PMEMSET_E_INVALID_PMEM2_MAP, "the part is empty (the source has 0 bytes)");
	std::size_t align = 0;
	if (int ret = pmem2_source_alignment(src, &align); ret != 0)
		return pmem2_failure(0, ret, "cannot read the alignment of the source");
	if (size % align != 0)
		return fail(PMEMSET_E_LENGTH_UNALIGNED,
			"part length %zu is not a multiple of the source alignment %zu", size, align);

	pmem2_config *raw_cfg = nullptr;
	if (int ret = pmem2_config_new(&raw_cfg); ret != 0)
		return pmem2_failure(0, ret, "cannot create a pmem2 config");
	UniquePmem2Config cfg(raw_cfg);
	if (int ret = pmem2_config_set_offset(raw_cfg, offset); ret != 0)
		return pmem2_failure(PMEMSET_E_INVALID_OFFSET_VALUE, ret, "invalid part offset");
	if (int ret = pmem2_config_set_length(raw_cfg, size); ret != 0)
		return pmem2_failure(PMEMSET_E_INVALID_PMEM2_MAP, ret, "invalid part length");
	if (int ret = pmem2_config_set_required_store_granularity(raw_cfg, required_granularity_);
		ret != 0)
		return pmem2_failure(PMEMSET_E_GRANULARITY_NOT_SUPPORTED, ret, "invalid granularity");

	pmemset_event_context added{};
	{
		std::unique_lock<std::shared_mutex> guard(lock_);
		Placement placed;
		bool have_place = false;
		int mode = coalescing_.load(std::memory_order_relaxed);
		if (mode != PMEMSET_COALESCING_NONE && previous_ != nullptr) {
			auto after = place_after(*previous_, size, raw_cfg, src);
			if (after) {
				placed = std::move(after).value();
				have_place = true;
			} else if (after.error().code != PMEMSET_E_CANNOT_COALESCE_PARTS ||
				mode == PMEMSET_COALESCING_FULL) {
				return std::move(after).error();
			}
		}
		if (!have_place) {
			auto fresh = place_new(size, align, raw_cfg, src);
			if (!fresh)
				return std::move(fresh).error();
			placed = std::move(fresh).value();
		}

		auto gran = static_cast<int>(pmem2_map_get_store_granularity(placed.map.get()));
		int set_gran = granularity_.load(std::memory_order_relaxed);
		if (set_gran >= 0 && set_gran != gran) {
			placed.undo();
			return fail(PMEMSET_E_GRANULARITY_MISMATCH,
				"the part's effective granularity %d differs from the set's %d", gran,
				set_gran);
		}

		if (ops() == nullptr) {
			pmem2_map *m = placed.map.get();
			ops_storage_ = Ops{pmem2_get_persist_fn(m), pmem2_get_flush_fn(m),
				pmem2_get_drain_fn(m), pmem2_get_memmove_fn(m), pmem2_get_memcpy_fn(m),
				pmem2_get_memset_fn(m)};
			ops_.store(&ops_storage_, std::memory_order_release);
		}

		PartMap *target = placed.into;
		Piece piece = piece_of(std::move(placed.map));
		if (target != nullptr) {
			target->pieces_.push_back(std::move(piece)); // may throw before any change
			target->update_extent();
		} else {
			auto pmap = std::make_unique<PartMap>(placed.rsv);
			pmap->pieces_.push_back(std::move(piece));
			pmap->update_extent();
			target = pmap.get();
			insert(std::move(pmap));
			previous_ = target;
		}
		granularity_.store(gran, std::memory_order_relaxed);

		added.type = PMEMSET_EVENT_PART_ADD;
		added.data.part_add.addr = ptr_of(target->begin());
		added.data.part_add.len = target->end() - target->begin();
		added.data.part_add.src = src;
		if (desc != nullptr)
			*desc = target->descriptor();
	}
	emit(added);
	return {};
}

// ---- lookup and iteration ----

Result<PartMap *> Set::part_map_by_address(const void *addr)
{
	std::shared_lock<std::shared_mutex> guard(lock_);
	auto it = maps_.upper_bound(addr_of(addr));
	if (it != maps_.begin()) {
		--it;
		PartMap *pmap = it->second.get();
		if (addr_of(addr) < pmap->end()) {
			pmap->acquire();
			return pmap;
		}
	}
	return fail(PMEMSET_E_CANNOT_FIND_PART_MAP, "no part map contains address %p", addr);
}

PartMap *Set::first_part_map()
{
	std::shared_lock<std::shared_mutex> guard(lock_);
	if (maps_.empty())
		return nullptr;
	PartMap *pmap = maps_.begin()->second.get();
	pmap->acquire();
	return pmap;
}

PartMap *Set::next_part_map(const PartMap *cur)
{
	std::shared_lock<std::shared_mutex> guard(lock_);
	if (members_.count(cur) == 0)
		return nullptr;
	auto it = maps_.upper_bound(cur->begin());
	if (it == maps_.end())
		return nullptr;
	it->second->acquire();
	return it->second.get();
}

// ---- removal ----

std::unique_ptr<PartMap> Set::detach(PartMap *pmap)
{
	auto it = maps_.find(pmap->begin());
	if (previous_ == pmap) { // the neighbour by address: lower, else higher, else none
		if (it != maps_.begin())
			previous_ = std::prev(it)->second.get();
		else if (std::next(it) != maps_.end())
			previous_ = std::next(it)->second.get();
		else
			previous_ = nullptr;
	}
	std::unique_ptr<PartMap> owned = std::move(it->second);
	maps_.erase(it);
	members_.erase(pmap);
	return owned;
}

Status Set::retire(Retired maps)
{
	// The part maps are out of every lookup, still mapped: the callback may read
	// them, and may call into the set (no lock is held).
	for (auto &pmap : maps) {
		pmemset_event_context ctx{};
		ctx.type = PMEMSET_EVENT_PART_REMOVE;
		ctx.data.part_remove.addr = ptr_of(pmap->begin());
		ctx.data.part_remove.len = pmap->end() - pmap->begin();
		emit(ctx);
	}
	Status result;
	std::unique_lock<std::shared_mutex> guard(lock_);
	retry_orphans();
	for (auto &pmap : maps) {
		Status st = unmap(pmap->pieces_, pmap->rsv_);
		if (!st && result)
			result = std::move(st);
		std::shared_ptr<Reservation> rsv = std::move(pmap->rsv_);
		pmap.reset();
		if (rsv.use_count() > 1) // shared with other part maps (a split)
			rsv->shrink_to_mappings();
	} // an owned reservation left without holders is deleted here
	return result;
}

Status Set::remove_part_map(PartMap *pmap)
{
	Retired retired;
	{
		std::unique_lock<std::shared_mutex> guard(lock_);
		if (members_.count(pmap) == 0)
			return fail(PMEMSET_E_PART_NOT_FOUND, "part map %p is not in the set",
				static_cast<void *>(pmap));
		long refs = pmap->references();
		if (refs > 1) // the caller's own reference is allowed
			return fail(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
				"part map at %p is still referenced %ld times", ptr_of(pmap->begin()), refs);
		retired.push_back(detach(pmap));
	}
	return retire(std::move(retired));
}

Status Set::remove_range(void *addr, std::size_t len)
{
	pmemset_event_context ctx{};
	ctx.type = PMEMSET_EVENT_REMOVE_RANGE;
	ctx.data.remove_range.addr = addr;
	ctx.data.remove_range.len = len;
	emit(ctx);

	std::uintptr_t lo = addr_of(addr);
	std::uintptr_t hi = range_end(lo, len);
	Retired retired;
	Status result;
	{
		std::unique_lock<std::shared_mutex> guard(lock_);
		std::vector<PartMap *> hit;
		auto it = maps_.upper_bound(lo);
		if (it != maps_.begin() && std::prev(it)->second->end() > lo)
			--it;
		for (; it != maps_.end() && it->first < hi; ++it)
			hit.push_back(it->second.get());
		for (PartMap *pmap : hit)
			if (long refs = pmap->references(); refs > 0)
				return fail(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
					"part map at %p is still referenced %ld times",
					ptr_of(pmap->begin()), refs);

		retry_orphans();
		std::vector<std::pair<std::vector<Piece>, std::shared_ptr<Reservation>>> cut;
		std::vector<std::shared_ptr<Reservation>> touched;
		for (PartMap *pmap : hit) {
			auto &pieces = pmap->pieces_;
			auto first = std::find_if(pieces.begin(), pieces.end(),
				[&](const Piece &p) { return p.end() > lo; });
			auto last = std::find_if(first, pieces.end(),
				[&](const Piece &p) { return p.addr >= hi; });
			if (first == pieces.begin() && last == pieces.end()) {
				retired.push_back(detach(pmap));
				continue;
			}
			// Pieces are never split: every one the range touches goes whole.
			std::vector<Piece> back(std::make_move_iterator(last),
				std::make_move_iterator(pieces.end()));
			cut.emplace_back(std::vector<Piece>(std::make_move_iterator(first), std::make_move_iterator(last)),
				pmap->rsv_);
			pieces.erase(first, pieces.end());
			touched.push_back(pmap->rsv_);
			if (pieces.empty()) { // trimmed at the front: re-key
				auto node = maps_.extract(pmap->begin());
				pieces = std::move(back);
				pmap->update_extent();
				node.key() = pmap->begin();
				maps_.insert(std::move(node));
			} else if (back.empty()) { // trimmed at the back
				pmap->update_extent();
			} else { // split: the upper half becomes a part map of its own
				pmap->update_extent();
				auto upper = std::make_unique<PartMap>(pmap->rsv_);
				upper->pieces_ = std::move(back);
				upper->update_extent();
				if (previous_ == pmap)
					previous_ = upper.get(); // coalescing continues after the end
				insert(std::move(upper));
			}
		}
		for (auto &[pieces, rsv] : cut) {
			Status st = unmap(pieces, rsv);
			if (!st && result)
				result = std::move(st);
		}
		for (auto &rsv : touched)
			rsv->shrink_to_mappings();
	}
	Status st = retire(std::move(retired));
	return result ? st : result;
}

// ---- settings ----

Status Set::set_coalescing(int value)
{
	switch (value) {
	case PMEMSET_COALESCING_NONE:
	case PMEMSET_COALESCING_OPPORTUNISTIC:
	case PMEMSET_COALESCING_FULL:
		coalescing_.store(value, std::memory_order_relaxed);
		return {};
	}
	return fail(PMEMSET_E_INVALID_COALESCING_VALUE, "invalid coalescing value %d", value);
}

Result<pmem2_granularity> Set::store_granularity() const
{
	int g = granularity_.load(std::memory_order_relaxed);
	if (g < 0)
		return fail(PMEMSET_E_NO_PART_MAPPED, "no part has been mapped to the set yet");
	return static_cast<pmem2_granularity>(g);
}

// ---- persistence ----

Result<const Set::Ops *> Set::require_ops() const
{
	const Ops *o = ops();
	if (o == nullptr)
		return fail(PMEMSET_E_NO_PART_MAPPED,
			"no part has been mapped to the set yet: it has no persistence functions");
	return o;
}

void Set::emit_flush(void *ptr, std::size_t size)
{
	pmemset_event_context ctx{};
	ctx.type = PMEMSET_EVENT_FLUSH;
	ctx.data.flush.addr = ptr;
	ctx.data.flush.len = size;
	emit(ctx);
}

Status Set::flush(void *ptr, std::size_t size)
{
	auto o = require_ops();
	if (!o)
		return std::move(o).error();
	emit_flush(ptr, size);
	o.value()->flush(ptr, size);
	return {};
}

Status Set::persist(void *ptr, std::size_t size)
{
	auto o = require_ops();
	if (!o)
		return std::move(o).error();
	emit_flush(ptr, size);
	o.value()->persist(ptr, size);
	emit_drain();
	return {};
}

Status Set::drain()
{
	auto o = require_ops();
	if (!o)
		return std::move(o).error();
	o.value()->drain();
	emit_drain();
	return {};
}

template <class Op> Result<void *> Set::mem_op(pmemset_event_context &event, unsigned flags, Op &&op)
{
	auto o = require_ops();
	if (!o)
		return std::move(o).error();
	emit(event);
	void *ret = op(*o.value());
	if (!(flags & PMEMSET_F_MEM_NODRAIN))
		emit_drain();
	return ret;
}

Result<void *> Set::memcpy(void *dest, void *src, std::size_t len, unsigned flags)
{
	pmemset_event_context ctx{};
	ctx.type = PMEMSET_EVENT_COPY;
	ctx.data.copy = {src, dest, len, flags};
	return mem_op(ctx, flags, [&](const Ops &ops) { return ops.memcpy(dest, src, len, flags); });
}

Result<void *> Set::memmove(void *dest, void *src, std::size_t len, unsigned flags)
{
	pmemset_event_context ctx{};
	ctx.type = PMEMSET_EVENT_MOVE;
	ctx.data.move = {src, dest, len, flags};
	return mem_op(ctx, flags, [&](const Ops &ops) { return ops.memmove(dest, src, len, flags); });
}

Result<void *> Set::memset(void *dest, int c, std::size_t len, unsigned flags)
{
	pmemset_event_context ctx{};
	ctx.type = PMEMSET_EVENT_SET;
	ctx.data.set = {dest, c, len, flags};
	return mem_op(ctx, flags, [&](const Ops &ops) { return ops.memset(dest, c, len, flags); });
}

Status Set::deep_flush(void *ptr, std::size_t size)
{
	// No references are taken: the shared lock keeps the pieces alive.
	std::uintptr_t lo = addr_of(ptr);
	std::uintptr_t hi = range_end(lo, size);
	std::shared_lock<std::shared_mutex> guard(lock_);
	auto it = maps_.upper_bound(lo);
	if (it != maps_.begin() && std::prev(it)->second->end() > lo)
		--it;
	for (; it != maps_.end() && it->first < hi; ++it) {
		for (const Piece &p : it->second->pieces_) {
			std::uintptr_t a = std::max(lo, p.addr);
			std::uintptr_t b = std::min(hi, p.end());
			if (a >= b)
				continue;
			int ret = pmem2_deep_flush(p.map.get(), ptr_of(a), b - a);
			if (ret != 0)
				return pmem2_failure(PMEMSET_E_DEEP_FLUSH_FAIL, ret,
					"cannot deep flush the part map");
		}
	}
	return {};
}

} // namespace libpmemset
