// SPDX-License-Identifier: BSD-3-Clause
// persist.cpp -- the per-granularity function tables. CACHE_LINE and BYTE come
// from the CPU layer; PAGE is built here on the msync walk over registered maps.
#include <cerrno>
#include <cstdint>
#include <sys/mman.h>

#include <libpmem2/base.h>

#include "common/posix.hpp"
#include "pmem2/arch/data_path.hpp"
#include "pmem2/map/registry.hpp"
#include "pmem2/persist/granularity_ops.hpp"
#include "pmem2/persist/page_sync.hpp"

namespace pmem2::persist {

int page_sync(const void *ptr, std::size_t len) noexcept
{
	const std::size_t page = common::page_size();
	const auto p = reinterpret_cast<std::uintptr_t>(ptr);
	std::uintptr_t end;
	if (__builtin_add_overflow(p, len, &end))
		end = UINTPTR_MAX; // a range running off the address space ends there
	std::uintptr_t begin = common::align_down(p, page);
	int result = 0;
	map::registry::Span span;
	// Each step handles the lowest registered map still overlapping [begin, end) and
	// moves begin to that map's end, which lies past begin: the walk always advances,
	// even over maps that own no range (map_from_existing).
	while (begin < end && map::registry::lowest_overlapping(begin, end, span)) {
		// msync needs a page-aligned start; a wrapped map may start mid-page.
		const std::uintptr_t from = common::align_down(begin > span.begin ? begin : span.begin, page);
		const std::uintptr_t to = end < span.end ? end : span.end;
		if (to > from) {
			int rc;
			do {
				rc = ::msync(reinterpret_cast<void *>(from), to - from, MS_SYNC);
			} while (rc != 0 && errno == EINTR);
			// The reference aborts here; a void persist cannot report, so remember the
			// first failure for callers that can (mem ops keep going, data stays).
			if (rc != 0 && result == 0)
				result = -errno;
		}
		begin = span.end;
	}
	return result;
}

namespace {

constexpr unsigned kNoFlush = PMEM2_F_MEM_NOFLUSH;

void page_persist(const void *ptr, std::size_t len) { (void)page_sync(ptr, len); }
void page_drain() {}

void *page_memmove(void *dest, const void *src, std::size_t len, unsigned flags)
{
	// msync alone makes PAGE data durable: it writes the page cache back, and on a
	// DAX mapping the kernel flushes the CPU caches itself. So the copy needs no
	// flush of its own (the reference flushed every line first, then msync'ed).
	arch::data_path().cache_line.memmove(dest, src, len, flags | kNoFlush);
	if (!(flags & kNoFlush))
		(void)page_sync(dest, len);
	return dest;
}

void *page_memset(void *dest, int c, std::size_t len, unsigned flags)
{
	arch::data_path().cache_line.memset(dest, c, len, flags | kNoFlush);
	if (!(flags & kNoFlush))
		(void)page_sync(dest, len);
	return dest;
}

constexpr GranularityOps kPageOps = {page_persist, page_persist, page_drain, page_memmove, page_memset};

} // namespace

const GranularityOps &ops_for(Granularity g) noexcept
{
	switch (g) {
	case Granularity::Byte:
		return arch::data_path().byte;
	case Granularity::CacheLine:
		return arch::data_path().cache_line;
	case Granularity::Page:
		break;
	}
	return kPageOps;
}

} // namespace pmem2::persist
