// SPDX-License-Identifier: BSD-3-Clause
// nd_topology.cpp -- region/namespace lookup through libndctl and libdaxctl.
#include "pmem2/ras/nd_topology.hpp"

#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <daxctl/libdaxctl.h>
#include <libpmem2/base.h>

#include "common/posix.hpp"

namespace pmem2::ras::nd {

using common::fail;
using common::fail_errno;
using common::Result;

namespace {

void silent_ndctl(ndctl_ctx *, int, const char *, int, const char *, const char *, va_list) {}
void silent_daxctl(daxctl_ctx *, int, const char *, int, const char *, const char *, va_list) {}

bool nonempty(const char *s) noexcept { return s != nullptr && *s != '\0'; }

// Does one of the region's dax devices have device number rdev?
Result<bool> dax_matches(ndctl_dax *dax, dev_t rdev)
{
	daxctl_region *dregion = ndctl_dax_get_daxctl_region(dax);
	if (dregion == nullptr)
		return false;
	for (daxctl_dev *dev = daxctl_dev_get_first(dregion); dev != nullptr; dev = daxctl_dev_get_next(dev)) {
		const char *name = daxctl_dev_get_devname(dev);
		if (!nonempty(name))
			continue;
		const std::string path = std::string("/dev/") + name;
		struct stat st;
		if (::stat(path.c_str(), &st) != 0)
			return fail_errno(errno, 0, "cannot stat the dax device %s", path.c_str());
		if (st.st_rdev == rdev)
			return true;
	}
	return false;
}

// Does the block device `name` (as in /sys/block/<name>) have device number dev?
Result<bool> block_device_matches(const char *name, dev_t dev)
{
	const std::string path = std::string("/sys/block/") + name + "/dev";
	auto text = common::read_small_file(path, 64);
	if (!text)
		return std::move(text).error();
	unsigned maj = 0, min = 0;
	char nl = 0;
	if (std::sscanf(text.value().c_str(), "%u:%u%c", &maj, &min, &nl) != 3 || nl != '\n')
		return fail(PMEM2_E_INVALID_DEV_FORMAT, "%s: \"%s\" is not \"major:minor\\n\"", path.c_str(),
			    text.value().c_str());
	return makedev(maj, min) == dev;
}

// The block device through which a namespace without dax is accessed.
const char *block_device_of(ndctl_namespace *ns)
{
	if (ndctl_btt *btt = ndctl_namespace_get_btt(ns))
		return ndctl_btt_get_block_device(btt);
	if (ndctl_pfn *pfn = ndctl_namespace_get_pfn(ns))
		return ndctl_pfn_get_block_device(pfn);
	return ndctl_namespace_get_block_device(ns);
}

} // namespace

Result<Ctx> open_ctx()
{
	ndctl_ctx *raw = nullptr;
	int rc = ndctl_new(&raw);
	if (rc < 0 || raw == nullptr)
		return fail_errno(rc < 0 ? -rc : ENOMEM, 0, "cannot create an ndctl context");
	ndctl_set_log_fn(raw, silent_ndctl);
	if (daxctl_ctx *dctx = ndctl_get_daxctl_ctx(raw))
		daxctl_set_log_fn(dctx, silent_daxctl);
	return Ctx(raw);
}

Result<Match> find(ndctl_ctx *ctx, const source::Source &src)
{
	const bool devdax = src.kind == source::Kind::DevDax;
	for (ndctl_bus *bus = ndctl_bus_get_first(ctx); bus != nullptr; bus = ndctl_bus_get_next(bus)) {
		for (ndctl_region *r = ndctl_region_get_first(bus); r != nullptr; r = ndctl_region_get_next(r)) {
			for (ndctl_namespace *ns = ndctl_namespace_get_first(r); ns != nullptr;
			     ns = ndctl_namespace_get_next(ns)) {
				ndctl_dax *dax = ndctl_namespace_get_dax(ns);
				Result<bool> hit = false;
				if (devdax && dax != nullptr) {
					hit = dax_matches(dax, src.st_rdev);
				} else if (!devdax && dax == nullptr) {
					const char *name = block_device_of(ns);
					if (!nonempty(name))
						continue; // disabled namespace: no block device to compare
					hit = block_device_matches(name, src.st_dev);
				}
				if (!hit)
					return std::move(hit).error();
				if (hit.value())
					return Match{r, ns};
			}
		}
	}
	return Match{};
}

Result<Bounds> bounds(ndctl_region *region, ndctl_namespace *ns)
{
	Bounds b;
	if (ndctl_pfn *pfn = ndctl_namespace_get_pfn(ns)) {
		b.resource = ndctl_pfn_get_resource(pfn);
		b.size = ndctl_pfn_get_size(pfn);
	} else if (ndctl_dax *dax = ndctl_namespace_get_dax(ns)) {
		b.resource = ndctl_dax_get_resource(dax);
		b.size = ndctl_dax_get_size(dax);
	} else {
		b.resource = ndctl_namespace_get_resource(ns);
		b.size = ndctl_namespace_get_size(ns);
	}
	if (b.resource == ULLONG_MAX || b.size == ULLONG_MAX)
		return fail(PMEM2_E_CANNOT_READ_BOUNDS, "cannot read the bounds of namespace %s",
			    ndctl_namespace_get_devname(ns));
	errno = 0;
	const unsigned long long region_res = ndctl_region_get_resource(region);
	if (region_res == ULLONG_MAX)
		return fail_errno(errno, 0, "cannot read the resource of region %s", ndctl_region_get_devname(region));
	if (b.resource < region_res)
		return fail(PMEM2_E_CANNOT_READ_BOUNDS, "namespace %s starts below its region %s",
			    ndctl_namespace_get_devname(ns), ndctl_region_get_devname(region));
	b.region_offset = b.resource - region_res;
	return b;
}

common::Status require_fd_source(const source::Source &src, const char *what)
{
	if (src.kind == source::Kind::Anonymous)
		return fail(PMEM2_E_NOSUPP, "%s: anonymous memory has no backing device", what);
	if (src.kind == source::Kind::Directory)
		return fail(PMEM2_E_INVALID_FILE_TYPE, "%s: the source is a directory", what);
	return {};
}

} // namespace pmem2::ras::nd
