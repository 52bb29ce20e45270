// SPDX-License-Identifier: BSD-3-Clause
// badblock.hpp -- bad blocks (uncorrectable media errors) of a source, reported in the
// source's own offsets, and clearing them. Backends: badblock_ndctl.cpp (libndctl)
// or badblock_none.cpp (NOSUPP).
#pragma once

#include <cstddef>
#include <memory>

#include "common/result.hpp"
#include "pmem2/source/source.hpp"

namespace pmem2::badblock {

// A bad range in bytes, relative to the source (file offset, or device DAX offset).
struct BadBlock {
	std::size_t offset = 0;
	std::size_t length = 0;
};

// Everything read from the platform when the context is made: the list is a snapshot.
// A context is used by one thread at a time.
struct Context;
struct ContextDeleter {
	void operator()(Context *ctx) const noexcept;
};
using ContextPtr = std::unique_ptr<Context, ContextDeleter>;

// Reads the bad blocks of src. Units and translation:
//  - fsdax namespace: the namespace's (block device's) list; other modes: the region's
//    list clipped to the namespace's data bounds, made namespace-relative;
//  - both come in 512-byte sectors, converted to bytes;
//  - regular files: translated to file offsets through FIEMAP, one entry per extent a
//    bad range touches, widened to whole st_blksize blocks.
// No region behind src: an empty context (success). Errors: NOSUPP (anonymous),
// INVALID_FILE_TYPE (directory), CANNOT_READ_BOUNDS, INVALID_DEV_FORMAT, -errno
// (ndctl context, sysfs, FIEMAP), -ENOMEM.
common::Result<ContextPtr> context_new(const source::Source &src);

// The next bad block. Errors: NO_BAD_BLOCK_FOUND at the end of the list.
common::Result<BadBlock> next(Context &ctx);

// Clears bb. Files: offset/length > INT64_MAX give OFFSET_/LENGTH_OUT_OF_RANGE; the
// range is punched out and reallocated (zeroed), -errno from fallocate. Device DAX:
// the ARS clear-error command over the range (root); -errno from libndctl; fewer bytes
// cleared than asked: -ENXIO; a context without a region: DAX_REGION_NOT_FOUND.
common::Status clear(Context &ctx, const BadBlock &bb);

} // namespace pmem2::badblock
