// SPDX-License-Identifier: BSD-3-Clause
// async_behaviour_test.cpp -- where the reference crashes (NULL config or map, a
// map deleted while its futures are pending, a flush on the default mover), ours
// returns an error or completes without touching memory. The differential tests
// cover everything the reference survives.
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>
#include <libminiasync.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "async_fixture.hpp"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

using async_test::ForcedMap;

TEST(AsyncBehaviour, SetVdmOnNullConfigIsEinval)
{
	EXPECT_EQ(pmem2_config_set_vdm(nullptr, nullptr), -EINVAL);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "cfg is NULL"), nullptr);
}

TEST(AsyncBehaviour, NullMapGivesACompleteFutureThatDidNothing)
{
	char dest[64] = {};
	const char src[64] = "source";
	for (int fn = 0; fn < 3; ++fn) {
		pmem2_future f = fn == 0 ? pmem2_memcpy_async(nullptr, dest, src, sizeof(src), 0)
			: fn == 1 ? pmem2_memmove_async(nullptr, dest, src, sizeof(src), 0)
				  : pmem2_memset_async(nullptr, dest, 'x', sizeof(dest), 0);
		EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
		EXPECT_EQ(f.data.op.fut.output.result, VDM_ERROR_JOB_CORRUPTED);
		EXPECT_EQ(f.output.dest, nullptr);
		EXPECT_NE(std::strstr(pmem2_errormsg(), "map is NULL"), nullptr);
		EXPECT_EQ(future_poll(FUTURE_AS_RUNNABLE(&f), nullptr), FUTURE_STATE_COMPLETE);
		EXPECT_EQ(future_has_property(FUTURE_AS_RUNNABLE(&f), FUTURE_PROPERTY_ASYNC), -1);
		FUTURE_BUSY_POLL(&f);
		EXPECT_EQ(dest[0], 0);
	}
}

// The reference frees the mover with the map and crashes on the next poll.
TEST(AsyncBehaviour, MapDeletedWhileFuturesPendingCompletesWithAnError)
{
	for (const char *g : {"PAGE", "CACHE_LINE", "BYTE"}) {
		SCOPED_TRACE(g);
		ForcedMap m(g, nullptr);
		std::vector<pmem2_future> pending;
		static const char src[4096] = "data";
		for (int i = 0; i < 50; ++i)
			pending.push_back(i % 2 ? pmem2_memcpy_async(m.map(), m.base() + i * 4096, src, sizeof(src), 0)
						: pmem2_memset_async(m.map(), m.base() + i * 4096, 1, 4096, 0));
		pmem2_future done = pmem2_memcpy_async(m.map(), m.base(), src, 10, 0);
		FUTURE_BUSY_POLL(&done);
		EXPECT_EQ(done.data.op.fut.output.result, VDM_SUCCESS);
		m.drop();
		for (pmem2_future &f : pending) {
			FUTURE_BUSY_POLL(&f);
			EXPECT_EQ(f.data.op.fut.output.result, VDM_ERROR_JOB_CORRUPTED);
		}
		EXPECT_NE(std::strstr(pmem2_errormsg(), "deleted"), nullptr);
	}
}

// A new map takes over the deleted map's mover slot (and often its addresses): the
// old map's pending futures must not write into it.
TEST(AsyncBehaviour, StaleFuturesDoNotWriteIntoTheNextMap)
{
	for (int round = 0; round < 20; ++round) {
		auto a = std::make_unique<ForcedMap>("CACHE_LINE", nullptr);
		pmem2_future stale = pmem2_memset_async(a->map(), a->base() + 4096, 0x77, 4096, 0);
		a.reset();
		ForcedMap b("CACHE_LINE", nullptr);
		pmem2_future fresh = pmem2_memset_async(b.map(), b.base(), 0x11, 1, 0);
		EXPECT_EQ(fresh.data.op.fut.data.vdm, stale.data.op.fut.data.vdm) << "slot not reused";
		FUTURE_BUSY_POLL(&stale);
		EXPECT_EQ(stale.data.op.fut.output.result, VDM_ERROR_JOB_CORRUPTED);
		for (int i = 0; i < 8192; ++i)
			ASSERT_EQ(b.base()[i], 0) << i;
		FUTURE_BUSY_POLL(&fresh);
		EXPECT_EQ(fresh.data.op.fut.output.result, VDM_SUCCESS);
		EXPECT_EQ(b.base()[0], 0x11);
	}
}

