// SPDX-License-Identifier: BSD-3-Clause
// ledger_test.cpp -- the address-space ledger catches a call on a range the
// library does not own, and follows reserve / trim / move / release exactly.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include "common/address_space.hpp"
#include "common/posix.hpp"

namespace {

namespace as = pmem2::common::address_space;

class Ledger : public ::testing::Test {
protected:
	void SetUp() override
	{
		// On by default in Debug builds; a release build turns it on here, before
		// this process has made any mapping through the library.
		as::enable_checking();
		ASSERT_TRUE(as::checking());
	}
};

TEST_F(Ledger, FollowsReserveMoveAndRelease)
{
	const std::size_t page = pmem2::common::page_size();
	const std::size_t before = as::owned_bytes();
	void *rsv = nullptr;
	ASSERT_EQ(as::reserve(8 * page, &rsv), 0);
	EXPECT_TRUE(as::owned(rsv, 8 * page));
	EXPECT_EQ(as::owned_bytes(), before + 8 * page);

	void *m = nullptr;
	ASSERT_EQ(as::map_anywhere(2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &m), 0);
	static_cast<char *>(m)[0] = 7;
	void *target = static_cast<char *>(rsv) + 2 * page;
	ASSERT_EQ(as::move_onto(m, 2 * page, target), 0);
	EXPECT_FALSE(as::owned(m, 2 * page)); // moved away
	EXPECT_EQ(static_cast<char *>(target)[0], 7);
	EXPECT_TRUE(as::owned(rsv, 8 * page));

	ASSERT_EQ(as::cover_with_placeholder(target, 2 * page), 0);
	ASSERT_EQ(as::release(rsv, page), 0);
	EXPECT_FALSE(as::owned(rsv, page));
	EXPECT_TRUE(as::owned(static_cast<char *>(rsv) + page, 7 * page));
	ASSERT_EQ(as::release(static_cast<char *>(rsv) + page, 7 * page), 0);
	EXPECT_EQ(as::owned_bytes(), before);
}

TEST_F(Ledger, ReserveExactlyNeverReplaces)
{
	const std::size_t page = pmem2::common::page_size();
	void *mine = ::mmap(nullptr, 4 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(mine, MAP_FAILED);
	EXPECT_EQ(as::reserve_exactly(static_cast<char *>(mine) + page, page), EEXIST);
	EXPECT_FALSE(as::owned(mine, 4 * page));
	::munmap(mine, 4 * page);
}

TEST_F(Ledger, MapAnywhereRefusesFixedFlags)
{
	void *p = nullptr;
	EXPECT_EQ(as::map_anywhere(4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, &p), EINVAL);
	EXPECT_EQ(p, nullptr);
}

using LedgerDeathTest = Ledger;

TEST_F(LedgerDeathTest, ReleasingForeignMemoryAborts)
{
	const std::size_t page = pmem2::common::page_size();
	void *foreign = ::mmap(nullptr, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(foreign, MAP_FAILED);
	EXPECT_DEATH((void)as::release(foreign, page), "ownership violation in release");
	EXPECT_DEATH((void)as::cover_with_placeholder(foreign, page), "ownership violation in cover_with_placeholder");
	void *mine = nullptr;
	ASSERT_EQ(as::reserve(page, &mine), 0);
	EXPECT_DEATH((void)as::move_onto(mine, page, foreign), "ownership violation in move_onto \\(target\\)");
	// Nothing was touched: the foreign page is still mapped and readable.
	EXPECT_EQ(static_cast<volatile char *>(foreign)[0], 0);
	ASSERT_EQ(as::release(mine, page), 0);
	::munmap(foreign, page);
}

TEST_F(LedgerDeathTest, ReleasingPastTheOwnedEndAborts)
{
	const std::size_t page = pmem2::common::page_size();
	void *mine = nullptr;
	ASSERT_EQ(as::reserve(2 * page, &mine), 0);
	EXPECT_DEATH((void)as::release(mine, 3 * page), "ownership violation in release");
	pmem2::common::MappedRange r(mine, 2 * page); // released by the owner
}

} // namespace
