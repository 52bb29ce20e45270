// SPDX-License-Identifier: BSD-3-Clause
// common_test.cpp -- the common layer: Result/Status, failure messages, the
// per-thread message buffer, env lookups, POSIX owners and sysfs file reads.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <sys/mman.h>

#include "common/env.hpp"
#include "common/errormsg.hpp"
#include "common/address_space.hpp"
#include "common/posix.hpp"
#include "common/result.hpp"
#include "core_test_util.hpp"

using namespace pmem2;
using namespace pmem2::test;

TEST(CommonResult, FailFormatsMessageAndKeepsCode)
{
	common::Error e = common::fail(-100005, "bad %s %d", "thing", 7);
	EXPECT_EQ(e.code, -100005);
	EXPECT_EQ(e.message, "bad thing 7");
}

TEST(CommonResult, FailErrnoAppendsStrerrorAndDerivesCode)
{
	common::Error e = common::fail_errno(ENOENT, 0, "open %s", "x");
	EXPECT_EQ(e.code, -ENOENT);
	EXPECT_EQ(e.message, std::string("open x: ") + std::strerror(ENOENT));

	common::Error kept = common::fail_errno(EACCES, -100032, "mmap");
	EXPECT_EQ(kept.code, -100032);
	EXPECT_EQ(kept.message, std::string("mmap: ") + std::strerror(EACCES));
}

TEST(CommonResult, ErrnoZeroBecomesEinval)
{
	EXPECT_EQ(common::errno_code(0), -EINVAL);
	EXPECT_EQ(common::errno_code(ENOMEM), -ENOMEM);
	EXPECT_EQ(common::fail_errno(0, 0, "x").code, -EINVAL);
}

TEST(CommonResult, LongMessagesAreTruncatedNotOverrun)
{
	std::string big(5000, 'a');
	common::Error e = common::fail(-1, "%s", big.c_str());
	EXPECT_GT(e.message.size(), 100u);
	EXPECT_LE(e.message.size(), big.size());
	EXPECT_EQ(e.message.find_first_not_of('a'), std::string::npos);
}

namespace {
common::Status failing() { return common::fail(-7, "seven"); }
common::Result<int> chained()
{
	PMEM2_TRY(failing());
	return 1;
}
} // namespace

TEST(CommonResult, ResultAndStatusCarryValueOrError)
{
	common::Result<int> ok = 42;
	ASSERT_TRUE(ok);
	EXPECT_EQ(ok.value(), 42);
	common::Status st;
	EXPECT_TRUE(st.ok());
	EXPECT_EQ(st.code(), 0);

	auto r = chained();
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, -7);
	EXPECT_EQ(r.error().message, "seven");
}

TEST(CommonErrormsg, SetAndReadBack)
{
	common::set_last_error("first");
	EXPECT_STREQ(common::last_error(), "first");
	common::set_last_error("");
	EXPECT_STREQ(common::last_error(), "");
}

TEST(CommonErrormsg, TruncatedToCapacity)
{
	std::string big(common::kErrorMsgCapacity * 2, 'x');
	common::set_last_error(big.c_str());
	EXPECT_EQ(std::strlen(common::last_error()), common::kErrorMsgCapacity - 1);
	EXPECT_EQ(common::kErrorMsgCapacity, 8192u);
}

TEST(CommonEnv, GetAndExactMatch)
{
	{
		ScopedEnv e("PMEM2_CORE_TEST_VAR", "1");
		ASSERT_TRUE(common::env_get("PMEM2_CORE_TEST_VAR").has_value());
		EXPECT_EQ(*common::env_get("PMEM2_CORE_TEST_VAR"), "1");
		EXPECT_TRUE(common::env_equals("PMEM2_CORE_TEST_VAR", "1"));
		EXPECT_FALSE(common::env_equals("PMEM2_CORE_TEST_VAR", "0"));
	}
	{
		ScopedEnv e("PMEM2_CORE_TEST_VAR", "1 ");
		EXPECT_FALSE(common::env_equals("PMEM2_CORE_TEST_VAR", "1"));
	}
	ScopedEnv unset("PMEM2_CORE_TEST_VAR", nullptr);
	EXPECT_FALSE(common::env_get("PMEM2_CORE_TEST_VAR").has_value());
	EXPECT_FALSE(common::env_equals("PMEM2_CORE_TEST_VAR", ""));
}

