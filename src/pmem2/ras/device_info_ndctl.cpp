// SPDX-License-Identifier: BSD-3-Clause
// device_info_ndctl.cpp -- USC, unique id and NUMA node through libndctl.
#include "pmem2/ras/device_info.hpp"

#include <sys/sysmacros.h>

#include <libpmem2/base.h>

#include "pmem2/ras/nd_topology.hpp"

namespace pmem2::ras {

using common::fail;
using common::Result;

namespace {

// Opens a context and finds the region; no region gives `missing_code`.
template <class Fn> auto with_region(const source::Source &src, const char *what, int missing_code, Fn &&fn)
	-> decltype(fn(static_cast<ndctl_region *>(nullptr)))
{
	PMEM2_TRY(nd::require_fd_source(src, what));
	auto ctx = nd::open_ctx();
	if (!ctx)
		return std::move(ctx).error();
	auto match = nd::find(ctx.value().get(), src);
	if (!match)
		return std::move(match).error();
	if (!match.value()) {
		const dev_t d = src.kind == source::Kind::DevDax ? src.st_rdev : src.st_dev;
		return fail(missing_code, "%s: no NVDIMM region backs device %u:%u", what, major(d), minor(d));
	}
	return fn(match.value().region);
}

} // namespace

Result<std::uint64_t> device_usc(const source::Source &src)
{
	return with_region(src, "unsafe shutdown count", PMEM2_E_NOSUPP,
			   [](ndctl_region *region) -> Result<std::uint64_t> {
		std::uint64_t sum = 0;
		for (ndctl_dimm *d = ndctl_region_get_first_dimm(region); d != nullptr;
		     d = ndctl_region_get_next_dimm(region, d)) {
			const long long usc = ndctl_dimm_get_dirty_shutdown(d);
			if (usc < 0)
				return fail(PMEM2_E_NOSUPP, "unsafe shutdown count: DIMM %s does not report it",
					    ndctl_dimm_get_devname(d));
			sum += static_cast<std::uint64_t>(usc);
		}
		return sum;
	});
}

Result<std::string> device_id(const source::Source &src)
{
	return with_region(src, "device id", PMEM2_E_NOSUPP, [](ndctl_region *region) -> Result<std::string> {
		std::string id;
		for (ndctl_dimm *d = ndctl_region_get_first_dimm(region); d != nullptr;
		     d = ndctl_region_get_next_dimm(region, d)) {
			const char *uid = ndctl_dimm_get_unique_id(d);
			if (uid == nullptr)
				return fail(PMEM2_E_NOSUPP, "device id: DIMM %s has no unique id",
					    ndctl_dimm_get_devname(d));
			id += uid;
		}
		return id;
	});
}

Result<int> numa_node(const source::Source &src)
{
	return with_region(src, "numa node", PMEM2_E_DAX_REGION_NOT_FOUND,
			   [](ndctl_region *region) -> Result<int> { return ndctl_region_get_numa_node(region); });
}

} // namespace pmem2::ras
