// SPDX-License-Identifier: BSD-3-Clause
// part_map_test.cpp -- parts, part maps, placement, coalescing, lookup, iteration
// and whole removal.
#include <cerrno>
#include <cstdint>
#include <sys/mman.h>
#include <sys/stat.h>

#include "pmemset_fixture.hpp"

using namespace pmemset_test;

namespace {

// Fills the file behind fd with `byte` in [off, off+len).
void fill(int fd, std::size_t off, std::size_t len, char byte)
{
	std::string buf(len, byte);
	ASSERT_EQ(pwrite(fd, buf.data(), len, static_cast<off_t>(off)), static_cast<ssize_t>(len));
}

} // namespace

TEST_F(SetTest, PartNewAndDelete)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	pmemset_part *part = nullptr;
	EXPECT_EQ(pmemset_part_new(nullptr, set, src, 0, 0), -EINVAL);
	EXPECT_EQ(pmemset_part_new(&part, nullptr, src, 0, 0), -EINVAL);
	EXPECT_EQ(pmemset_part_new(&part, set, nullptr, 0, 0), -EINVAL);
	EXPECT_EQ(part, nullptr);
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, page()), 0);
	EXPECT_EQ(pmemset_part_delete(&part), 0);
	EXPECT_EQ(part, nullptr);
	EXPECT_EQ(pmemset_part_delete(&part), 0);
	EXPECT_EQ(pmemset_part_delete(nullptr), -EINVAL);
	// The path is checked again: a vanished file is INVALID_SOURCE_PATH.
	unlink(files.back()->path().c_str());
	EXPECT_EQ(pmemset_part_new(&part, set, src, 0, 0), PMEMSET_E_INVALID_SOURCE_PATH);
	EXPECT_EQ(part, nullptr);
}

TEST_F(SetTest, MapWholeFileDescriptorEventAndGranularity)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	fill(files.back()->fd(), 0, 4 * page(), 'x');
	pmemset_part *part = nullptr;
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, 0), 0);
	pmemset_part_descriptor desc{nullptr, 0};
	ASSERT_EQ(pmemset_part_map(&part, nullptr, &desc), 0) << pmemset_errormsg();
	EXPECT_EQ(part, nullptr); // consumed
	ASSERT_NE(desc.addr, nullptr);
	EXPECT_EQ(desc.size, 4 * page()); // length 0: the whole source
	EXPECT_EQ(static_cast<char *>(desc.addr)[4 * page() - 1], 'x');

	ASSERT_EQ(rec.events.size(), 1u);
	EXPECT_EQ(rec.events[0].type, PMEMSET_EVENT_PART_ADD);
	EXPECT_EQ(rec.events[0].data.part_add.addr, desc.addr);
	EXPECT_EQ(rec.events[0].data.part_add.len, desc.size);
	EXPECT_NE(rec.events[0].data.part_add.src, nullptr);
	EXPECT_EQ(rec.last_set, set);

	enum pmem2_granularity g;
	ASSERT_EQ(pmemset_get_store_granularity(set, &g), 0);
	EXPECT_EQ(g, PMEM2_GRANULARITY_PAGE);
	EXPECT_EQ(pmemset_get_store_granularity(nullptr, &g), -EINVAL);
	EXPECT_EQ(pmemset_get_store_granularity(set, nullptr), -EINVAL);

	// desc is optional; extras are accepted.
	pmemset_extras extras{nullptr, nullptr, nullptr};
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, page()), 0);
	EXPECT_EQ(pmemset_part_map(&part, &extras, nullptr), 0);
	EXPECT_EQ(part_maps().size(), 2u);
	EXPECT_EQ(pmemset_part_map(nullptr, nullptr, nullptr), -EINVAL);
	EXPECT_EQ(pmemset_part_map(&part, nullptr, nullptr), -EINVAL); // *part NULL
}

