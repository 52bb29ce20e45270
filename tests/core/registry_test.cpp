// SPDX-License-Identifier: BSD-3-Clause
// registry_test.cpp -- the process-wide map registry: overlap detection, removal,
// lowest-overlapping lookup. Uses fake address ranges (the registry never touches
// the memory), far from anything mapped.
#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include <libpmem2/base.h>

#include "pmem2/map/map.hpp"
#include "pmem2/map/registry.hpp"

using namespace pmem2::map;

namespace {

constexpr uintptr_t kBase = 0x100000000000; // 16 TiB: never a real mapping here

Map fake(uintptr_t off, size_t len)
{
	Map m;
	m.addr = reinterpret_cast<void *>(kBase + off);
	m.content_length = len;
	return m;
}

// Registers the given maps for the scope of a test.
struct Registered {
	std::vector<Map *> maps;
	explicit Registered(std::initializer_list<Map *> ms) : maps(ms)
	{
		for (Map *m : maps)
			EXPECT_TRUE(registry::add(*m, -1).ok());
	}
	~Registered()
	{
		for (Map *m : maps)
			EXPECT_TRUE(registry::remove(*m).ok());
	}
};

} // namespace

TEST(Registry, OverlapsAreRefusedWithTheGivenCode)
{
	Map a = fake(0x1000, 0x2000); // [0x1000, 0x3000)
	Registered reg{&a};
	struct R {
		uintptr_t off;
		size_t len;
	};
	for (R r : {R{0x1000, 0x2000}, R{0x1000, 1}, R{0x0, 0x1001}, R{0x2fff, 1}, R{0x2000, 0x5000},
		    R{0x0, 0x10000}, R{0x1800, 0x100}, R{0x2000, 0}}) {
		Map b = fake(r.off, r.len);
		auto st = registry::add(b, PMEM2_E_MAP_EXISTS);
		EXPECT_EQ(st.code(), PMEM2_E_MAP_EXISTS) << std::hex << r.off << "+" << r.len;
		EXPECT_NE(st.error().message.find("overlaps"), std::string::npos);
		auto st2 = registry::add(b, -EEXIST);
		EXPECT_EQ(st2.code(), -EEXIST);
	}
}

TEST(Registry, AdjacentRangesAreAccepted)
{
	Map a = fake(0x1000, 0x1000);
	Map left = fake(0x0, 0x1000);
	Map right = fake(0x2000, 0x1000);
	Registered reg{&a, &left, &right};
	registry::Span s;
	ASSERT_TRUE(registry::lowest_overlapping(kBase, kBase + 0x3000, s));
	EXPECT_EQ(s.begin, kBase);
	EXPECT_EQ(s.end, kBase + 0x1000);
}

TEST(Registry, RemoveUnknownIsMappingNotFound)
{
	Map a = fake(0x1000, 0x1000);
	EXPECT_EQ(registry::remove(a).code(), PMEM2_E_MAPPING_NOT_FOUND);
	Registered reg{&a};
	// Another object with the same range is not the registered one.
	Map twin = fake(0x1000, 0x1000);
	EXPECT_EQ(registry::remove(twin).code(), PMEM2_E_MAPPING_NOT_FOUND);
}

TEST(Registry, RemovedRangeCanBeReused)
{
	Map a = fake(0x1000, 0x1000);
	ASSERT_TRUE(registry::add(a, -1).ok());
	ASSERT_TRUE(registry::remove(a).ok());
	EXPECT_EQ(registry::remove(a).code(), PMEM2_E_MAPPING_NOT_FOUND);
	Map b = fake(0x1800, 0x1000);
	EXPECT_TRUE(registry::add(b, -1).ok());
	EXPECT_TRUE(registry::remove(b).ok());
}

TEST(Registry, LowestOverlappingLookup)
{
	Map a = fake(0x1000, 0x1000); // [1000, 2000)
	Map b = fake(0x4000, 0x2000); // [4000, 6000)
	Map c = fake(0x9000, 0x100);  // [9000, 9100)
	Registered reg{&c, &a, &b};
	registry::Span s{};

	// Lowest of several.
	ASSERT_TRUE(registry::lowest_overlapping(kBase, kBase + 0x10000, s));
	EXPECT_EQ(s.begin, kBase + 0x1000);
	EXPECT_EQ(s.end, kBase + 0x2000);
	// A range starting inside a map finds that map.
	ASSERT_TRUE(registry::lowest_overlapping(kBase + 0x5000, kBase + 0x5001, s));
	EXPECT_EQ(s.begin, kBase + 0x4000);
	// Skips a gap.
	ASSERT_TRUE(registry::lowest_overlapping(kBase + 0x2000, kBase + 0x9001, s));
	EXPECT_EQ(s.begin, kBase + 0x4000);
	ASSERT_TRUE(registry::lowest_overlapping(kBase + 0x6000, kBase + 0x9001, s));
	EXPECT_EQ(s.begin, kBase + 0x9000);
	EXPECT_EQ(s.end, kBase + 0x9100);
	// Ends are exclusive.
	EXPECT_FALSE(registry::lowest_overlapping(kBase + 0x2000, kBase + 0x4000, s));
	EXPECT_FALSE(registry::lowest_overlapping(kBase + 0x9100, kBase + 0xA000, s));
	EXPECT_FALSE(registry::lowest_overlapping(kBase, kBase + 0x1000, s));
}

TEST(Registry, ZeroLengthMapsOccupyOneByte)
{
	Map z = fake(0x3000, 0);
	Registered reg{&z};
	Map same = fake(0x3000, 0);
	EXPECT_EQ(registry::add(same, -1).code(), -1);
	Map over = fake(0x2000, 0x1001);
	EXPECT_EQ(registry::add(over, -1).code(), -1);
	Map before = fake(0x2000, 0x1000);
	EXPECT_TRUE(registry::add(before, -1).ok());
	EXPECT_TRUE(registry::remove(before).ok());
}
