// SPDX-License-Identifier: BSD-3-Clause
// deep_flush_test.cpp -- pmem2_deep_flush: the range check (overflow included),
// PAGE as a no-op, NOSUPP for anonymous memory, msync for file maps.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core_test_util.hpp"

using namespace pmem2::test;

namespace {

const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));
const long kPageKb = static_cast<long>(kPage / 1024);

struct FileMap {
	TempFile file;
	SourcePtr src;
	MapPtr map;
	FileMap(const char *force, size_t size, pmem2_sharing_type sharing = PMEM2_SHARED) : file(size)
	{
		ScopedEnv e("PMEM2_FORCE_GRANULARITY", force);
		src = source_from_fd(file.fd());
		ConfigPtr cfg = make_config(PMEM2_GRANULARITY_PAGE);
		EXPECT_EQ(pmem2_config_set_sharing(cfg.get(), sharing), 0);
		map = must_map(cfg, src);
	}
	char *addr() const { return static_cast<char *>(pmem2_map_get_address(map.get())); }
};

} // namespace

TEST(DeepFlush, RangeMustLieInsideTheMap)
{
	for (const char *force : {"PAGE", "CACHE_LINE", "BYTE"}) {
		FileMap m(force, 5000);
		pmem2_map *map = m.map.get();
		char *a = m.addr();
		EXPECT_EQ(pmem2_deep_flush(map, a - 1, 1), PMEM2_E_DEEP_FLUSH_RANGE) << force;
		EXPECT_STRNE(pmem2_errormsg(), "");
		EXPECT_EQ(pmem2_deep_flush(map, a, 5001), PMEM2_E_DEEP_FLUSH_RANGE);
		EXPECT_EQ(pmem2_deep_flush(map, a + 4999, 2), PMEM2_E_DEEP_FLUSH_RANGE);
		EXPECT_EQ(pmem2_deep_flush(map, a + 5000, 1), PMEM2_E_DEEP_FLUSH_RANGE);
		// ptr + size wraps around: refused (the reference let it through).
		EXPECT_EQ(pmem2_deep_flush(map, a + 1, SIZE_MAX), PMEM2_E_DEEP_FLUSH_RANGE);
		EXPECT_EQ(pmem2_deep_flush(map, a + 100, SIZE_MAX - 50), PMEM2_E_DEEP_FLUSH_RANGE);
		// The edges themselves are fine, size 0 included.
		EXPECT_EQ(pmem2_deep_flush(map, a, 5000), 0);
		EXPECT_EQ(pmem2_deep_flush(map, a + 5000, 0), 0);
		EXPECT_EQ(pmem2_deep_flush(map, a + 4999, 1), 0);
	}
}

TEST(DeepFlush, PageIsANoOp)
{
	FileMap m("PAGE", 4 * kPage);
	ASSERT_EQ(pmem2_map_get_store_granularity(m.map.get()), PMEM2_GRANULARITY_PAGE);
	// PAGE deep flush must not write anything back.
	const std::vector<long> want = {0, 4 * kPageKb};
	EXPECT_EQ(observe_until(want,
				[&] {
					std::memset(m.addr(), 1, 4 * kPage);
					return std::vector<long>{pmem2_deep_flush(m.map.get(), m.addr(), 4 * kPage),
								 dirty_kb(m.addr())};
				}),
		  want);
}

TEST(DeepFlush, FileMapsAreSyncedFromTheContainingPage)
{
	for (const char *force : {"CACHE_LINE", "BYTE"}) {
		FileMap m(force, 4 * kPage);
		// From the middle of page 1 to the middle of page 2: pages 1 and 2.
		const std::vector<long> want = {4 * kPageKb, 0, 2 * kPageKb, 0, 0};
		EXPECT_EQ(observe_until(want,
					[&] {
						std::memset(m.addr(), 1, 4 * kPage);
						std::vector<long> v = {dirty_kb(m.addr())};
						v.push_back(pmem2_deep_flush(m.map.get(), m.addr() + kPage + 10, kPage));
						v.push_back(dirty_kb(m.addr()));
						v.push_back(pmem2_deep_flush(m.map.get(), m.addr(), 4 * kPage));
						v.push_back(dirty_kb(m.addr()));
						return v;
					}),
			  want)
			<< force;
	}
}

TEST(DeepFlush, PrivateFileMapSucceeds)
{
	FileMap m(nullptr, kPage, PMEM2_PRIVATE);
	ASSERT_EQ(pmem2_map_get_store_granularity(m.map.get()), PMEM2_GRANULARITY_BYTE);
	m.addr()[0] = 1;
	EXPECT_EQ(pmem2_deep_flush(m.map.get(), m.addr(), kPage), 0);
}

TEST(DeepFlush, AnonymousIsNotSupported)
{
	for (auto sharing : {PMEM2_SHARED, PMEM2_PRIVATE}) {
		SourcePtr src = source_from_anon(kPage);
		ConfigPtr cfg = make_config(PMEM2_GRANULARITY_BYTE);
		ASSERT_EQ(pmem2_config_set_sharing(cfg.get(), sharing), 0);
		MapPtr m = must_map(cfg, src);
		auto *a = static_cast<char *>(pmem2_map_get_address(m.get()));
		EXPECT_EQ(pmem2_deep_flush(m.get(), a, 10), PMEM2_E_NOSUPP);
		EXPECT_STRNE(pmem2_errormsg(), "");
		// The range check comes first.
		EXPECT_EQ(pmem2_deep_flush(m.get(), a, kPage + 1), PMEM2_E_DEEP_FLUSH_RANGE);
	}
}

TEST(DeepFlush, NullMapIsAnError)
{
	char buf[8];
	EXPECT_LT(pmem2_deep_flush(nullptr, buf, sizeof(buf)), 0);
}