TEST_F(SetTest, MapErrorsLeaveThePartToTheCaller)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	map(src, static_cast<std::size_t>(INT64_MAX) + 1, page(), PMEMSET_E_INVALID_OFFSET_VALUE);
	map(src, 0, 100, PMEMSET_E_LENGTH_UNALIGNED);
	map(src, 2 * page(), 4 * page(), PMEMSET_E_INVALID_PMEM2_MAP); // past the end of the file
	EXPECT_NE(std::string(pmemset_errormsg()).find("pmem2"), std::string::npos);
	enum pmem2_granularity g;
	EXPECT_EQ(pmemset_get_store_granularity(set, &g), PMEMSET_E_NO_PART_MAPPED);
	EXPECT_TRUE(part_maps().empty());
	EXPECT_TRUE(rec.events.empty()); // no PART_ADD for failures
}

TEST_F(SetTest, RequiredGranularityTheFileCannotGive)
{
	pmem2::test::ScopedEnv no_force("PMEM2_FORCE_GRANULARITY", nullptr);
	make_set(nullptr, PMEM2_GRANULARITY_CACHE_LINE);
	pmemset_source *src = file_source(page());
	map(src, 0, 0, PMEMSET_E_INVALID_PMEM2_MAP); // /tmp is not DAX: PAGE only
}

TEST_F(SetTest, GranularityMismatch)
{
	make_set();
	pmemset_source *src = file_source(4 * page());
	{
		pmem2::test::ScopedEnv force("PMEM2_FORCE_GRANULARITY", "PAGE");
		map(src, 0, page());
	}
	{
		pmem2::test::ScopedEnv force("PMEM2_FORCE_GRANULARITY", "CACHE_LINE");
		map(src, page(), page(), PMEMSET_E_GRANULARITY_MISMATCH);
	}
	EXPECT_EQ(part_maps().size(), 1u);
	enum pmem2_granularity g;
	ASSERT_EQ(pmemset_get_store_granularity(set, &g), 0);
	EXPECT_EQ(g, PMEM2_GRANULARITY_PAGE);
}

TEST_F(SetTest, TemporarySourceGrowsOnDemand)
{
	make_set();
	pmemset_source *src = nullptr;
	ASSERT_EQ(pmemset_source_from_temporary(&src, "/dev/shm"), 0);
	sources.push_back(src);
	auto a = map(src, page(), 2 * page());
	ASSERT_EQ(a.size, 2 * page());
	static_cast<char *>(a.addr)[0] = 'a'; // backed: no SIGBUS
	auto b = map(src, 0, page());
	static_cast<char *>(b.addr)[0] = 'b';
	EXPECT_EQ(part_maps().size(), 2u);
	// Growth past what the file system allows.
	pmemset_source *tmp = nullptr;
	ASSERT_EQ(pmemset_source_from_temporary(&tmp, "/tmp"), 0);
	sources.push_back(tmp);
	map(tmp, 0, std::size_t(1) << 50, PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE);
	map(tmp, static_cast<std::size_t>(INT64_MAX) - page() + 1, 2 * page(),
		PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE);
}

TEST_F(SetTest, XsourceTruncateIfNeededGrowsTheFile)
{
	make_set();
	std::string path = "/tmp/pmemset-grow-" + std::to_string(getpid());
	pmemset_source *src = nullptr;
	ASSERT_EQ(pmemset_xsource_from_file(&src, path.c_str(),
			  PMEMSET_SOURCE_FILE_CREATE_ALWAYS | PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED),
		0);
	sources.push_back(src);
	map(src, 2 * page(), 2 * page());
	struct stat st;
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_EQ(static_cast<size_t>(st.st_size), 4 * page());
	map(src, 0, page()); // never shrinks
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_EQ(static_cast<size_t>(st.st_size), 4 * page());
	// Without the flag the file is not grown.
	pmemset_source *plain = nullptr;
	ASSERT_EQ(pmemset_source_from_file(&plain, path.c_str()), 0);
	sources.push_back(plain);
	map(plain, 4 * page(), page(), PMEMSET_E_INVALID_PMEM2_MAP);
	EXPECT_EQ(unlink(path.c_str()), 0);
}

