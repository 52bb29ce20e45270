// SPDX-License-Identifier: BSD-3-Clause
// extents.hpp -- where a file's blocks lie on its block device (FIEMAP), and the
// translation of device-relative bad ranges into file offsets.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.hpp"

namespace pmem2::badblock {

// One extent: file bytes [logical, logical+length) live at device bytes [physical, ...).
struct Extent {
	std::uint64_t logical = 0;
	std::uint64_t physical = 0;
	std::uint64_t length = 0;
};

// A range of bytes (device-relative or file-relative, as stated where used).
struct Range {
	std::uint64_t offset = 0;
	std::uint64_t length = 0;
	bool operator==(const Range &o) const noexcept { return offset == o.offset && length == o.length; }
};

struct FileLayout {
	std::vector<Extent> extents; // as FIEMAP returned them (ascending logical offset)
	std::uint64_t block_size = 0; // st_blksize
};

// FS_IOC_FIEMAP over the whole file (0..st_size) plus st_blksize. A file system
// without FIEMAP gives -EOPNOTSUPP; other failures -errno; all with a message.
common::Result<FileLayout> read_layout(int fd);

// The file ranges a device-relative bad range covers: one per extent it intersects,
// in extent order, each widened to whole blocks (offset aligned down, end aligned up
// to block_size). Ranges outside every extent give nothing.
std::vector<Range> to_file_ranges(const FileLayout &layout, const Range &bad);

} // namespace pmem2::badblock
