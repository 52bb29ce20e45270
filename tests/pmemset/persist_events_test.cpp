// SPDX-License-Identifier: BSD-3-Clause
// persist_events_test.cpp -- persistence calls, mem functions, deep flush, the
// events they fire (compared in order, with payloads), and re-entrant callbacks.
#include <cstring>

#include "pmemset_fixture.hpp"

using namespace pmemset_test;

TEST_F(SetTest, NothingMappedIsAnErrorNotACrash)
{
	make_set();
	char buf[64];
	EXPECT_EQ(pmemset_persist(set, buf, sizeof(buf)), PMEMSET_E_NO_PART_MAPPED);
	EXPECT_EQ(pmemset_flush(set, buf, sizeof(buf)), PMEMSET_E_NO_PART_MAPPED);
	EXPECT_EQ(pmemset_drain(set), PMEMSET_E_NO_PART_MAPPED);
	EXPECT_EQ(pmemset_memcpy(set, buf, buf + 1, 1, 0), nullptr);
	EXPECT_EQ(pmemset_memmove(set, buf, buf + 1, 1, 0), nullptr);
	EXPECT_EQ(pmemset_memset(set, buf, 0, 1, 0), nullptr);
	EXPECT_NE(std::string(pmemset_errormsg()).find("no part"), std::string::npos);
	EXPECT_EQ(pmemset_deep_flush(set, buf, sizeof(buf)), 0); // nothing of the set there
	EXPECT_TRUE(rec.events.empty());
	EXPECT_EQ(pmemset_persist(nullptr, buf, 1), -EINVAL);
	EXPECT_EQ(pmemset_flush(nullptr, buf, 1), -EINVAL);
	EXPECT_EQ(pmemset_drain(nullptr), -EINVAL);
	EXPECT_EQ(pmemset_deep_flush(nullptr, buf, 1), -EINVAL);
	EXPECT_EQ(pmemset_memcpy(nullptr, buf, buf, 1, 0), nullptr);
	EXPECT_EQ(pmemset_memmove(nullptr, buf, buf, 1, 0), nullptr);
	EXPECT_EQ(pmemset_memset(nullptr, buf, 0, 1, 0), nullptr);
}

TEST_F(SetTest, EventsInOrderWithPayloads)
{
	make_set();
	pmemset_source *src = file_source(2 * page());
	auto d = map(src, 0, 0);
	char *p = static_cast<char *>(d.addr);
	char local[128];
	std::memset(local, 'q', sizeof(local));
	rec.events.clear();

	EXPECT_EQ(pmemset_flush(set, p, 10), 0);
	EXPECT_EQ(pmemset_drain(set), 0);
	EXPECT_EQ(pmemset_persist(set, p + 1, 20), 0);
	EXPECT_EQ(pmemset_memcpy(set, p, local, sizeof(local), 0), p);
	EXPECT_EQ(pmemset_memmove(set, p + 1, p, 64, PMEMSET_F_MEM_NODRAIN), p + 1);
	EXPECT_EQ(pmemset_memset(set, p + 200, 'z', 30, PMEMSET_F_MEM_NONTEMPORAL), p + 200);
	EXPECT_EQ(pmemset_memset(set, p + 300, 'y', 5, PMEMSET_F_MEM_NOFLUSH), p + 300);

	using E = std::vector<pmemset_event>;
	ASSERT_EQ(rec.types(),
		(E{PMEMSET_EVENT_FLUSH, PMEMSET_EVENT_DRAIN, PMEMSET_EVENT_FLUSH, PMEMSET_EVENT_DRAIN,
			PMEMSET_EVENT_COPY, PMEMSET_EVENT_DRAIN, PMEMSET_EVENT_MOVE, PMEMSET_EVENT_SET,
			PMEMSET_EVENT_DRAIN, PMEMSET_EVENT_SET, PMEMSET_EVENT_DRAIN}));
	const auto &ev = rec.events;
	EXPECT_EQ(ev[0].data.flush.addr, p);
	EXPECT_EQ(ev[0].data.flush.len, 10u);
	EXPECT_EQ(ev[2].data.flush.addr, p + 1);
	EXPECT_EQ(ev[2].data.flush.len, 20u);
	EXPECT_EQ(ev[4].data.copy.src, local);
	EXPECT_EQ(ev[4].data.copy.dest, p);
	EXPECT_EQ(ev[4].data.copy.len, sizeof(local));
	EXPECT_EQ(ev[4].data.copy.flags, 0u);
	EXPECT_EQ(ev[6].data.move.src, p);
	EXPECT_EQ(ev[6].data.move.dest, p + 1);
	EXPECT_EQ(ev[6].data.move.len, 64u);
	EXPECT_EQ(ev[6].data.move.flags, PMEMSET_F_MEM_NODRAIN);
	EXPECT_EQ(ev[7].data.set.dest, p + 200);
	EXPECT_EQ(ev[7].data.set.value, 'z');
	EXPECT_EQ(ev[7].data.set.len, 30u);
	EXPECT_EQ(ev[7].data.set.flags, PMEMSET_F_MEM_NONTEMPORAL);

	// The data really moved.
	EXPECT_EQ(p[0], 'q');
	EXPECT_EQ(p[64], 'q');
	EXPECT_EQ(p[229], 'z');
	EXPECT_EQ(p[304], 'y');
	// And reached the file (PAGE granularity: msync).
	char back[1];
	ASSERT_EQ(pread(files.back()->fd(), back, 1, 229), 1);
	EXPECT_EQ(back[0], 'z');

	EXPECT_EQ(pmemset_deep_flush(set, p, 2 * page()), 0) << pmemset_errormsg();
	EXPECT_EQ(pmemset_deep_flush(set, p + page() - 1, ~std::size_t(0)), 0); // clamped end
}

