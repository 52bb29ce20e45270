// SPDX-License-Identifier: BSD-3-Clause
// devdax.cpp -- device DAX identity, size and alignment from sysfs.
#include "pmem2/source/devdax.hpp"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string_view>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libpmem2/base.h>

#include "common/posix.hpp"

namespace pmem2::source::devdax {

using common::fail;
using common::Result;

namespace {

// realpath(3) as a Result; failure: -errno naming the path.
Result<std::string> resolve(const std::string &path)
{
	char resolved[PATH_MAX];
	if (::realpath(path.c_str(), resolved) == nullptr)
		return common::fail_errno(errno, 0, "cannot resolve %s", path.c_str());
	return std::string(resolved);
}

// Reads and parses one sysfs number file.
Result<unsigned long long> read_number(const std::string &path, int format_code)
{
	auto text = common::read_small_file(path, 64);
	if (!text)
		return std::move(text).error();
	return parse_sysfs_number(text.value(), format_code, path.c_str());
}

} // namespace

std::string sysfs_dir(dev_t rdev, const std::string &sysfs)
{
	return sysfs + "/dev/char/" + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev));
}

Result<bool> is_dax(dev_t rdev, const std::string &sysfs)
{
	auto subsystem = resolve(sysfs_dir(rdev, sysfs) + "/subsystem");
	if (!subsystem)
		return std::move(subsystem).error();
	const std::string &path = subsystem.value();
	return std::string_view(path).substr(path.rfind('/') + 1) == "dax";
}

Result<unsigned long long> parse_sysfs_number(const std::string &text, int code, const char *what)
{
	// strtoull would accept leading blanks and a sign ("-1" wraps to ULLONG_MAX).
	if (text.empty() || text.back() != '\n' || !std::isdigit(static_cast<unsigned char>(text.front())))
		return fail(code, "%s: \"%s\" is not a number followed by a newline", what, text.c_str());
	errno = 0;
	char *end = nullptr;
	unsigned long long v = std::strtoull(text.c_str(), &end, 0);
	if (end == text.c_str() || *end != '\n' || end + 1 != text.c_str() + text.size())
		return fail(code, "%s: cannot parse \"%s\"", what, text.c_str());
	if (errno == ERANGE)
		return common::fail_errno(ERANGE, 0, "%s: value out of range", what);
	return v;
}

Result<std::size_t> size(dev_t rdev, const std::string &sysfs)
{
	auto v = read_number(sysfs_dir(rdev, sysfs) + "/size", PMEM2_E_INVALID_SIZE_FORMAT);
	if (!v)
		return std::move(v).error();
	return static_cast<std::size_t>(v.value());
}

Result<std::size_t> alignment(dev_t rdev, const std::string &sysfs)
{
	auto dev = resolve(sysfs_dir(rdev, sysfs));
	if (!dev)
		return std::move(dev).error();

	// Walk up from the device to the first ancestor holding dax_region/align.
	for (std::string path = dev.value(); !path.empty(); path.erase(path.rfind('/'))) {
		const std::string candidate = path + "/dax_region/align";
		if (::access(candidate.c_str(), F_OK) != 0)
			continue;
		auto v = read_number(candidate, PMEM2_E_INVALID_ALIGNMENT_FORMAT);
		if (!v)
			return std::move(v).error();
		if (!common::is_pow2(v.value()))
			return fail(PMEM2_E_INVALID_ALIGNMENT_VALUE,
				    "device DAX alignment %llu (%s) is not a power of two", v.value(),
				    candidate.c_str());
		return static_cast<std::size_t>(v.value());
	}
	return fail(PMEM2_E_INVALID_ALIGNMENT_FORMAT, "no dax_region/align above %s", dev.value().c_str());
}

} // namespace pmem2::source::devdax
