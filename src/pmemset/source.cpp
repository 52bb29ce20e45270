// SPDX-License-Identifier: BSD-3-Clause
// source.cpp -- pmemset sources: file opening/creation, temporary files, growth.
#include "pmemset/source.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmemset.h>

namespace libpmemset {

using common::fail;
using common::fail_errno;

Source::Source(Kind kind, std::string path, common::UniqueFd fd, UniquePmem2Source owned,
	pmem2_source *src, bool grow)
	: kind_(kind), path_(std::move(path)), fd_(std::move(fd)), owned_(std::move(owned)), src_(src),
	  grow_(grow)
{
}

namespace {

// Wraps an fd the library owns in a pmem2 source.
common::Result<UniquePmem2Source> wrap_fd(int fd)
{
	pmem2_source *src = nullptr;
	int ret = pmem2_source_from_fd(&src, fd);
	if (ret != 0)
		return pmem2_failure(0, ret, "cannot create a pmem2 source from the file");
	return UniquePmem2Source(src);
}

common::Status stat_path(const char *path, const char *what)
{
	struct stat st;
	if (::stat(path, &st) == 0)
		return {};
	int err = errno;
	if (err == ENOENT)
		return fail(PMEMSET_E_INVALID_SOURCE_PATH, "%s \"%s\" does not exist", what, path);
	return fail_errno(err, 0, "cannot stat %s \"%s\"", what, path);
}

} // namespace

common::Result<std::unique_ptr<Source>> Source::from_pmem2(pmem2_source *src)
{
	if (src == nullptr)
		return fail(PMEMSET_E_INVALID_PMEM2_SOURCE, "the pmem2 source is NULL");
	int fd = -1;
	int ret = pmem2_source_get_fd(src, &fd);
	if (ret != 0) // an anonymous source has no file to map parts of
		return pmem2_failure(0, ret, "the pmem2 source has no file descriptor");
	return std::unique_ptr<Source>(
		new Source(Kind::Pmem2, {}, common::UniqueFd(), UniquePmem2Source(), src, false));
}

common::Result<std::unique_ptr<Source>> Source::from_file(const char *path, unsigned flags)
{
	if (path == nullptr)
		return fail(PMEMSET_E_INVALID_SOURCE_PATH, "the source file path is NULL");
	if ((flags & ~PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS) != 0)
		return fail(PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS,
			"invalid source file flags 0x%x (valid: 0x%x)", flags,
			PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS);
	if (flags == 0)
		PMEM2_TRY(stat_path(path, "source file"));

	int oflags = O_RDWR | O_CLOEXEC;
	if (flags & PMEMSET_SOURCE_FILE_CREATE_ALWAYS)
		oflags |= O_CREAT | O_TRUNC; // wins over CREATE_IF_NEEDED
	else if (flags & PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED)
		oflags |= O_CREAT;
	common::UniqueFd fd(::open(path, oflags, 0644));
	if (!fd) {
		int err = errno;
		if (err == ENOENT)
			return fail(PMEMSET_E_INVALID_SOURCE_PATH, "source file \"%s\" does not exist", path);
		return fail_errno(err, 0, "cannot open source file \"%s\"", path);
	}
	auto wrapped = wrap_fd(fd.get());
	if (!wrapped)
		return std::move(wrapped).error();
	pmem2_source *raw = wrapped->get();
	bool grow = (flags & PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED) != 0;
	return std::unique_ptr<Source>(
		new Source(Kind::File, path, std::move(fd), std::move(wrapped).value(), raw, grow));
}

common::Result<common::UniqueFd> create_unlinked_file(const std::string &dir, bool try_tmpfile)
{
	if (try_tmpfile) {
		common::UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
		if (fd)
			return fd;
		int err = errno;
		if (err != EOPNOTSUPP && err != EISDIR)
			return fail_errno(err, PMEMSET_E_CANNOT_CREATE_TEMP_FILE,
				"cannot create a temporary file in \"%s\"", dir.c_str());
	}

	// The name exists between mkostemp and unlink: block every signal so no handler
	// (or termination) can run in that window and leave it behind. Per thread only.
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	std::string name = dir + "/pmemset.XXXXXX";
	int raw = ::mkostemp(name.data(), O_CLOEXEC); // mode 0600
	int err = errno;
	if (raw >= 0)
		::unlink(name.c_str());
	pthread_sigmask(SIG_SETMASK, &old, nullptr);
	if (raw < 0)
		return fail_errno(err, PMEMSET_E_CANNOT_CREATE_TEMP_FILE,
			"cannot create a temporary file in \"%s\"", dir.c_str());
	return common::UniqueFd(raw);
}

common::Result<std::unique_ptr<Source>> Source::from_temporary(const char *dir)
{
	if (dir == nullptr)
		return fail(PMEMSET_E_INVALID_SOURCE_PATH, "the temporary file directory is NULL");
	PMEM2_TRY(stat_path(dir, "temporary file directory"));
	auto fd = create_unlinked_file(dir, true);
	if (!fd)
		return std::move(fd).error();
	auto wrapped = wrap_fd(fd->get());
	if (!wrapped)
		return fail(PMEMSET_E_CANNOT_CREATE_TEMP_FILE, "%s",
			wrapped.error().message.c_str());
	pmem2_source *raw = wrapped->get();
	return std::unique_ptr<Source>(new Source(Kind::Temporary, {}, std::move(fd).value(),
		std::move(wrapped).value(), raw, true));
}

common::Status Source::recheck() const
{
	if (kind_ == Kind::File)
		return stat_path(path_.c_str(), "source file");
	return {};
}

common::Result<std::size_t> Source::size() const
{
	std::size_t sz = 0;
	int ret = pmem2_source_size(src_, &sz);
	if (ret != 0)
		return pmem2_failure(0, ret, "cannot read the size of the source");
	return sz;
}

common::Status Source::ensure_size(std::size_t bytes)
{
	std::lock_guard<std::mutex> guard(grow_mutex_);
	struct stat st;
	if (::fstat(fd_.get(), &st) != 0)
		return fail_errno(errno, PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE,
			"cannot read the size of the source file");
	if (static_cast<std::size_t>(st.st_size) >= bytes)
		return {};
	if (bytes > static_cast<std::size_t>(INT64_MAX) ||
		::ftruncate(fd_.get(), static_cast<off_t>(bytes)) != 0)
		return fail_errno(bytes > static_cast<std::size_t>(INT64_MAX) ? EFBIG : errno,
			PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE,
			"cannot grow the source file to %zu bytes", bytes);
	return {};
}

} // namespace libpmemset
