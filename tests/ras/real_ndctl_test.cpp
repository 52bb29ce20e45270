// SPDX-License-Identifier: BSD-3-Clause
// real_ndctl_test.cpp -- the public RAS calls with the machine's real libndctl, on a
// file that no NVDIMM backs (true of this machine's /tmp unless it is fsdax): the
// right codes, a useful message, and nothing written to stderr.
#include <gtest/gtest.h>

#include <cstdio>
#include <fcntl.h>
#include <libpmem2.h>
#include <string>
#include <unistd.h>

#include "test_files.hpp"

namespace {

// Captures everything written to fd 2 during its lifetime.
class StderrCapture {
public:
	StderrCapture() : file_(0)
	{
		fflush(stderr);
		saved_ = dup(2);
		dup2(file_.fd(), 2);
	}
	std::string finish()
	{
		fflush(stderr);
		dup2(saved_, 2);
		close(saved_);
		std::string s(4096, '\0');
		ssize_t n = pread(file_.fd(), s.data(), s.size(), 0);
		s.resize(n > 0 ? n : 0);
		return s;
	}

private:
	pmem2::test::TempFile file_;
	int saved_ = -1;
};

bool on_pmem(int fd)
{
	pmem2_source *src = nullptr;
	pmem2_source_from_fd(&src, fd);
	int node = 0;
	const int rc = pmem2_source_numa_node(src, &node);
	pmem2_source_delete(&src);
	return rc == 0;
}

} // namespace

TEST(RealNdctl, FileWithoutNvdimmGivesCleanErrorsAndNoStderr)
{
	pmem2::test::TempFile f(8192);
	if (on_pmem(f.fd()))
		GTEST_SKIP() << "/tmp is on pmem here";
	pmem2_source *src = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&src, f.fd()), 0);
	StderrCapture cap;
	uint64_t usc = 5;
	EXPECT_EQ(pmem2_source_device_usc(src, &usc), PMEM2_E_NOSUPP);
	EXPECT_EQ(usc, 5u);
	EXPECT_NE(std::string(pmem2_errormsg()).find("no NVDIMM region"), std::string::npos) << pmem2_errormsg();
	size_t len = 0;
	EXPECT_EQ(pmem2_source_device_id(src, nullptr, &len), PMEM2_E_NOSUPP);
	int node = 3;
	EXPECT_EQ(pmem2_source_numa_node(src, &node), PMEM2_E_DAX_REGION_NOT_FOUND);
	EXPECT_EQ(node, 3);
	pmem2_badblock_context *ctx = nullptr;
	ASSERT_EQ(pmem2_badblock_context_new(&ctx, src), 0);
	pmem2_badblock bb;
	EXPECT_EQ(pmem2_badblock_next(ctx, &bb), PMEM2_E_NO_BAD_BLOCK_FOUND);
	pmem2_badblock_context_delete(&ctx);
	char buf[64];
	EXPECT_EQ(pmem2_source_pread_mcsafe(src, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(cap.finish(), "");
	pmem2_source_delete(&src);
}
