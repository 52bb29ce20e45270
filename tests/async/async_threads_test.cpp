// SPDX-License-Identifier: BSD-3-Clause
// async_threads_test.cpp -- futures made on one thread and polled on others, many
// maps' default movers used at once, and maps created and deleted beside them
// (label tsan: run under ThreadSanitizer in CI).
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>
#include <libminiasync.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "async_fixture.hpp"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

using async_test::ForcedMap;

TEST(AsyncThreads, FuturesPolledByOtherThreads)
{
	for (const char *g : {"PAGE", "CACHE_LINE", "BYTE"}) {
		SCOPED_TRACE(g);
		ForcedMap m(g, nullptr, 4 << 20);
		constexpr int kThreads = 4, kPerThread = 200;
		std::vector<pmem2_future> futures;
		std::vector<char> src(4096);
		for (std::size_t i = 0; i < src.size(); ++i)
			src[i] = static_cast<char>(i * 7);
		for (int i = 0; i < kThreads * kPerThread; ++i) {
			char *d = m.base() + static_cast<std::size_t>(i) * 4096;
			futures.push_back(i % 2 ? pmem2_memcpy_async(m.map(), d, src.data(), 4096, 0)
						: pmem2_memset_async(m.map(), d, i & 0xff, 4096, 0));
		}
		std::vector<std::thread> pollers;
		for (int t = 0; t < kThreads; ++t)
			pollers.emplace_back([&, t] {
				for (int i = t; i < kThreads * kPerThread; i += kThreads)
					FUTURE_BUSY_POLL(&futures[static_cast<std::size_t>(i)]);
			});
		// Neighbours: maps created and deleted while the pollers run.
		for (int k = 0; k < 20; ++k)
			ForcedMap other(g, nullptr, 1 << 16);
		for (auto &p : pollers)
			p.join();
		for (int i = 0; i < kThreads * kPerThread; ++i) {
			const char *d = m.base() + static_cast<std::size_t>(i) * 4096;
			ASSERT_EQ(futures[static_cast<std::size_t>(i)].data.op.fut.output.result, VDM_SUCCESS);
			if (i % 2)
				ASSERT_EQ(std::memcmp(d, src.data(), 4096), 0) << i;
			else
				ASSERT_EQ(static_cast<unsigned char>(d[4095]), static_cast<unsigned>(i & 0xff)) << i;
		}
	}
}

// A map deleted by one thread while another polls futures made before: every
// future completes, either with the data or with VDM_ERROR_JOB_CORRUPTED, and the
// mover is freed exactly once (ASan/TSan watch).
TEST(AsyncThreads, MoverOutlivesItsMapAcrossThreads)
{
	std::vector<char> buf(1 << 20);
	pmem2_source *src = nullptr;
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_source_from_anon(&src, buf.size()), 0);
	ASSERT_EQ(pmem2_map_from_existing(&map, src, buf.data(), buf.size(), PMEM2_GRANULARITY_CACHE_LINE), 0);
	std::vector<pmem2_future> futures;
	for (int i = 0; i < 256; ++i)
		futures.push_back(pmem2_memset_async(map, buf.data() + i * 4096, 1, 4096, 0));
	std::thread poller([&] {
		for (auto &f : futures)
			FUTURE_BUSY_POLL(&f);
	});
	ASSERT_EQ(pmem2_map_delete(&map), 0);
	poller.join();
	for (auto &f : futures) {
		ASSERT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
		ASSERT_TRUE(f.data.op.fut.output.result == VDM_SUCCESS ||
			    f.data.op.fut.output.result == VDM_ERROR_JOB_CORRUPTED);
	}
	pmem2_source_delete(&src);
}

// miniasync's threaded mover (built with this build's sanitizer): its workers store,
// the polling thread runs our chain and persist step.
TEST(AsyncThreads, DataMoverThreadsFuturesInFlight)
{
	data_mover_threads *dmt = data_mover_threads_default();
	ASSERT_NE(dmt, nullptr);
	{
		ForcedMap m("PAGE", data_mover_threads_get_vdm(dmt), 1 << 20);
		std::vector<char> src(2048, 'q');
		std::vector<pmem2_future> futures;
		for (int i = 0; i < 200; ++i)
			futures.push_back(pmem2_memcpy_async(m.map(), m.base() + i * 4096, src.data(), src.size(), 0));
		for (bool pending = true; pending;) {
			pending = false;
			for (auto &f : futures)
				pending |= future_poll(FUTURE_AS_RUNNABLE(&f), nullptr) != FUTURE_STATE_COMPLETE;
		}
		for (int i = 0; i < 200; ++i)
			ASSERT_EQ(std::memcmp(m.base() + i * 4096, src.data(), src.size()), 0) << i;
	}
	data_mover_threads_delete(dmt);
}

} // namespace
