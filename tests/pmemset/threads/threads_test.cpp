// SPDX-License-Identifier: BSD-3-Clause
// threads_test.cpp -- several threads map, look up, iterate, persist and remove
// part maps of one set at once (run under ThreadSanitizer with label tsan).
#include <atomic>
#include <thread>

#include "../pmemset_fixture.hpp"

using namespace pmemset_test;

namespace {

struct Counters {
	std::atomic<int> added{0};
	std::atomic<int> removed{0};
	std::atomic<int> other{0};
	static int callback(pmemset *, pmemset_event_context *ctx, void *arg)
	{
		auto *c = static_cast<Counters *>(arg);
		if (ctx->type == PMEMSET_EVENT_PART_ADD)
			c->added.fetch_add(1);
		else if (ctx->type == PMEMSET_EVENT_PART_REMOVE)
			c->removed.fetch_add(1);
		else
			c->other.fetch_add(1);
		return 0;
	}
};

} // namespace

TEST(PmemsetThreads, ConcurrentMapLookupIterateRemove)
{
	constexpr int kThreads = 4;
	constexpr int kRounds = 40;
	Counters counters;
	pmemset_config *cfg = nullptr;
	ASSERT_EQ(pmemset_config_new(&cfg), 0);
	ASSERT_EQ(pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), 0);
	pmemset_config_set_event_callback(cfg, &Counters::callback, &counters);
	pmemset *set = nullptr;
	ASSERT_EQ(pmemset_new(&set, cfg), 0);

	std::atomic<bool> stop{false};
	std::atomic<int> failures{0};
	std::thread reader([&] {
		while (!stop.load()) {
			struct pmemset_part_map *pm = nullptr;
			pmemset_first_part_map(set, &pm);
			while (pm) {
				auto d = pmemset_descriptor_part_map(pm);
				if (d.size == 0)
					failures.fetch_add(1);
				struct pmemset_part_map *next = nullptr;
				pmemset_next_part_map(set, pm, &next);
				pmemset_part_map_drop(&pm);
				pm = next;
			}
			enum pmem2_granularity g;
			(void)pmemset_get_store_granularity(set, &g);
		}
	});
	std::vector<std::thread> workers;
	for (int t = 0; t < kThreads; ++t)
		workers.emplace_back([&, t] {
			pmemset_source *src = nullptr;
			if (pmemset_source_from_temporary(&src, "/dev/shm") != 0) {
				failures.fetch_add(1);
				return;
			}
			for (int i = 0; i < kRounds; ++i) {
				if (t == 0)
					pmemset_set_contiguous_part_coalescing(set,
						static_cast<pmemset_coalescing>(i % 2));
				pmemset_part *part = nullptr;
				pmemset_part_descriptor d{};
				if (pmemset_part_new(&part, set, src, 0, 2 * page()) != 0 ||
					pmemset_part_map(&part, nullptr, &d) != 0) {
					pmemset_part_delete(&part);
					failures.fetch_add(1);
					continue;
				}
				// With coalescing another thread's removal may already have
				// taken this part map away: only that failure is expected.
				struct pmemset_part_map *pm = nullptr;
				int found = pmemset_part_map_by_address(set, &pm, d.addr);
				if (found != 0 && found != PMEMSET_E_CANNOT_FIND_PART_MAP)
					failures.fetch_add(1);
				pmemset_part_map_drop(&pm);
				pmemset_persist(set, d.addr, 64);
				// Remove the range; held references (the reader) make it retry.
				int ret;
				while ((ret = pmemset_remove_range(set, d.addr, d.size)) ==
					PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP)
					std::this_thread::yield();
				if (ret != 0)
					failures.fetch_add(1);
			}
			pmemset_source_delete(&src);
		});
	for (auto &w : workers)
		w.join();
	stop.store(true);
	reader.join();

	EXPECT_EQ(failures.load(), 0);
	struct pmemset_part_map *pm = nullptr;
	pmemset_first_part_map(set, &pm);
	EXPECT_EQ(pm, nullptr); // everything removed
	EXPECT_GT(counters.added.load(), 0);
	EXPECT_GT(counters.removed.load(), 0);
	pmemset_delete(&set);
	pmemset_config_delete(&cfg);
}