TEST_F(SetTest, DeepFlushSpansSeveralPartMaps)
{
	make_set();
	pmemset_source *src = file_source(2 * page());
	auto a = map(src, 0, page());
	auto b = map(src, page(), page());
	char *lo = static_cast<char *>(a.addr < b.addr ? a.addr : b.addr);
	char *hi = static_cast<char *>(a.addr < b.addr ? b.addr : a.addr);
	EXPECT_EQ(pmemset_deep_flush(set, lo, static_cast<std::size_t>(hi - lo) + page()), 0);
	EXPECT_EQ(pmemset_deep_flush(set, hi + page(), page()), 0); // past everything
}

namespace {

// A callback that calls back into the set on every event (the reference held
// its lock while firing PART_REMOVE, so this deadlocked there).
struct Reentrant {
	int lookups = 0;
	int found = 0;
	static int callback(pmemset *set, pmemset_event_context *ctx, void *arg)
	{
		auto *self = static_cast<Reentrant *>(arg);
		void *addr = nullptr;
		if (ctx->type == PMEMSET_EVENT_PART_ADD)
			addr = ctx->data.part_add.addr;
		else if (ctx->type == PMEMSET_EVENT_PART_REMOVE)
			addr = ctx->data.part_remove.addr;
		else
			return 0;
		++self->lookups;
		struct pmemset_part_map *pm = nullptr;
		if (pmemset_part_map_by_address(set, &pm, addr) == 0) {
			++self->found;
			pmemset_part_map_drop(&pm);
		}
		struct pmemset_part_map *first = nullptr;
		pmemset_first_part_map(set, &first);
		pmemset_part_map_drop(&first);
		enum pmem2_granularity g;
		(void)pmemset_get_store_granularity(set, &g);
		return 1; // ignored
	}
};

} // namespace

TEST(PmemsetCallback, MayCallBackIntoTheSet)
{
	Reentrant r;
	pmemset_config *cfg = nullptr;
	ASSERT_EQ(pmemset_config_new(&cfg), 0);
	ASSERT_EQ(pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), 0);
	pmemset_config_set_event_callback(cfg, &Reentrant::callback, &r);
	pmemset *set = nullptr;
	ASSERT_EQ(pmemset_new(&set, cfg), 0);
	// Later config edits do not reach the set.
	pmemset_config_set_event_callback(cfg, nullptr, nullptr);
	pmem2::test::TempFile file(page());
	pmemset_source *src = nullptr;
	ASSERT_EQ(pmemset_source_from_file(&src, file.path().c_str()), 0);
	pmemset_part *part = nullptr;
	ASSERT_EQ(pmemset_part_new(&part, set, src, 0, 0), 0);
	pmemset_part_descriptor d;
	ASSERT_EQ(pmemset_part_map(&part, nullptr, &d), 0);
	EXPECT_EQ(r.lookups, 1);
	EXPECT_EQ(r.found, 1); // PART_ADD: the part map is already findable
	struct pmemset_part_map *pm = nullptr;
	ASSERT_EQ(pmemset_part_map_by_address(set, &pm, d.addr), 0);
	ASSERT_EQ(pmemset_remove_part_map(set, &pm), 0);
	EXPECT_EQ(r.lookups, 2);
	EXPECT_EQ(r.found, 1); // PART_REMOVE: already out of the set, still mapped
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmemset_config_delete(&cfg);
}
