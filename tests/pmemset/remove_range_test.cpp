// SPDX-License-Identifier: BSD-3-Clause
// remove_range_test.cpp -- removing ranges over one, several and partial part
// maps: whole removal, trimming at either end, splitting, references, events.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sys/mman.h>

#include "pmemset_fixture.hpp"

using namespace pmemset_test;

namespace {

// A set with one part map coalesced from `n` one-page parts in a reservation of
// n+2 pages; page i holds the letter 'a'+i.
class RemoveRangeTest : public SetTest {
protected:
	char *build(int n)
	{
		trsv.reset(new TestReservation((n + 2) * page()));
		make_set(trsv->rsv);
		EXPECT_EQ(pmemset_set_contiguous_part_coalescing(set, PMEMSET_COALESCING_FULL), 0);
		for (int i = 0; i < n; ++i) {
			pmemset_source *src = file_source(page());
			std::string buf(page(), static_cast<char>('a' + i));
			EXPECT_EQ(pwrite(files.back()->fd(), buf.data(), page(), 0), (ssize_t)page());
			map(src, 0, 0);
		}
		rec.events.clear();
		return trsv->addr();
	}
	// True when addr is accessible; a range given back to a reservation is an
	// inaccessible placeholder again ("---p" in /proc/self/maps).
	static bool mapped(void *addr)
	{
		auto a = reinterpret_cast<std::uintptr_t>(addr);
		std::ifstream maps("/proc/self/maps");
		std::string line;
		while (std::getline(maps, line)) {
			std::uintptr_t lo = 0, hi = 0;
			char perms[5] = {};
			if (std::sscanf(line.c_str(), "%lx-%lx %4s", &lo, &hi, perms) == 3 && a >= lo &&
				a < hi)
				return perms[0] == 'r';
		}
		return false;
	}
};

} // namespace

TEST_F(RemoveRangeTest, NoOverlapReturnsZeroAndFiresTheEvent)
{
	char *base = build(2);
	EXPECT_EQ(pmemset_remove_range(set, base + 3 * page(), page()), 0);
	EXPECT_EQ(pmemset_remove_range(set, base, 0), 0);
	ASSERT_EQ(rec.events.size(), 2u);
	EXPECT_EQ(rec.events[0].type, PMEMSET_EVENT_REMOVE_RANGE);
	EXPECT_EQ(rec.events[0].data.remove_range.addr, base + 3 * page());
	EXPECT_EQ(rec.events[0].data.remove_range.len, page());
	EXPECT_EQ(part_maps().size(), 1u);
	EXPECT_EQ(pmemset_remove_range(nullptr, base, page()), -EINVAL);
}

TEST_F(RemoveRangeTest, WholePartMap)
{
	char *base = build(3);
	// Touching the first and the last part removes the whole part map.
	ASSERT_EQ(pmemset_remove_range(set, base + page() - 1, page() + 2), 0) << pmemset_errormsg();
	ASSERT_EQ(rec.types(),
		(std::vector<pmemset_event>{PMEMSET_EVENT_REMOVE_RANGE, PMEMSET_EVENT_PART_REMOVE}));
	EXPECT_TRUE(part_maps().empty());
	EXPECT_FALSE(mapped(base + page()));
}

TEST_F(RemoveRangeTest, WholePartMapFiresPartRemove)
{
	char *base = build(3);
	ASSERT_EQ(pmemset_remove_range(set, base, 3 * page()), 0);
	ASSERT_EQ(rec.types(),
		(std::vector<pmemset_event>{PMEMSET_EVENT_REMOVE_RANGE, PMEMSET_EVENT_PART_REMOVE}));
	EXPECT_EQ(rec.events[1].data.part_remove.addr, base);
	EXPECT_EQ(rec.events[1].data.part_remove.len, 3 * page());
	EXPECT_TRUE(part_maps().empty());
	EXPECT_FALSE(mapped(base));
}

