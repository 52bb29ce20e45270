// SPDX-License-Identifier: BSD-3-Clause
// nd_topology.hpp -- finding the NVDIMM region and namespace behind a source through
// libndctl/libdaxctl (ndctl backend only). Shared by bad blocks, USC, device id and NUMA.
#pragma once

#include <cstdint>
#include <memory>

#include <ndctl/libndctl.h>

#include "common/result.hpp"
#include "pmem2/source/source.hpp"

namespace pmem2::ras::nd {

struct CtxRelease {
	void operator()(ndctl_ctx *ctx) const noexcept { ndctl_unref(ctx); }
};
// An ndctl context whose log output is silenced (the library never writes to stderr).
using Ctx = std::unique_ptr<ndctl_ctx, CtxRelease>;

// ndctl_new() failure: -errno with a message.
common::Result<Ctx> open_ctx();

// The region and namespace owning a source; both NULL when none does (a file on a
// non-pmem file system, a partition or dm device over pmem, a dax device of another
// provider). Pointers live as long as the context.
struct Match {
	ndctl_region *region = nullptr;
	ndctl_namespace *ns = nullptr;
	explicit operator bool() const noexcept { return region != nullptr; }
};

// Walks every bus, region and namespace: device DAX sources are matched by the
// st_rdev of /dev/<daxctl device>, regular files by comparing st_dev with
// /sys/block/<btt|pfn|namespace block device>/dev. The first match wins.
// Errors: -errno from stat/open/read (with the path), INVALID_DEV_FORMAT for a
// malformed "dev" attribute. Anonymous or directory sources must not be passed.
common::Result<Match> find(ndctl_ctx *ctx, const source::Source &src);

// Physical placement of a namespace's data: [resource, resource+size) as an absolute
// address, and its offset inside the region. Taken from the pfn, else the dax, else
// the namespace itself. Unreadable: CANNOT_READ_BOUNDS (or -errno for the region).
struct Bounds {
	std::uint64_t resource = 0;
	std::uint64_t size = 0;
	std::uint64_t region_offset = 0; // resource - region resource
};
common::Result<Bounds> bounds(ndctl_region *region, ndctl_namespace *ns);

// Common preamble of the query functions: NOSUPP for anonymous sources,
// INVALID_FILE_TYPE for directories, otherwise success.
common::Status require_fd_source(const source::Source &src, const char *what);

} // namespace pmem2::ras::nd