// The map is deleted between the operation and the persist step: the finalizer
// finds it gone and persists nothing (the reference calls the freed map's persist
// function). The map wraps a buffer of ours, so the data stays readable.
TEST(AsyncBehaviour, MapDeletedBeforeTheFinalizerSkipsThePersist)
{
	std::vector<char> buf(8192, 0);
	pmem2_source *src = nullptr;
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_source_from_anon(&src, buf.size()), 0);
	ASSERT_EQ(pmem2_map_from_existing(&map, src, buf.data(), buf.size(), PMEM2_GRANULARITY_PAGE), 0);
	pmem2_future f = pmem2_memset_async(map, buf.data() + 100, 'z', 50, 0);
	FUTURE_BUSY_POLL(&f.data.op.fut); // the operation entry alone, as the chain would
	f.data.op.flags = reinterpret_cast<decltype(f.data.op.flags)>(FUTURE_CHAIN_FLAG_ENTRY_PROCESSED);
	ASSERT_EQ(pmem2_map_delete(&map), 0);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(FUTURE_STATE(&f.data.fin.fut.persist), FUTURE_STATE_COMPLETE);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "nothing persisted"), nullptr);
	EXPECT_EQ(buf[100], 'z');
	pmem2_source_delete(&src);
}

// The reference's default mover aborts on a flush operation; ours persists the range.
TEST(AsyncBehaviour, DefaultMoverRunsFlushOperations)
{
	ForcedMap m("CACHE_LINE", nullptr);
	pmem2_future f = pmem2_memcpy_async(m.map(), m.base(), m.base(), 0, 0);
	vdm *v = f.data.op.fut.data.vdm;
	FUTURE_BUSY_POLL(&f);
	std::memset(m.base(), 7, 4096);
	vdm_operation_future fl = vdm_flush(v, m.base(), 4096, 0);
	FUTURE_BUSY_POLL(&fl);
	EXPECT_EQ(fl.output.result, VDM_SUCCESS);
	EXPECT_EQ(fl.output.type, VDM_OPERATION_FLUSH);
}

// A struct vdm with a missing function: the reference calls through NULL.
TEST(AsyncBehaviour, IncompleteMoverGivesAFailedFuture)
{
	vdm broken{};
	ForcedMap m("PAGE", &broken);
	m.base()[0] = 5;
	pmem2_future f = pmem2_memset_async(m.map(), m.base(), 0, 64, 0);
	EXPECT_EQ(FUTURE_STATE(&f), FUTURE_STATE_COMPLETE);
	EXPECT_EQ(f.data.op.fut.output.result, VDM_ERROR_JOB_CORRUPTED);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "op_"), nullptr);
	FUTURE_BUSY_POLL(&f);
	EXPECT_EQ(m.base()[0], 5);
}

// Each map has its own default mover; a config's mover is used as given.
TEST(AsyncBehaviour, MoverPerMapAndConfiguredMover)
{
	data_mover_sync *dms = data_mover_sync_new();
	ASSERT_NE(dms, nullptr);
	ForcedMap a("PAGE", nullptr), b("PAGE", nullptr), c("PAGE", data_mover_sync_get_vdm(dms));
	pmem2_future fa = pmem2_memset_async(a.map(), a.base(), 1, 1, 0);
	pmem2_future fb = pmem2_memset_async(b.map(), b.base(), 1, 1, 0);
	pmem2_future fc = pmem2_memset_async(c.map(), c.base(), 1, 1, 0);
	EXPECT_NE(fa.data.op.fut.data.vdm, fb.data.op.fut.data.vdm);
	EXPECT_EQ(fc.data.op.fut.data.vdm, data_mover_sync_get_vdm(dms));
	FUTURE_BUSY_POLL(&fa);
	FUTURE_BUSY_POLL(&fb);
	FUTURE_BUSY_POLL(&fc);
	EXPECT_EQ(a.base()[0] + b.base()[0] + c.base()[0], 3);
	c.drop();
	data_mover_sync_delete(dms);
}

} // namespace
