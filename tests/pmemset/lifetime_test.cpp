// SPDX-License-Identifier: BSD-3-Clause
// lifetime_test.cpp -- deleting a handle while objects made from it live: a part
// keeps its source and its set alive, so the library never reads freed memory
// (run under ASan in CI). The rules are in doc/lifetimes.md.
#include "pmemset_fixture.hpp"

namespace {

using namespace pmemset_test;

TEST_F(SetTest, SourceDeletedUnderALivePartStillMapsIt)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	pmemset_part *part = nullptr;
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, 2 * page()), 0);
	sources.clear(); // the test deletes it here, not in TearDown
	ASSERT_EQ(pmemset_source_delete(&src), 0);
	EXPECT_EQ(src, nullptr);
	pmemset_part_descriptor desc{};
	ASSERT_EQ(pmemset_part_map(&part, nullptr, &desc), 0) << pmemset_errormsg();
	EXPECT_EQ(part, nullptr);
	ASSERT_EQ(desc.size, 2 * page());
	static_cast<char *>(desc.addr)[0] = 'x';
	EXPECT_EQ(pmemset_persist(set, desc.addr, 1), 0);
}

TEST_F(SetTest, SourceDeletedUnderALivePartThenPartDeleted)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	pmemset_part *part = nullptr;
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, 0), 0);
	sources.clear();
	ASSERT_EQ(pmemset_source_delete(&src), 0);
	EXPECT_EQ(pmemset_part_delete(&part), 0); // the last reference: the source goes here
}

TEST_F(SetTest, SourceDeletedUnderPartMapsKeepsThemMapped)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	pmemset_part_descriptor desc = map(src, 0, 4 * page());
	sources.clear();
	ASSERT_EQ(pmemset_source_delete(&src), 0);
	static_cast<char *>(desc.addr)[4 * page() - 1] = 'y';
	EXPECT_EQ(part_maps().size(), 1u);
}

TEST_F(SetTest, SetDeletedUnderALivePartRefusesTheMap)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	pmemset_part *part = nullptr;
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, 0), 0);
	map(src, 0, 2 * page()); // something mapped when the set goes
	ASSERT_EQ(pmemset_delete(&set), 0);
	EXPECT_EQ(set, nullptr);
	pmemset_part_descriptor desc{};
	EXPECT_EQ(pmemset_part_map(&part, nullptr, &desc), -EINVAL);
	EXPECT_NE(std::string(pmemset_errormsg()).find("deleted"), std::string::npos);
	EXPECT_NE(part, nullptr); // still the caller's
	EXPECT_EQ(pmemset_part_delete(&part), 0); // the set object goes here
}

} // namespace
