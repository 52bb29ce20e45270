// SPDX-License-Identifier: BSD-3-Clause
// registry.cpp -- the process-wide map registry: non-overlapping ranges in an
// ordered map keyed by start address, under a reader-writer lock.
#include "pmem2/map/registry.hpp"

#include "common/immortal.hpp"

#include <cerrno>
#include <map>
#include <mutex>
#include <shared_mutex>

#include <libpmem2/base.h>

#include "common/posix.hpp"
#include "pmem2/map/map.hpp"

namespace pmem2::map::registry {

namespace {

struct Registry {
	std::shared_mutex lock;
	std::map<std::uintptr_t, Map *> by_begin; // ranges never overlap
};

// Constructed on first use and never destroyed, so maps deleted from other
// libraries' destructors still find it.
Registry &instance()
{
	static common::Immortal<Registry> r;
	return r.get();
}

// The entry whose range intersects [begin, end) with the lowest address, or end().
std::map<std::uintptr_t, Map *>::iterator lowest_intersecting(Registry &r, std::uintptr_t begin,
							       std::uintptr_t end)
{
	auto it = r.by_begin.upper_bound(begin);
	if (it != r.by_begin.begin()) {
		auto prev = std::prev(it);
		if (prev->second->end() > begin)
			return prev;
	}
	if (it != r.by_begin.end() && it->first < end)
		return it;
	return r.by_begin.end();
}

} // namespace

common::Status add(Map &m, int overlap_code)
{
	Registry &r = instance();
	std::unique_lock guard(r.lock);
	// A zero-length range is treated as one byte so that it still has an identity.
	const std::uintptr_t end = m.content_length ? m.end() : m.begin() + 1;
	auto hit = lowest_intersecting(r, m.begin(), end);
	if (hit != r.by_begin.end() || r.by_begin.count(m.begin()) != 0)
		return common::fail(overlap_code, "range %p+%zu overlaps a mapping registered at %p", m.addr,
				    m.content_length, hit != r.by_begin.end() ? hit->second->addr : m.addr);
	r.by_begin.emplace(m.begin(), &m);
	return {};
}

common::Status remove(Map &m)
{
	Registry &r = instance();
	std::unique_lock guard(r.lock);
	auto it = r.by_begin.find(m.begin());
	if (it == r.by_begin.end() || it->second != &m)
		return common::fail(PMEM2_E_MAPPING_NOT_FOUND, "mapping at %p is not registered", m.addr);
	r.by_begin.erase(it);
	return {};
}

bool lowest_overlapping(std::uintptr_t begin, std::uintptr_t end, Span &out)
{
	Registry &r = instance();
	std::shared_lock guard(r.lock);
	auto it = lowest_intersecting(r, begin, end);
	if (it == r.by_begin.end())
		return false;
	const Map &m = *it->second;
	out.begin = m.begin();
	out.end = m.end();
	return true;
}

const persist::GranularityOps *live_ops(const Map *m, std::uintptr_t hint)
{
	Registry &r = instance();
	std::shared_lock guard(r.lock);
	auto it = lowest_intersecting(r, hint, hint + 1);
	if (it != r.by_begin.end() && it->second == m)
		return m->ops;
	for (const auto &entry : r.by_begin)
		if (entry.second == m)
			return m->ops;
	return nullptr;
}

} // namespace pmem2::map::registry
