// SPDX-License-Identifier: BSD-3-Clause
// ras_test_util.hpp -- helpers shared by the RAS tests: hand-made sources and fake
// sysfs "dev" attributes reachable through /sys/block/<name>/dev.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pmem2/source/source.hpp"

namespace pmem2::test {

inline source::Source regular_source(int fd)
{
	struct stat st;
	fstat(fd, &st);
	source::Source s;
	s.kind = source::Kind::Regular;
	s.fd = fd;
	s.st_dev = st.st_dev;
	return s;
}

inline source::Source devdax_source(const char *dev_path, int fd = -1)
{
	struct stat st;
	stat(dev_path, &st);
	source::Source s;
	s.kind = source::Kind::DevDax;
	s.fd = fd;
	s.st_rdev = st.st_rdev;
	return s;
}

// A directory of fake block devices: add(name, text) creates <dir>/<name>/dev and
// returns the name under which /sys/block/<name>/dev resolves to it.
class FakeSysBlock {
public:
	FakeSysBlock()
	{
		char tmpl[] = "/tmp/pmem2-fakesys-XXXXXX";
		dir_ = mkdtemp(tmpl);
	}
	~FakeSysBlock() { std::system(("rm -rf " + dir_).c_str()); }
	std::string add(const std::string &name, const std::string &text)
	{
		mkdir((dir_ + "/" + name).c_str(), 0755);
		FILE *f = std::fopen((dir_ + "/" + name + "/dev").c_str(), "w");
		std::fputs(text.c_str(), f);
		std::fclose(f);
		return "../.." + dir_ + "/" + name;
	}
	std::string add(const std::string &name, dev_t dev)
	{
		return add(name, std::to_string(major(dev)) + ":" + std::to_string(minor(dev)) + "\n");
	}

private:
	std::string dir_;
};

} // namespace pmem2::test
