// SPDX-License-Identifier: BSD-3-Clause
// source.cpp -- classification of file descriptors and source queries.
#include "pmem2/source/source.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmem2/base.h>

#include "common/posix.hpp"
#include "pmem2/source/devdax.hpp"

namespace pmem2::source {

using common::fail;
using common::fail_errno;
using common::Result;

namespace {

// fcntl/fstat failures: a bad descriptor is the caller's handle error, anything
// else a system error passed through as -errno.
common::Error fd_error(int err, const char *what, int fd)
{
	if (err == EBADF)
		return fail(PMEM2_E_INVALID_FILE_HANDLE, "%s: invalid file descriptor %d", what, fd);
	return fail_errno(err, 0, "%s of fd %d", what, fd);
}

} // namespace

Result<std::unique_ptr<Source>> from_fd(int fd)
{
	if (fd < 0)
		return fail(PMEM2_E_INVALID_FILE_HANDLE, "invalid file descriptor %d", fd);

	int flags = ::fcntl(fd, F_GETFL);
	if (flags == -1)
		return fd_error(errno, "fcntl(F_GETFL)", fd);
	if ((flags & O_ACCMODE) == O_WRONLY)
		return fail(PMEM2_E_INVALID_FILE_HANDLE, "fd %d is open write-only; mapping needs read access", fd);

	struct stat st;
	if (::fstat(fd, &st) == -1)
		return fd_error(errno, "fstat", fd);

	auto src = std::make_unique<Source>();
	src->fd = fd;
	src->st_dev = st.st_dev;
	src->st_rdev = st.st_rdev;
	if (S_ISREG(st.st_mode)) {
		src->kind = Kind::Regular;
	} else if (S_ISDIR(st.st_mode)) {
		return fail(PMEM2_E_INVALID_FILE_TYPE, "fd %d is a directory, which cannot be mapped", fd);
	} else if (S_ISCHR(st.st_mode)) {
		auto dax = devdax::is_dax(st.st_rdev);
		if (!dax)
			return std::move(dax).error();
		if (!dax.value())
			return fail(PMEM2_E_INVALID_FILE_TYPE,
				    "fd %d is a character device that is not device DAX", fd);
		src->kind = Kind::DevDax;
	} else {
		return fail(PMEM2_E_INVALID_FILE_TYPE,
			    "fd %d is not a regular file, directory or device DAX", fd);
	}
	return src;
}

std::unique_ptr<Source> from_anon(std::size_t size)
{
	auto src = std::make_unique<Source>();
	src->kind = Kind::Anonymous;
	src->anon_size = size;
	return src;
}

Result<std::size_t> size(const Source &src)
{
	if (src.kind == Kind::Anonymous)
		return src.anon_size;
	if (src.kind == Kind::DevDax)
		return devdax::size(src.st_rdev);

	struct stat st;
	if (::fstat(src.fd, &st) == -1)
		return fd_error(errno, "fstat", src.fd);
	if (st.st_size < 0)
		return fail(PMEM2_E_INVALID_FILE_HANDLE, "fd %d reports a negative size", src.fd);
	return static_cast<std::size_t>(st.st_size);
}

Result<std::size_t> alignment(const Source &src)
{
	if (src.kind != Kind::DevDax)
		return common::page_size();
	return devdax::alignment(src.st_rdev);
}

} // namespace pmem2::source