TEST_F(RemoveRangeTest, TrimFront)
{
	char *base = build(3);
	ASSERT_EQ(pmemset_remove_range(set, base + 10, 1), 0); // any byte takes its whole part
	auto maps = part_maps();
	ASSERT_EQ(maps.size(), 1u);
	EXPECT_EQ(maps[0].addr, base + page());
	EXPECT_EQ(maps[0].size, 2 * page());
	EXPECT_FALSE(mapped(base));
	EXPECT_EQ(base[page()], 'b');
	ASSERT_EQ(rec.types(), (std::vector<pmemset_event>{PMEMSET_EVENT_REMOVE_RANGE}));
	struct pmemset_part_map *pm = nullptr;
	EXPECT_EQ(pmemset_part_map_by_address(set, &pm, base), PMEMSET_E_CANNOT_FIND_PART_MAP);
	ASSERT_EQ(pmemset_part_map_by_address(set, &pm, base + page()), 0);
	pmemset_part_map_drop(&pm);
}

TEST_F(RemoveRangeTest, TrimBackThenCoalesceAgain)
{
	char *base = build(3);
	ASSERT_EQ(pmemset_remove_range(set, base + 2 * page(), page()), 0);
	auto maps = part_maps();
	ASSERT_EQ(maps.size(), 1u);
	EXPECT_EQ(maps[0].addr, base);
	EXPECT_EQ(maps[0].size, 2 * page());
	EXPECT_FALSE(mapped(base + 2 * page()));
	// The freed tail is where the next coalesced part goes.
	pmemset_source *src = file_source(page());
	auto d = map(src, 0, 0);
	EXPECT_EQ(d.addr, base);
	EXPECT_EQ(d.size, 3 * page());
}

TEST_F(RemoveRangeTest, SplitInTwo)
{
	char *base = build(3);
	ASSERT_EQ(pmemset_remove_range(set, base + page() + 7, 9), 0);
	auto maps = part_maps();
	ASSERT_EQ(maps.size(), 2u);
	EXPECT_EQ(maps[0].addr, base);
	EXPECT_EQ(maps[0].size, page());
	EXPECT_EQ(maps[1].addr, base + 2 * page());
	EXPECT_EQ(maps[1].size, page());
	EXPECT_FALSE(mapped(base + page()));
	EXPECT_EQ(base[0], 'a');
	EXPECT_EQ(base[2 * page()], 'c');
	// Both halves are removable on their own.
	struct pmemset_part_map *pm = nullptr;
	ASSERT_EQ(pmemset_part_map_by_address(set, &pm, base + 2 * page()), 0);
	ASSERT_EQ(pmemset_remove_part_map(set, &pm), 0);
	ASSERT_EQ(pmemset_part_map_by_address(set, &pm, base), 0);
	ASSERT_EQ(pmemset_remove_part_map(set, &pm), 0);
	EXPECT_TRUE(part_maps().empty());
}

TEST_F(SetTest, RemoveRangeOverSeveralPartMaps)
{
	trsv.reset(new TestReservation(6 * page()));
	make_set(trsv->rsv);
	pmemset_source *src = file_source(2 * page());
	char *base = trsv->addr();
	for (int i = 0; i < 3; ++i)
		map(src, 0, 2 * page()); // [0,2) [2,4) [4,6) pages, separate part maps
	rec.events.clear();
	// Partly over the first, wholly over the second, partly over the third.
	ASSERT_EQ(pmemset_remove_range(set, base + page() + 1, 3 * page()), 0);
	// Each part map is one part: every one touched goes whole.
	EXPECT_TRUE(part_maps().empty());
	auto t = rec.types();
	ASSERT_EQ(t.size(), 4u);
	EXPECT_EQ(t[0], PMEMSET_EVENT_REMOVE_RANGE);
	for (int i = 1; i < 4; ++i) {
		EXPECT_EQ(t[i], PMEMSET_EVENT_PART_REMOVE);
		EXPECT_EQ(rec.events[i].data.part_remove.addr, base + 2 * (i - 1) * page());
	}
}

TEST_F(RemoveRangeTest, ReferencedPartMapIsNotTouched)
{
	char *base = build(2);
	struct pmemset_part_map *pm = nullptr;
	ASSERT_EQ(pmemset_part_map_by_address(set, &pm, base), 0);
	EXPECT_EQ(pmemset_remove_range(set, base, page()), PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	EXPECT_TRUE(mapped(base));
	EXPECT_EQ(part_maps().size(), 1u);
	pmemset_part_map_drop(&pm);
	// Deep flush takes no reference that could block removal (the reference leaked them).
	EXPECT_EQ(pmemset_deep_flush(set, base, 2 * page()), 0) << pmemset_errormsg();
	EXPECT_EQ(pmemset_remove_range(set, base, page()), 0);
}
