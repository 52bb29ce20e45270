// SPDX-License-Identifier: BSD-3-Clause
// extents_test.cpp -- device-to-file translation of bad ranges (pure function) and
// FIEMAP on the machine's /tmp.
#include <gtest/gtest.h>

#include <unistd.h>

#include "pmem2/badblock/extents.hpp"
#include "test_files.hpp"

using namespace pmem2::badblock;

namespace {
FileLayout two_extents()
{
	// file [0,64K) at device 1M, file [1M,1M+64K) at device 8M
	return FileLayout{{{0, 1 << 20, 64 << 10}, {1 << 20, 8 << 20, 64 << 10}}, 4096};
}
} // namespace

TEST(Extents, InsideOneExtentIsWidenedToBlocks)
{
	auto r = to_file_ranges(two_extents(), {(1 << 20) + 4096 + 512, 512});
	ASSERT_EQ(r.size(), 1u);
	EXPECT_EQ(r[0], (Range{4096, 4096}));
}

TEST(Extents, StraddlingABlockBoundaryCoversBothBlocks)
{
	auto r = to_file_ranges(two_extents(), {(1 << 20) + 8192 - 512, 1024});
	ASSERT_EQ(r.size(), 1u);
	EXPECT_EQ(r[0], (Range{4096, 8192}));
}

TEST(Extents, OutsideEveryExtentGivesNothing)
{
	EXPECT_TRUE(to_file_ranges(two_extents(), {0, 4096}).empty());
	EXPECT_TRUE(to_file_ranges(two_extents(), {(1 << 20) + (64 << 10), 4096}).empty()); // just past
	EXPECT_TRUE(to_file_ranges(two_extents(), {5 << 20, 1 << 20}).empty());
}

TEST(Extents, ARangeOverSeveralExtentsIsReportedOncePerExtent)
{
	FileLayout l{{{0, 4096, 8192}, {65536, 12288, 4096}, {8192, 100000 * 4096ULL, 4096}}, 4096};
	// device [4096, 16384) covers extent 0 fully and extent 1 fully
	auto r = to_file_ranges(l, {4096, 12288});
	ASSERT_EQ(r.size(), 2u);
	EXPECT_EQ(r[0], (Range{0, 8192}));
	EXPECT_EQ(r[1], (Range{65536, 4096}));
}

TEST(Extents, ClippedToTheExtentEdges)
{
	FileLayout l{{{40960, 1 << 20, 8192}}, 4096};
	auto r = to_file_ranges(l, {(1 << 20) - 4096, 3 * 4096}); // starts before, ends after
	ASSERT_EQ(r.size(), 1u);
	EXPECT_EQ(r[0], (Range{40960, 8192}));
}

TEST(Extents, FiemapOfARealFile)
{
	pmem2::test::TempFile f(0);
	std::string data(3 * 4096, 'x');
	ASSERT_EQ(pwrite(f.fd(), data.data(), data.size(), 0), (ssize_t)data.size());
	ASSERT_EQ(pwrite(f.fd(), data.data(), 4096, 1 << 20), 4096);
	ASSERT_EQ(fsync(f.fd()), 0);
	auto l = read_layout(f.fd());
	if (!l && l.error().code == -EOPNOTSUPP)
		GTEST_SKIP() << "/tmp has no FIEMAP";
	ASSERT_TRUE(l) << l.error().message;
	ASSERT_GE(l.value().extents.size(), 2u); // the hole splits the file
	EXPECT_EQ(l.value().extents.front().logical, 0u);
	EXPECT_EQ(l.value().extents.back().logical + l.value().extents.back().length, (1u << 20) + 4096);
	EXPECT_GT(l.value().block_size, 0u);
}

TEST(Extents, EmptyFileHasNoExtents)
{
	pmem2::test::TempFile f(0);
	auto l = read_layout(f.fd());
	ASSERT_TRUE(l);
	EXPECT_TRUE(l.value().extents.empty());
}

TEST(Extents, BadDescriptorIsAnErrno)
{
	auto l = read_layout(-1);
	ASSERT_FALSE(l);
	EXPECT_EQ(l.error().code, -EBADF);
}
