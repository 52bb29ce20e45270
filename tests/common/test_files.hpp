// SPDX-License-Identifier: BSD-3-Clause
// test_files.hpp -- temporary files for tests, removed on destruction.
#pragma once

#include <cstdlib>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace pmem2::test {

// A file of `size` bytes in `dir` (/tmp is ext4 here, /dev/shm tmpfs), opened O_RDWR.
class TempFile {
public:
	explicit TempFile(std::size_t size, const std::string &dir = "/tmp", int open_flags = O_RDWR)
	{
		std::string tmpl = dir + "/pmem2-test-XXXXXX";
		int fd = ::mkstemp(tmpl.data());
		if (fd < 0)
			throw std::runtime_error("mkstemp failed in " + dir);
		path_ = tmpl;
		if (::ftruncate(fd, static_cast<off_t>(size)) != 0)
			throw std::runtime_error("ftruncate failed");
		if (open_flags != O_RDWR) {
			::close(fd);
			fd = ::open(path_.c_str(), open_flags);
			if (fd < 0)
				throw std::runtime_error("reopen failed");
		}
		fd_ = fd;
	}
	TempFile(const TempFile &) = delete;
	TempFile &operator=(const TempFile &) = delete;
	~TempFile()
	{
		if (fd_ >= 0)
			::close(fd_);
		::unlink(path_.c_str());
	}
	int fd() const { return fd_; }
	const std::string &path() const { return path_; }

private:
	std::string path_;
	int fd_ = -1;
};

// Sets an environment variable for a scope, restoring the old value after.
class ScopedEnv {
public:
	ScopedEnv(const char *name, const char *value) : name_(name)
	{
		if (const char *old = std::getenv(name)) {
			had_ = true;
			old_ = old;
		}
		if (value)
			::setenv(name, value, 1);
		else
			::unsetenv(name);
	}
	~ScopedEnv()
	{
		if (had_)
			::setenv(name_.c_str(), old_.c_str(), 1);
		else
			::unsetenv(name_.c_str());
	}

private:
	std::string name_;
	std::string old_;
	bool had_ = false;
};

} // namespace pmem2::test
