// SPDX-License-Identifier: BSD-3-Clause
// badblock_ndctl.cpp -- bad blocks through libndctl: namespace or region lists,
// FIEMAP translation for files, hole punching and ARS clear-error for clearing.
#include "pmem2/badblock/badblock.hpp"

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <vector>

#include <libpmem2/base.h>

#include "pmem2/badblock/extents.hpp"
#include "pmem2/ras/nd_topology.hpp"

namespace pmem2::badblock {

using common::fail;
using common::fail_errno;
using common::Result;
using common::Status;
namespace nd = ras::nd;

// libndctl bad-block records count 512-byte sectors, whatever the device's block size.
inline constexpr std::uint64_t kSector = 512;

struct Context {
	source::Source src;               // the caller's fd is used by clear(); not owned
	nd::Ctx ndctx;                    // keeps region/bus alive for clear()
	ndctl_region *region = nullptr;   // nullptr: no NVDIMM behind the source
	std::uint64_t data_resource = 0;  // absolute address of offset 0 of a device DAX
	std::vector<BadBlock> blocks;
	std::size_t pos = 0;
};

void ContextDeleter::operator()(Context *ctx) const noexcept { delete ctx; }

namespace {

struct CmdRelease {
	void operator()(ndctl_cmd *cmd) const noexcept { ndctl_cmd_unref(cmd); }
};
using Cmd = std::unique_ptr<ndctl_cmd, CmdRelease>;

Range sectors_to_bytes(const ::badblock &bb)
{
	return {bb.offset * kSector, static_cast<std::uint64_t>(bb.len) * kSector};
}

// fsdax: the namespace's own list, already relative to its block device.
std::vector<Range> namespace_list(ndctl_namespace *ns)
{
	std::vector<Range> out;
	for (::badblock *bb = ndctl_namespace_get_first_badblock(ns); bb != nullptr;
	     bb = ndctl_namespace_get_next_badblock(ns))
		out.push_back(sectors_to_bytes(*bb));
	return out;
}

// Other modes: the region's list, clipped to the namespace data and made relative to it.
std::vector<Range> region_list(ndctl_region *region, const nd::Bounds &b)
{
	std::vector<Range> out;
	const std::uint64_t ns_beg = b.region_offset;
	const std::uint64_t ns_end = ns_beg + b.size;
	for (::badblock *bb = ndctl_region_get_first_badblock(region); bb != nullptr;
	     bb = ndctl_region_get_next_badblock(region)) {
		const Range r = sectors_to_bytes(*bb);
		const std::uint64_t beg = std::max(r.offset, ns_beg);
		const std::uint64_t end = std::min(r.offset + r.length, ns_end);
		if (beg < end)
			out.push_back({beg - ns_beg, end - beg});
	}
	return out;
}

Status fill(Context &c, ndctl_namespace *ns)
{
	std::vector<Range> device;
	if (ndctl_namespace_get_mode(ns) == NDCTL_NS_MODE_FSDAX) {
		device = namespace_list(ns);
	} else {
		auto b = nd::bounds(c.region, ns);
		if (!b)
			return std::move(b).error();
		c.data_resource = b.value().resource;
		device = region_list(c.region, b.value());
	}
	if (c.src.kind == source::Kind::DevDax) {
		for (const Range &r : device)
			c.blocks.push_back({r.offset, r.length});
		return {};
	}
	if (device.empty())
		return {}; // no FIEMAP needed (and none attempted) for a healthy namespace
	auto layout = read_layout(c.src.fd);
	if (!layout)
		return std::move(layout).error();
	for (const Range &r : device)
		for (const Range &f : to_file_ranges(layout.value(), r))
			c.blocks.push_back({f.offset, f.length});
	return {};
}

Status clear_file(const Context &c, const BadBlock &bb)
{
	if (bb.offset > static_cast<std::size_t>(INT64_MAX))
		return fail(PMEM2_E_OFFSET_OUT_OF_RANGE, "bad block offset %zu is greater than INT64_MAX", bb.offset);
	if (bb.length > static_cast<std::size_t>(INT64_MAX))
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE, "bad block length %zu is greater than INT64_MAX", bb.length);
	const auto off = static_cast<off_t>(bb.offset);
	const auto len = static_cast<off_t>(bb.length);
	// Dropping the blocks discards the poisoned media; allocating again gives zeroed,
	// healthy blocks at the same file offsets.
	if (::fallocate(c.src.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) != 0)
		return fail_errno(errno, 0, "cannot punch out bad range %zu+%zu", bb.offset, bb.length);
	if (::fallocate(c.src.fd, FALLOC_FL_KEEP_SIZE, off, len) != 0)
		return fail_errno(errno, 0, "cannot reallocate bad range %zu+%zu", bb.offset, bb.length);
	return {};
}

Status clear_devdax(const Context &c, const BadBlock &bb)
{
	if (c.region == nullptr)
		return fail(PMEM2_E_DAX_REGION_NOT_FOUND, "cannot clear a bad block: no NVDIMM region backs the source");
	ndctl_bus *bus = ndctl_region_get_bus(c.region);
	const std::uint64_t addr = c.data_resource + bb.offset;
	errno = 0;
	Cmd cap(ndctl_bus_cmd_new_ars_cap(bus, addr, bb.length));
	if (!cap)
		return fail_errno(errno != 0 ? errno : ENOTTY, 0,
				  "the bus does not offer address range scrub (ARS) for 0x%llx+%zu",
				  static_cast<unsigned long long>(addr), bb.length);
	if (int rc = ndctl_cmd_submit(cap.get()); rc < 0)
		return fail_errno(-rc, 0, "ARS capability command for 0x%llx+%zu failed",
				  static_cast<unsigned long long>(addr), bb.length);
	ndctl_range range{};
	if (int rc = ndctl_cmd_ars_cap_get_range(cap.get(), &range); rc < 0)
		return fail_errno(-rc, 0, "ARS capability gave no range for 0x%llx+%zu",
				  static_cast<unsigned long long>(addr), bb.length);
	errno = 0;
	Cmd clr(ndctl_bus_cmd_new_clear_error(range.address, range.length, cap.get()));
	if (!clr)
		return fail_errno(errno != 0 ? errno : ENOTTY, 0, "cannot create a clear-error command for 0x%llx+%llu",
				  range.address, range.length);
	if (int rc = ndctl_cmd_submit(clr.get()); rc < 0)
		return fail_errno(-rc, 0, "clear-error command for 0x%llx+%llu failed", range.address, range.length);
	const unsigned long long cleared = ndctl_cmd_clear_error_get_cleared(clr.get());
	if (cleared < bb.length)
		return fail(-ENXIO, "clear-error cleared %llu of %zu bytes at 0x%llx", cleared, bb.length,
			    static_cast<unsigned long long>(addr));
	return {};
}

} // namespace

Result<ContextPtr> context_new(const source::Source &src)
{
	PMEM2_TRY(nd::require_fd_source(src, "bad blocks"));
	ContextPtr c(new Context);
	c->src = src;
	auto ctx = nd::open_ctx();
	if (!ctx)
		return std::move(ctx).error();
	c->ndctx = std::move(ctx.value());
	auto match = nd::find(c->ndctx.get(), src);
	if (!match)
		return std::move(match).error();
	if (!match.value())
		return c; // not on an NVDIMM: nothing can be bad
	c->region = match.value().region;
	PMEM2_TRY(fill(*c, match.value().ns));
	return c;
}

Result<BadBlock> next(Context &c)
{
	if (c.pos < c.blocks.size())
		return c.blocks[c.pos++];
	if (c.region == nullptr)
		return fail(PMEM2_E_NO_BAD_BLOCK_FOUND, "no bad blocks: no NVDIMM region backs the source");
	return fail(PMEM2_E_NO_BAD_BLOCK_FOUND, "no more bad blocks");
}

Status clear(Context &c, const BadBlock &bb)
{
	if (c.src.kind == source::Kind::DevDax)
		return clear_devdax(c, bb);
	return clear_file(c, bb);
}

} // namespace pmem2::badblock
