// SPDX-License-Identifier: BSD-3-Clause
// posix.cpp -- RAII owners and helpers for POSIX resources.
#include "common/posix.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace pmem2::common {

std::size_t page_size() noexcept
{
	static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
	return size;
}

UniqueFd &UniqueFd::operator=(UniqueFd &&o) noexcept
{
	if (this != &o) {
		if (fd_ >= 0)
			::close(fd_);
		fd_ = std::exchange(o.fd_, -1);
	}
	return *this;
}

UniqueFd::~UniqueFd()
{
	if (fd_ >= 0)
		::close(fd_);
}

Result<std::string> read_small_file(const std::string &path, std::size_t max_len)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		return fail_errno(errno, 0, "cannot open %s", path.c_str());
	std::string out(max_len, '\0');
	std::size_t got = 0;
	while (got < max_len) {
		ssize_t n = ::read(fd.get(), &out[got], max_len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail_errno(errno, 0, "cannot read %s", path.c_str());
		}
		if (n == 0)
			break;
		got += static_cast<std::size_t>(n);
	}
	out.resize(got);
	return out;
}

} // namespace pmem2::common
