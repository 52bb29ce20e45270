// SPDX-License-Identifier: BSD-3-Clause
// devdax_flush.cpp -- deep flush of a device DAX's region through sysfs.
#include "pmem2/persist/devdax_flush.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <libpmem2/base.h>

#include "common/posix.hpp"
#include "pmem2/source/devdax.hpp"

namespace pmem2::persist {

using common::fail;
using common::fail_errno;

common::Status devdax_region_flush(dev_t rdev)
{
	char resolved[PATH_MAX];
	const std::string dir = source::devdax::sysfs_dir(rdev);
	if (::realpath(dir.c_str(), resolved) == nullptr)
		return fail_errno(errno, 0, "cannot resolve %s", dir.c_str());

	// The device's sysfs path runs through .../ndbusN/regionM/daxM.K/...
	std::string path(resolved);
	std::string region;
	for (std::size_t pos = path.find("/region"); pos != std::string::npos; pos = path.find("/region", pos + 1)) {
		std::size_t end = path.find('/', pos + 1);
		std::string name = path.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
		if (name.size() > 6 && name.find_first_not_of("0123456789", 6) == std::string::npos)
			region = name;
	}
	if (region.empty())
		return fail(PMEM2_E_DAX_REGION_NOT_FOUND, "no nd region found above %s", resolved);

	const std::string control = "/sys/bus/nd/devices/" + region + "/deep_flush";
	auto state = common::read_small_file(control, 16);
	if (!state)
		return std::move(state).error();
	if (state.value() == "0\n")
		return {}; // the platform needs no explicit deep flush
	common::UniqueFd fd(::open(control.c_str(), O_WRONLY | O_CLOEXEC));
	if (!fd)
		return fail_errno(errno, 0, "cannot open %s for writing", control.c_str());
	if (::write(fd.get(), "1", 1) != 1)
		return fail_errno(errno, 0, "cannot write %s", control.c_str());
	return {};
}

} // namespace pmem2::persist
