// SPDX-License-Identifier: BSD-3-Clause
// deep_flush.cpp -- deep flush per granularity and source kind.
#include "pmem2/persist/deep_flush.hpp"

#include <cerrno>
#include <sys/mman.h>

#include <libpmem2/base.h>

#include "common/posix.hpp"
#include "pmem2/map/map.hpp"
#include "pmem2/persist/devdax_flush.hpp"

namespace pmem2::persist {

using common::fail;
using common::Status;

Status deep_flush(const map::Map &m, void *ptr, std::size_t size)
{
	const auto p = reinterpret_cast<std::uintptr_t>(ptr);
	std::uintptr_t end;
	const bool wraps = __builtin_add_overflow(p, size, &end);
	if (p < m.begin() || wraps || end > m.end()) {
		// The reference's end check wraps, so such a range reaches its later
		// checks: an anonymous map answers NOSUPP there, which is kept. Where it
		// goes on to report a flush of the wrapped range as done, this refuses.
		if (wraps && p >= m.begin() && end <= m.end() && m.granularity != Granularity::Page &&
		    m.source.kind == source::Kind::Anonymous)
			return fail(PMEM2_E_NOSUPP, "deep flush is not supported for anonymous memory");
		return fail(PMEM2_E_DEEP_FLUSH_RANGE, "range %p+%zu is not inside the mapping %p+%zu", ptr, size,
			    m.addr, m.content_length);
	}
	if (m.granularity == Granularity::Page)
		return {};
	if (m.source.kind == source::Kind::Anonymous)
		return fail(PMEM2_E_NOSUPP, "deep flush is not supported for anonymous memory");
	if (m.source.kind == source::Kind::DevDax) {
		m.ops->persist(ptr, size);
		return devdax_region_flush(m.source.st_rdev);
	}
	const std::uintptr_t from = common::align_down(p, common::page_size());
	if (::msync(reinterpret_cast<void *>(from), end - from, MS_SYNC) != 0)
		return common::fail_errno(errno, 0, "msync(%p, %zu)", reinterpret_cast<void *>(from), end - from);
	return {};
}

} // namespace pmem2::persist
