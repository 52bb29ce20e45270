// SPDX-License-Identifier: BSD-3-Clause
// async_persistence_test.cpp -- the persistence checker of the data path applied
// to the asynchronous paths. A map's data functions are swapped (white-box) for
// the shipped copy loops instantiated with recording store/flush/fence policies,
// and a recording persist; then pmem2_mem{cpy,move,set}_async futures are polled
// to completion and the log must show, for every line of [dest, dest+n):
//   * CACHE_LINE / PAGE: each temporally stored line flushed after its last store,
//     and an SFENCE after the last flush or NT store;
//   * BYTE (default mover): an SFENCE after the last store;
// with the default mover (stores by the map's functions) and with a user's mover
// doing plain stores (the finalizer's persist must cover them). Nothing outside
// the range is stored.
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>
#include <libminiasync.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "pmem2/arch/x86_64/memops.hpp"
#include "x86_recording_ops.hpp"
#include "pmem2/async/mover.hpp"
#include "pmem2/map/map.hpp"
#include "pmem2/persist/granularity_ops.hpp"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

using namespace pmem2::arch::x86_64;

using namespace pmem2::test::x86_recording;

void rec_persist(const void *p, std::size_t n)
{
	flush_range<RecFlush>(p, n);
	record(Ev::Fence, nullptr, 0);
}
void rec_flush(const void *p, std::size_t n) { flush_range<RecFlush>(p, n); }
void rec_drain() { record(Ev::Fence, nullptr, 0); }
void byte_persist(const void *, std::size_t) { record(Ev::Fence, nullptr, 0); }
void byte_flush(const void *, std::size_t) {}

using CacheLineOps = MemOps<RecVec<32>, RecFlush, false, false>;
using ByteOps = MemOps<RecVec<32>, RecFlush, false, true>;
const pmem2::persist::GranularityOps kRecCacheLine{rec_persist, rec_flush, rec_drain, CacheLineOps::memmove,
						    CacheLineOps::memset};
const pmem2::persist::GranularityOps kRecByte{byte_persist, byte_flush, rec_drain, ByteOps::memmove,
					       ByteOps::memset};

// A user's mover: plain byte-wise stores, recorded, no flush, no fence.
void *plain_new(vdm *, vdm_operation_type) { return std::malloc(1); }
int plain_start(void *, const vdm_operation *op, future_notifier *n)
{
	if (n)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	char *d = static_cast<char *>(op->type == VDM_OPERATION_MEMSET ? op->data.memset.str : op->data.memcpy.dest);
	const std::size_t len = op->type == VDM_OPERATION_MEMSET ? op->data.memset.n : op->data.memcpy.n;
	if (op->type == VDM_OPERATION_MEMSET)
		std::memset(d, op->data.memset.c, len);
	else
		std::memmove(d, op->data.memcpy.src, len);
	for (std::size_t i = 0; i < len; ++i)
		record(Ev::Store, d + i, 1);
	return 0;
}
future_state plain_check(void *, const vdm_operation *) { return FUTURE_STATE_COMPLETE; }
void plain_delete(void *data, const vdm_operation *op, vdm_operation_output *out)
{
	out->type = op->type;
	out->result = VDM_SUCCESS;
	std::free(data);
}
vdm g_plain = {plain_new, plain_delete, plain_start, plain_check, 0, nullptr};

// The first violation in the log of one operation on [d, d+n), or "".
std::string check(std::uintptr_t d, std::size_t n, bool byte)
{
	const std::uintptr_t line0 = d & ~(kLine - 1);
	std::vector<char> dirty((n + 2 * kLine) / kLine + 1, 0);
	std::vector<bool> covered(n, false);
	std::size_t last_store = 0, last_persistent = 0, last_fence = 0;
	for (std::size_t i = 0; i < g_log.size(); ++i) {
		const Event &e = g_log[i];
		switch (e.kind) {
		case Ev::Store:
		case Ev::Stream:
			if (e.addr < d || e.addr + e.len > d + n)
				return "store outside the range at +" + std::to_string(e.addr - d);
			for (std::size_t k = 0; k < e.len; ++k)
				covered[e.addr - d + k] = true;
			last_store = i + 1;
			if (e.kind == Ev::Stream)
				last_persistent = i + 1;
			else
				for (std::uintptr_t l = e.addr & ~(kLine - 1); l < e.addr + e.len; l += kLine)
					dirty[(l - line0) / kLine] = 1;
			break;
		case Ev::Flush:
			if (e.addr + kLine > line0 && e.addr < d + n)
				dirty[(e.addr - line0) / kLine] = 0;
			last_persistent = i + 1;
			break;
		case Ev::Fence:
			last_fence = i + 1;
			break;
		case Ev::Prefetch: // changes nothing; it must stay on the destination's lines
			if (e.addr < d || e.addr + e.len > d + n)
				return "prefetch outside the range at +" + std::to_string(e.addr - d);
			break;
		}
	}
	for (std::size_t k = 0; k < n; ++k)
		if (!covered[k])
			return "byte +" + std::to_string(k) + " never stored";
	if (n == 0)
		return "";
	if (byte)
		return last_fence > last_store ? "" : "BYTE: no SFENCE after the last store";
	for (std::size_t l = 0; l < dirty.size(); ++l)
		if (dirty[l])
			return "line " + std::to_string(l) + " stored but never flushed";
	if (last_fence == 0 || last_fence < last_persistent)
		return "no SFENCE after the last flush / NT store";
	return "";
}