TEST_F(SetTest, LookupIterationAndReferences)
{
	make_set();
	pmemset_source *src = file_source(8 * page());
	auto a = map(src, 0, 2 * page());
	auto b = map(src, 4 * page(), page());
	auto *lo = static_cast<char *>(a.addr < b.addr ? a.addr : b.addr);
	auto *hi = static_cast<char *>(a.addr < b.addr ? b.addr : a.addr);

	struct pmemset_part_map *pm = nullptr;
	ASSERT_EQ(pmemset_part_map_by_address(set, &pm, static_cast<char *>(a.addr) + page() + 5), 0);
	EXPECT_EQ(pmemset_descriptor_part_map(pm).addr, a.addr);
	EXPECT_EQ(pmemset_descriptor_part_map(pm).size, 2 * page());
	pmemset_part_map_drop(&pm);
	EXPECT_EQ(pm, nullptr);
	EXPECT_EQ(pmemset_part_map_by_address(set, &pm, static_cast<char *>(a.addr) + 2 * page()),
		PMEMSET_E_CANNOT_FIND_PART_MAP);
	EXPECT_EQ(pm, nullptr);
	EXPECT_EQ(pmemset_part_map_by_address(set, &pm, nullptr), PMEMSET_E_CANNOT_FIND_PART_MAP);
	EXPECT_EQ(pmemset_part_map_by_address(nullptr, &pm, a.addr), -EINVAL);
	EXPECT_EQ(pmemset_part_map_by_address(set, nullptr, a.addr), -EINVAL);

	// Iteration goes by address.
	struct pmemset_part_map *first = nullptr, *second = nullptr, *third = nullptr;
	pmemset_first_part_map(set, &first);
	ASSERT_NE(first, nullptr);
	EXPECT_EQ(pmemset_descriptor_part_map(first).addr, lo);
	pmemset_next_part_map(set, first, &second);
	ASSERT_NE(second, nullptr);
	EXPECT_EQ(pmemset_descriptor_part_map(second).addr, hi);
	pmemset_next_part_map(set, second, &third);
	EXPECT_EQ(third, nullptr);
	pmemset_first_part_map(nullptr, &third);
	EXPECT_EQ(third, nullptr);
	pmemset_next_part_map(set, nullptr, &third);
	EXPECT_EQ(third, nullptr);
	pmemset_first_part_map(set, nullptr); // no crash
	pmemset_next_part_map(set, first, nullptr);
	pmemset_part_map_drop(nullptr);
	auto none = pmemset_descriptor_part_map(nullptr);
	EXPECT_EQ(none.addr, nullptr);
	EXPECT_EQ(none.size, 0u);

	// A held reference blocks removal: own reference only is fine.
	struct pmemset_part_map *again = nullptr;
	ASSERT_EQ(pmemset_part_map_by_address(set, &again, lo), 0); // second reference to `first`
	EXPECT_EQ(pmemset_remove_part_map(set, &first), PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	EXPECT_NE(first, nullptr);
	pmemset_part_map_drop(&again);
	rec.events.clear();
	ASSERT_EQ(pmemset_remove_part_map(set, &first), 0) << pmemset_errormsg();
	EXPECT_EQ(first, nullptr);
	ASSERT_EQ(rec.events.size(), 1u);
	EXPECT_EQ(rec.events[0].type, PMEMSET_EVENT_PART_REMOVE);
	EXPECT_EQ(rec.events[0].data.part_remove.addr, lo);
	EXPECT_EQ(part_maps().size(), 1u);
	// A part map of another set is not found.
	pmemset *other = nullptr;
	ASSERT_EQ(pmemset_new(&other, cfg), 0);
	EXPECT_EQ(pmemset_remove_part_map(other, &second), PMEMSET_E_PART_NOT_FOUND);
	pmemset_delete(&other);
	EXPECT_EQ(pmemset_remove_part_map(nullptr, &second), -EINVAL);
	EXPECT_EQ(pmemset_remove_part_map(set, nullptr), -EINVAL);
	pmemset_part_map_drop(&second);
	// pmemset_delete ignores references and unmaps everything.
	struct pmemset_part_map *held = nullptr;
	pmemset_first_part_map(set, &held);
	ASSERT_NE(held, nullptr);
}

TEST_F(SetTest, CoalescingValueValidation)
{
	make_set();
	EXPECT_EQ(pmemset_set_contiguous_part_coalescing(set, static_cast<pmemset_coalescing>(3)),
		PMEMSET_E_INVALID_COALESCING_VALUE);
	EXPECT_EQ(pmemset_set_contiguous_part_coalescing(set, static_cast<pmemset_coalescing>(-1)),
		PMEMSET_E_INVALID_COALESCING_VALUE);
	EXPECT_EQ(pmemset_set_contiguous_part_coalescing(nullptr, PMEMSET_COALESCING_FULL), -EINVAL);
	for (auto c : {PMEMSET_COALESCING_NONE, PMEMSET_COALESCING_OPPORTUNISTIC, PMEMSET_COALESCING_FULL})
		EXPECT_EQ(pmemset_set_contiguous_part_coalescing(set, c), 0);
}

// Two files, each a page of its own letter, become one contiguous range.
class CoalesceTest : public SetTest, public ::testing::WithParamInterface<pmemset_coalescing> {};

TEST_P(CoalesceTest, WithoutReservationPartsBecomeOneRange)
{
	make_set();
	ASSERT_EQ(pmemset_set_contiguous_part_coalescing(set, GetParam()), 0);
	pmemset_source *s1 = file_source(page());
	fill(files.back()->fd(), 0, page(), 'A');
	pmemset_source *s2 = file_source(2 * page());
	fill(files.back()->fd(), 0, 2 * page(), 'B');
	auto a = map(s1, 0, 0);
	auto b = map(s2, 0, 0);
	EXPECT_EQ(b.addr, a.addr); // the whole coalesced part map
	EXPECT_EQ(b.size, 3 * page());
	auto *p = static_cast<char *>(a.addr);
	EXPECT_EQ(p[0], 'A');
	EXPECT_EQ(p[page()], 'B');
	EXPECT_EQ(p[3 * page() - 1], 'B');
	ASSERT_EQ(rec.events.size(), 2u);
	EXPECT_EQ(rec.events[1].data.part_add.addr, a.addr);
	EXPECT_EQ(rec.events[1].data.part_add.len, 3 * page());
	EXPECT_EQ(part_maps().size(), 1u);
}

TEST_P(CoalesceTest, InReservation)
{
	trsv.reset(new TestReservation(4 * page()));
	make_set(trsv->rsv);
	ASSERT_EQ(pmemset_set_contiguous_part_coalescing(set, GetParam()), 0);
	pmemset_source *src = file_source(4 * page());
	auto a = map(src, 0, page());
	EXPECT_EQ(a.addr, trsv->addr());
	auto b = map(src, page(), 2 * page());
	EXPECT_EQ(b.addr, trsv->addr());
	EXPECT_EQ(b.size, 3 * page());
	// One page is left; two do not fit after the part map.
	map(src, 0, 2 * page(),
		GetParam() == PMEMSET_COALESCING_FULL ? PMEMSET_E_CANNOT_COALESCE_PARTS
						      : PMEMSET_E_CANNOT_FIT_PART_MAP);
	EXPECT_EQ(pmem2_vm_reservation_get_size(trsv->rsv), 4 * page()); // never resized
}

INSTANTIATE_TEST_SUITE_P(Modes, CoalesceTest,
	::testing::Values(PMEMSET_COALESCING_OPPORTUNISTIC, PMEMSET_COALESCING_FULL),
	[](const ::testing::TestParamInfo<enum pmemset_coalescing> &i) {
		return i.param == PMEMSET_COALESCING_FULL ? "Full" : "Opportunistic";
	});

TEST_F(SetTest, NoneKeepsPartMapsApartAndFillsTheReservationFirstFit)
{
	trsv.reset(new TestReservation(3 * page()));
	make_set(trsv->rsv);
	pmemset_source *src = file_source(4 * page());
	auto a = map(src, 0, page());
	auto b = map(src, 0, page());
	EXPECT_EQ(a.addr, trsv->addr());
	EXPECT_EQ(b.addr, trsv->addr() + page());
	EXPECT_EQ(part_maps().size(), 2u);
	map(src, 0, 2 * page(), PMEMSET_E_CANNOT_FIT_PART_MAP);
	map(src, 0, 4 * page(), PMEMSET_E_CANNOT_FIT_PART_MAP);
	auto c = map(src, 0, page());
	EXPECT_EQ(c.addr, trsv->addr() + 2 * page());
	map(src, 0, page(), PMEMSET_E_CANNOT_FIT_PART_MAP); // full
	// Removing the first frees its range for first fit.
	ASSERT_EQ(pmemset_remove_range(set, a.addr, 1), 0);
	auto d = map(src, 0, page());
	EXPECT_EQ(d.addr, a.addr);
}

TEST_F(SetTest, OccupiedRangeAfterPreviousPartMap)
{
	trsv.reset(new TestReservation(4 * page()));
	make_set(trsv->rsv);
	pmemset_source *src = file_source(4 * page());
	auto a = map(src, 0, page()); // offset 0
	// A mapping the set does not know about right after it.
	pmem2::test::TempFile foreign_file(page());
	pmem2_source *fsrc = nullptr;
	pmem2_config *fcfg = nullptr;
	pmem2_map *foreign = nullptr;
	ASSERT_EQ(pmem2_source_from_fd(&fsrc, foreign_file.fd()), 0);
	ASSERT_EQ(pmem2_config_new(&fcfg), 0);
	ASSERT_EQ(pmem2_config_set_required_store_granularity(fcfg, PMEM2_GRANULARITY_PAGE), 0);
	ASSERT_EQ(pmem2_config_set_vm_reservation(fcfg, trsv->rsv, page()), 0);
	ASSERT_EQ(pmem2_map_new(&foreign, fcfg, fsrc), 0) << pmem2_errormsg();

	ASSERT_EQ(pmemset_set_contiguous_part_coalescing(set, PMEMSET_COALESCING_FULL), 0);
	map(src, 0, page(), PMEMSET_E_CANNOT_COALESCE_PARTS);
	ASSERT_EQ(pmemset_set_contiguous_part_coalescing(set, PMEMSET_COALESCING_OPPORTUNISTIC), 0);
	auto b = map(src, 0, page()); // falls back to first fit, past the foreign map
	EXPECT_EQ(b.addr, trsv->addr() + 2 * page());
	EXPECT_EQ(b.size, page());
	EXPECT_EQ(part_maps().size(), 2u);
	EXPECT_NE(a.addr, b.addr);

	pmemset_delete(&set);
	pmem2_map_delete(&foreign);
	pmem2_config_delete(&fcfg);
	pmem2_source_delete(&fsrc);
}

TEST_F(SetTest, OwnReservationsAreReleased)
{
	make_set();
	pmemset_source *src = file_source(page());
	auto a = map(src, 0, page());
	ASSERT_EQ(pmemset_remove_range(set, a.addr, page()), 0);
	// The range is free again: a fixed no-replace mapping there succeeds.
	void *probe = mmap(a.addr, page(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		-1, 0);
	EXPECT_EQ(probe, a.addr);
	if (probe != MAP_FAILED)
		munmap(probe, page());
}