TEST(CommonPosix, PageSizeAndAlignHelpers)
{
	EXPECT_EQ(common::page_size(), static_cast<size_t>(sysconf(_SC_PAGESIZE)));
	EXPECT_EQ(common::align_down(4097, 4096), 4096u);
	EXPECT_EQ(common::align_up(4097, 4096), 8192u);
	EXPECT_EQ(common::align_up(4096, 4096), 4096u);
	EXPECT_TRUE(common::is_pow2(1));
	EXPECT_TRUE(common::is_pow2(1ULL << 63));
	EXPECT_FALSE(common::is_pow2(0));
	EXPECT_FALSE(common::is_pow2(12));
}

TEST(CommonPosix, UniqueFdClosesAndMoves)
{
	int raw = ::open("/dev/null", O_RDONLY);
	ASSERT_GE(raw, 0);
	{
		common::UniqueFd a(raw);
		common::UniqueFd b(std::move(a));
		EXPECT_FALSE(a);
		EXPECT_EQ(b.get(), raw);
		common::UniqueFd c;
		c = std::move(b);
		EXPECT_EQ(c.get(), raw);
		EXPECT_NE(::fcntl(raw, F_GETFD), -1);
	}
	EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
	EXPECT_EQ(errno, EBADF);

	int kept = ::open("/dev/null", O_RDONLY);
	{
		common::UniqueFd d(kept);
		EXPECT_EQ(d.release(), kept);
	}
	EXPECT_NE(::fcntl(kept, F_GETFD), -1);
	::close(kept);
}

TEST(CommonPosix, MappedRangeUnmapsUnlessReleased)
{
	const size_t page = common::page_size();
	const size_t len = 4 * page;
	void *a = nullptr;
	ASSERT_EQ(common::address_space::reserve(len, &a), 0);
	{
		common::MappedRange r(a, len);
		common::MappedRange moved(std::move(r));
		EXPECT_EQ(r.addr(), nullptr);
		EXPECT_EQ(moved.size(), len);
		// Trimming gives back exactly the trimmed pages.
		ASSERT_EQ(moved.release_front(page), 0);
		ASSERT_EQ(moved.release_back(page), 0);
		EXPECT_EQ(moved.begin(), reinterpret_cast<uintptr_t>(a) + page);
		EXPECT_EQ(moved.size(), 2 * page);
		EXPECT_FALSE(any_mapped(a, page));
		EXPECT_FALSE(any_mapped(static_cast<char *>(a) + 3 * page, page));
		EXPECT_TRUE(any_mapped(static_cast<char *>(a) + page, 2 * page));
	}
	EXPECT_FALSE(any_mapped(a, len));

	void *b = nullptr;
	ASSERT_EQ(common::address_space::reserve(len, &b), 0);
	{
		common::MappedRange r(b, len);
		r.release();
	}
	EXPECT_TRUE(any_mapped(b, len));
	common::address_space::forget(b, len);
	::munmap(b, len);
}

TEST(CommonPosix, ReadSmallFile)
{
	TempDir dir;
	dir.write("f", "hello\n");
	auto whole = common::read_small_file(dir / "f");
	ASSERT_TRUE(whole);
	EXPECT_EQ(whole.value(), "hello\n");

	auto capped = common::read_small_file(dir / "f", 3);
	ASSERT_TRUE(capped);
	EXPECT_EQ(capped.value(), "hel");

	auto missing = common::read_small_file(dir / "nope");
	ASSERT_FALSE(missing);
	EXPECT_EQ(missing.error().code, -ENOENT);
	EXPECT_NE(missing.error().message.find(dir / "nope"), std::string::npos);

	auto is_dir = common::read_small_file(dir.path());
	ASSERT_FALSE(is_dir);
	EXPECT_EQ(is_dir.error().code, -EISDIR);
}