struct Case {
	const char *name;
	pmem2_granularity g;
	bool user_mover;
};

class AsyncPersistence : public ::testing::TestWithParam<Case> {};

TEST_P(AsyncPersistence, EveryWrittenLineIsPersistentWhenTheFutureCompletes)
{
	const Case c = GetParam();
	std::vector<char> buf(1 << 16, 0), src(1 << 16);
	for (std::size_t i = 0; i < src.size(); ++i)
		src[i] = static_cast<char>(i * 131 + 7);
	pmem2_source *psrc = nullptr;
	pmem2_map *map = nullptr;
	ASSERT_EQ(pmem2_source_from_anon(&psrc, buf.size()), 0);
	ASSERT_EQ(pmem2_map_from_existing(&map, psrc, buf.data(), buf.size(), c.g), 0);
	struct Cleanup {
		pmem2_map **map;
		pmem2_source **src;
		~Cleanup()
		{
			auto *core = reinterpret_cast<pmem2::map::Map *>(*map);
			core->vdm = pmem2::async::vdm_of(*core->default_mover);
			pmem2_map_delete(map);
			pmem2_source_delete(src);
		}
	} cleanup{&map, &psrc};
	// White-box: the map's data functions become the recording ones.
	auto *m = reinterpret_cast<pmem2::map::Map *>(map);
	const pmem2::persist::GranularityOps &rec = c.g == PMEM2_GRANULARITY_BYTE ? kRecByte : kRecCacheLine;
	m->ops = &rec;
	pmem2::async::retarget(*m->default_mover, rec, static_cast<pmem2::Granularity>(c.g));
	if (c.user_mover)
		m->vdm = reinterpret_cast<pmem2::async::abi::Vdm *>(&g_plain);

	std::vector<std::size_t> lengths;
	for (std::size_t n = 0; n <= 260; ++n)
		lengths.push_back(n);
	for (std::size_t n : {511u, 512u, 4095u, 4096u, 4097u, 20000u})
		lengths.push_back(n);
	int checked = 0;
	for (int fn = 0; fn < 3; ++fn)
		for (std::size_t n : lengths)
			for (std::size_t mis : {0u, 1u, 33u}) {
				char *d = buf.data() + 128 + mis;
				g_log.clear();
				pmem2_future f = fn == 0 ? pmem2_memcpy_async(map, d, src.data() + mis, n, 0)
					: fn == 1 ? pmem2_memmove_async(map, d, d + 7, n, 0)
						  : pmem2_memset_async(map, d, 0x5a, n, 0);
				FUTURE_BUSY_POLL(&f);
				ASSERT_EQ(f.data.op.fut.output.result, VDM_SUCCESS);
				// A user's mover at BYTE: nothing but its own stores (as the reference).
				const bool expect_fence = !(c.user_mover && c.g == PMEM2_GRANULARITY_BYTE);
				std::string why = check(reinterpret_cast<std::uintptr_t>(d), n,
							c.g == PMEM2_GRANULARITY_BYTE);
				if (!expect_fence && why.rfind("BYTE:", 0) == 0)
					why.clear();
				ASSERT_EQ(why, "") << "fn " << fn << " n " << n << " misalign " << mis;
				++checked;
			}
	EXPECT_GT(checked, 2000);
}

INSTANTIATE_TEST_SUITE_P(Movers, AsyncPersistence,
			 ::testing::Values(Case{"page_default", PMEM2_GRANULARITY_PAGE, false},
					   Case{"cache_line_default", PMEM2_GRANULARITY_CACHE_LINE, false},
					   Case{"byte_default", PMEM2_GRANULARITY_BYTE, false},
					   Case{"page_user", PMEM2_GRANULARITY_PAGE, true},
					   Case{"cache_line_user", PMEM2_GRANULARITY_CACHE_LINE, true},
					   Case{"byte_user", PMEM2_GRANULARITY_BYTE, true}),
			 [](const auto &info) { return std::string(info.param.name); });

} // namespace
