// SPDX-License-Identifier: BSD-3-Clause
// devdax.cpp -- device DAX size and alignment from sysfs.
#include "pmem2/source/devdax.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libpmem2/base.h>

#include "common/posix.hpp"

namespace pmem2::source::devdax {

using common::fail;
using common::Result;

std::string sysfs_dir(dev_t rdev)
{
	return "/sys/dev/char/" + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev));
}

Result<unsigned long long> parse_sysfs_number(const std::string &text, int code, const char *what)
{
	if (text.empty() || text.back() != '\n')
		return fail(code, "%s: \"%s\" is not a number followed by a newline", what, text.c_str());
	errno = 0;
	char *end = nullptr;
	unsigned long long v = std::strtoull(text.c_str(), &end, 0);
	if (errno != 0 || end == text.c_str() || *end != '\n')
		return fail(code, "%s: cannot parse \"%s\"", what, text.c_str());
	return v;
}

Result<std::size_t> size(dev_t rdev)
{
	const std::string path = sysfs_dir(rdev) + "/size";
	auto text = common::read_small_file(path, 64);
	if (!text)
		return std::move(text).error();
	auto v = parse_sysfs_number(text.value(), PMEM2_E_INVALID_SIZE_FORMAT, path.c_str());
	if (!v)
		return std::move(v).error();
	return static_cast<std::size_t>(v.value());
}

Result<std::size_t> alignment(dev_t rdev)
{
	char resolved[PATH_MAX];
	const std::string dir = sysfs_dir(rdev);
	if (::realpath(dir.c_str(), resolved) == nullptr)
		return common::fail_errno(errno, 0, "cannot resolve %s", dir.c_str());

	// Walk up from the device to the first ancestor holding dax_region/align.
	std::string path(resolved);
	while (path.size() > 1) {
		const std::string candidate = path + "/dax_region/align";
		if (::access(candidate.c_str(), R_OK) == 0) {
			auto text = common::read_small_file(candidate, 64);
			if (!text)
				return std::move(text).error();
			auto v = parse_sysfs_number(text.value(), PMEM2_E_INVALID_ALIGNMENT_FORMAT,
						    candidate.c_str());
			if (!v)
				return std::move(v).error();
			return static_cast<std::size_t>(v.value());
		}
		path.erase(path.rfind('/'));
	}
	return fail(PMEM2_E_INVALID_ALIGNMENT_FORMAT, "no dax_region/align above %s", resolved);
}

} // namespace pmem2::source::devdax
