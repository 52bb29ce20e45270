// SPDX-License-Identifier: BSD-3-Clause
// temp_file_test.cpp -- white-box: the unnamed temporary file, both through
// O_TMPFILE and through the mkostemp+unlink fallback, leaves nothing behind.
#include <dirent.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <libpmemset.h>

#include "pmemset/source.hpp"

namespace {

int entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	while (struct dirent *e = readdir(d))
		if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
			++n;
	closedir(d);
	return n;
}

// Open descriptors of this process whose target lies in dir.
int fds_into(const std::string &dir)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	while (struct dirent *e = readdir(d)) {
		char target[4096] = {};
		std::string link = std::string("/proc/self/fd/") + e->d_name;
		if (readlink(link.c_str(), target, sizeof(target) - 1) > 0 &&
			std::string(target).rfind(dir + "/", 0) == 0)
			++n;
	}
	closedir(d);
	return n;
}

class TempFileTest : public ::testing::TestWithParam<bool> {};

TEST_P(TempFileTest, UnlinkedPrivateAndClosedWithSource)
{
	for (const char *base : {"/tmp", "/dev/shm"}) {
		std::string tmpl = std::string(base) + "/pmemset-tf-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
		{
			auto fd = libpmemset::create_unlinked_file(tmpl, GetParam());
			ASSERT_TRUE(fd.ok()) << fd.error().message;
			struct stat st;
			ASSERT_EQ(fstat(fd->get(), &st), 0);
			EXPECT_EQ(st.st_nlink, 0u);		     // no name left
			EXPECT_EQ(st.st_mode & 0777, 0600u);	     // owner only
			EXPECT_EQ(st.st_size, 0);
			EXPECT_EQ(entries(tmpl.c_str()), 0);
			EXPECT_EQ(ftruncate(fd->get(), 4096), 0); // usable
		}
		EXPECT_EQ(fds_into(tmpl), 0); // closed with its owner
		EXPECT_EQ(rmdir(tmpl.c_str()), 0);
	}
}

INSTANTIATE_TEST_SUITE_P(TmpfileAndFallback, TempFileTest, ::testing::Values(true, false),
	[](const ::testing::TestParamInfo<bool> &i) { return i.param ? "Tmpfile" : "Fallback"; });

TEST(TempFile, FallbackFailureIsCannotCreate)
{
	auto fd = libpmemset::create_unlinked_file("/nonexistent/pmemset", false);
	ASSERT_FALSE(fd.ok());
	EXPECT_EQ(fd.error().code, PMEMSET_E_CANNOT_CREATE_TEMP_FILE);
}

TEST(TempFile, SourceClosesItsFile)
{
	char dir[] = "/tmp/pmemset-tsrc-XXXXXX";
	ASSERT_NE(mkdtemp(dir), nullptr);
	pmemset_source *src = nullptr;
	ASSERT_EQ(pmemset_source_from_temporary(&src, dir), 0);
	EXPECT_EQ(fds_into(dir), 1);
	ASSERT_EQ(pmemset_source_delete(&src), 0);
	EXPECT_EQ(fds_into(dir), 0); // the temporary file is gone
	EXPECT_EQ(rmdir(dir), 0);
}

} // namespace
