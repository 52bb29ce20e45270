// SPDX-License-Identifier: BSD-3-Clause
// threads_test.cpp -- per-thread error messages, and maps created, persisted and
// deleted from several threads at once (the registry under concurrent use).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core_test_util.hpp"

using namespace pmem2::test;

TEST(Threads, ErrormsgIsPerThread)
{
	constexpr int kThreads = 8;
	std::atomic<int> ready{0};
	std::vector<std::string> seen(kThreads);
	std::vector<std::thread> ts;
	for (int i = 0; i < kThreads; ++i) {
		ts.emplace_back([&, i] {
			pmem2_source *src = nullptr;
			// Each thread fails with its own fd number, waits for all, then reads.
			(void)pmem2_source_from_fd(&src, -(i + 1));
			ready.fetch_add(1);
			while (ready.load() < kThreads)
				std::this_thread::yield();
			seen[i] = pmem2_errormsg();
		});
	}
	for (auto &t : ts)
		t.join();
	for (int i = 0; i < kThreads; ++i)
		EXPECT_NE(seen[i].find(std::to_string(-(i + 1))), std::string::npos) << seen[i];
}

TEST(Threads, ConcurrentMapsPersistAndDeletes)
{
	constexpr int kThreads = 4;
	constexpr int kRounds = 40;
	TempFile f(64 * 1024, "/dev/shm");
	SourcePtr src = source_from_fd(f.fd());
	std::atomic<int> failures{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; ++t) {
		ts.emplace_back([&, t] {
			for (int r = 0; r < kRounds; ++r) {
				ConfigPtr cfg = make_config();
				pmem2_map *m = nullptr;
				if (pmem2_map_new(&m, cfg.get(), src.get()) != 0) {
					failures.fetch_add(1);
					continue;
				}
				auto *p = static_cast<char *>(pmem2_map_get_address(m));
				pmem2_get_memset_fn(m)(p + t * 1024, 'a' + t, 1024, 0);
				pmem2_get_persist_fn(m)(p, 64 * 1024); // walks the registry
				// A wrapped sub-range of our own map must be refused.
				pmem2_map *w = nullptr;
				if (pmem2_map_from_existing(&w, src.get(), p + 4096, 4096, PMEM2_GRANULARITY_PAGE) !=
				    PMEM2_E_MAP_EXISTS)
					failures.fetch_add(1);
				if (pmem2_map_delete(&m) != 0)
					failures.fetch_add(1);
			}
		});
	}
	for (auto &t : ts)
		t.join();
	EXPECT_EQ(failures.load(), 0);
	for (int t = 0; t < kThreads; ++t)
		EXPECT_EQ(read_file(f.fd(), t * 1024, 1024), std::string(1024, static_cast<char>('a' + t)));
}
