// SPDX-License-Identifier: BSD-3-Clause
// extents.cpp -- FIEMAP and device-to-file offset translation.
#include "pmem2/badblock/extents.hpp"

#include <cerrno>
#include <cstdlib>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <memory>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "common/posix.hpp"

namespace pmem2::badblock {

using common::fail_errno;
using common::Result;

namespace {

struct FreeDeleter {
	void operator()(void *p) const noexcept { std::free(p); }
};

// One FIEMAP call for `count` extents (0: only count them).
Result<std::unique_ptr<fiemap, FreeDeleter>> fiemap_call(int fd, std::uint64_t length, unsigned count)
{
	const std::size_t bytes = sizeof(fiemap) + count * sizeof(fiemap_extent);
	std::unique_ptr<fiemap, FreeDeleter> fm(static_cast<fiemap *>(std::calloc(1, bytes)));
	if (!fm)
		return common::fail(-ENOMEM, "out of memory for %u file extents", count);
	fm->fm_start = 0;
	fm->fm_length = length;
	fm->fm_flags = 0;
	fm->fm_extent_count = count;
	if (::ioctl(fd, FS_IOC_FIEMAP, fm.get()) != 0)
		return fail_errno(errno, 0, "FIEMAP of fd %d", fd);
	return fm;
}

} // namespace

Result<FileLayout> read_layout(int fd)
{
	struct stat st;
	if (::fstat(fd, &st) != 0)
		return fail_errno(errno, 0, "fstat of fd %d", fd);
	FileLayout layout;
	layout.block_size = st.st_blksize > 0 ? static_cast<std::uint64_t>(st.st_blksize) : common::page_size();
	if (st.st_size <= 0)
		return layout;
	const auto length = static_cast<std::uint64_t>(st.st_size);
	// Count, then fetch; a file that grew in between only loses its new tail extents.
	auto counted = fiemap_call(fd, length, 0);
	if (!counted)
		return std::move(counted).error();
	const unsigned count = counted.value()->fm_mapped_extents;
	if (count == 0)
		return layout;
	auto fetched = fiemap_call(fd, length, count);
	if (!fetched)
		return std::move(fetched).error();
	const fiemap &fm = *fetched.value();
	layout.extents.reserve(fm.fm_mapped_extents);
	for (unsigned i = 0; i < fm.fm_mapped_extents; ++i)
		layout.extents.push_back({fm.fm_extents[i].fe_logical, fm.fm_extents[i].fe_physical,
					  fm.fm_extents[i].fe_length});
	return layout;
}

std::vector<Range> to_file_ranges(const FileLayout &layout, const Range &bad)
{
	std::vector<Range> out;
	const std::uint64_t bad_end = bad.offset + bad.length;
	const std::uint64_t bs = layout.block_size != 0 ? layout.block_size : 1;
	for (const Extent &e : layout.extents) {
		const std::uint64_t beg = std::max(bad.offset, e.physical);
		const std::uint64_t end = std::min(bad_end, e.physical + e.length);
		if (beg >= end)
			continue;
		const std::uint64_t file_beg = beg - e.physical + e.logical;
		const std::uint64_t file_end = end - e.physical + e.logical;
		const std::uint64_t a_beg = file_beg / bs * bs;
		const std::uint64_t a_end = (file_end + bs - 1) / bs * bs;
		out.push_back({a_beg, a_end - a_beg});
	}
	return out;
}

} // namespace pmem2::badblock
