// SPDX-License-Identifier: BSD-3-Clause
// errors_test.cpp -- pmem2_errormsg, pmem2_perror and pmem2_err_to_errno.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core_test_util.hpp"

using namespace pmem2::test;

TEST(Errormsg, NeverNullAndEmptyInAFreshThread)
{
	const char *seen = nullptr;
	std::string text = "unset";
	std::thread t([&] {
		seen = pmem2_errormsg();
		text = seen ? seen : "(null)";
	});
	t.join();
	EXPECT_NE(seen, nullptr);
	EXPECT_EQ(text, "");
	EXPECT_NE(pmem2_errormsg(), nullptr);
}

TEST(Errormsg, DescribesTheLastFailure)
{
	pmem2_source *src = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&src, -1), PMEM2_E_INVALID_FILE_HANDLE);
	const std::string first = pmem2_errormsg();
	EXPECT_NE(first.find("-1"), std::string::npos) << first;

	ConfigPtr cfg = make_config();
	ASSERT_EQ(pmem2_config_set_protection(cfg.get(), 5), PMEM2_E_INVALID_PROT_FLAG);
	const std::string second = pmem2_errormsg();
	EXPECT_NE(second, first);
	EXPECT_NE(second.find("protection"), std::string::npos) << second;
}

TEST(Errormsg, SystemErrorsCarryStrerror)
{
	TempFile f(4096);
	int fd = ::open(f.path().c_str(), O_PATH);
	ASSERT_GE(fd, 0);
	SourcePtr src = source_from_fd(fd);
	ConfigPtr cfg = make_config();
	MapPtr m;
	ASSERT_EQ(map_new(m, cfg, src), -EBADF);
	const std::string msg = pmem2_errormsg();
	EXPECT_NE(msg.find(std::string(": ") + std::strerror(EBADF)), std::string::npos) << msg;
	::close(fd);
}

TEST(Errormsg, FdClosedBehindTheSource)
{
	int fd = ::open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(::ftruncate(fd, 4096), 0);
	SourcePtr src = source_from_fd(fd);
	::close(fd);
	ConfigPtr cfg = make_config();
	MapPtr m;
	EXPECT_EQ(map_new(m, cfg, src), PMEM2_E_INVALID_FILE_HANDLE); // source size's fstat: EBADF
	EXPECT_STRNE(pmem2_errormsg(), "");
}

TEST(Perror, PrintsFormatColonMessageNewline)
{
	pmem2_source *src = nullptr;
	ASSERT_LT(pmem2_source_from_fd(&src, -7), 0);
	const std::string msg = pmem2_errormsg();
	ASSERT_FALSE(msg.empty());
	std::string out = capture_stderr([] { pmem2_perror("ctx %d %s", 42, "x"); });
	EXPECT_EQ(out, "ctx 42 x: " + msg + "\n");

	// A non-literal empty format on purpose (Debian builds with -Werror=format-security).
	const char *empty = "";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-security"
	out = capture_stderr([empty] { pmem2_perror(empty); });
#pragma GCC diagnostic pop
	EXPECT_EQ(out, ": " + msg + "\n");
	out = capture_stderr([] { pmem2_perror(nullptr); });
	EXPECT_EQ(out, ": " + msg + "\n");
}

TEST(ErrToErrno, Mapping)
{
	EXPECT_EQ(pmem2_err_to_errno(PMEM2_E_NOSUPP), ENOTSUP);
	EXPECT_EQ(pmem2_err_to_errno(PMEM2_E_UNKNOWN), EINVAL);
	EXPECT_EQ(pmem2_err_to_errno(PMEM2_E_INVALID_FILE_TYPE), EINVAL);
	EXPECT_EQ(pmem2_err_to_errno(PMEM2_E_MAP_EXISTS), EINVAL);
	EXPECT_EQ(pmem2_err_to_errno(PMEM2_E_IO_FAIL), EINVAL);
	EXPECT_EQ(pmem2_err_to_errno(-ENOMEM), ENOMEM);
	EXPECT_EQ(pmem2_err_to_errno(-EBADF), EBADF);
	EXPECT_EQ(pmem2_err_to_errno(-99999), 99999);
	EXPECT_EQ(pmem2_err_to_errno(0), 0);
	// Not a return code of ours: EINVAL (the reference aborts).
	EXPECT_EQ(pmem2_err_to_errno(1), EINVAL);
	EXPECT_EQ(pmem2_err_to_errno(ENOMEM), EINVAL);
}

TEST(ErrToErrno, DoesNotTouchErrno)
{
	errno = 1234;
	(void)pmem2_err_to_errno(-ENOENT);
	pmem2_source *src = nullptr;
	(void)pmem2_source_from_fd(&src, -1);
	EXPECT_EQ(errno, 1234);
}
