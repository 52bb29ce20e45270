// SPDX-License-Identifier: BSD-3-Clause
// stress_test.cpp -- 8 threads mapping, unmapping and finding in one reservation for
// a bounded time. Every outcome checked is deterministic despite the concurrency:
// each thread maps only its own slots, pinned maps never go away, and the shared
// ranges must always answer MAPPING_EXISTS. Run under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include <libpmem2.h>

#include "vm_test_util.hpp"

namespace {

using namespace pmem2::test;

constexpr std::size_t kSlot = 64 * 1024;
constexpr unsigned kThreads = 8;
constexpr std::size_t kPinned = 16;          // slots [0, 16): mapped for the whole test
constexpr std::size_t kPerThread = 24;       // then 24 slots per thread, interleaved
constexpr std::size_t kSlots = kPinned + kThreads * kPerThread;
constexpr auto kDuration = std::chrono::milliseconds(1500);

std::size_t slot_of(unsigned t, std::size_t i) { return kPinned + i * kThreads + t; }

TEST(RsvStress, EightThreadsMapUnmapAndFindInOneReservation)
{
	FileSource file(kSlots * kSlot);
	pmem2_vm_reservation *rsv = nullptr;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, kSlots * kSlot), 0);
	const std::uintptr_t base = uptr(pmem2_vm_reservation_get_address(rsv));

	auto map_at = [&](pmem2_config *cfg, std::size_t slot, pmem2_map **m) {
		pmem2_config_set_vm_reservation(cfg, rsv, slot * kSlot);
		pmem2_config_set_offset(cfg, slot * kSlot);
		return pmem2_map_new(m, cfg, file.get());
	};

	Cfg pin_cfg;
	pmem2_config_set_length(pin_cfg.get(), kSlot);
	std::vector<pmem2_map *> pinned(kPinned);
	for (std::size_t s = 0; s < kPinned; ++s)
		ASSERT_EQ(map_at(pin_cfg.get(), s, &pinned[s]), 0) << pmem2_errormsg();

	std::atomic<unsigned> failures{0};
	std::atomic<unsigned long> ops{0};
	const auto deadline = std::chrono::steady_clock::now() + kDuration;

	auto worker = [&](unsigned t) {
		Cfg cfg;
		pmem2_config_set_length(cfg.get(), kSlot);
		std::mt19937 rng(t * 7919 + 1);
		std::vector<pmem2_map *> mine(kPerThread, nullptr);
		auto fail = [&](const char *what, int ret) {
			if (failures++ < 10)
				ADD_FAILURE() << "thread " << t << ": " << what << " returned " << ret;
		};
		unsigned long n = 0;
		while (std::chrono::steady_clock::now() < deadline) {
			const std::size_t i = rng() % kPerThread;
			const std::size_t slot = slot_of(t, i);
			pmem2_map *found = nullptr;
			switch (rng() % 8) {
			case 0:
			case 1:
			case 2: // map or unmap one of my slots
				if (mine[i] == nullptr) {
					int ret = map_at(cfg.get(), slot, &mine[i]);
					if (ret != 0) {
						fail("map_new of an own slot", ret);
						break;
					}
					if (uptr(pmem2_map_get_address(mine[i])) != base + slot * kSlot)
						fail("map address", -1);
					// Tag the map; the tag must survive until it is deleted.
					*static_cast<volatile std::uint64_t *>(pmem2_map_get_address(mine[i])) =
						(std::uint64_t{t} << 32) | i;
				} else {
					if (*static_cast<volatile std::uint64_t *>(pmem2_map_get_address(mine[i])) !=
					    ((std::uint64_t{t} << 32) | i))
						fail("tag check (someone mapped over my map)", -1);
					int ret = pmem2_map_delete(&mine[i]);
					if (ret != 0 || mine[i] != nullptr)
						fail("map_delete", ret);
				}
				break;
			case 3: { // find in my own slot: exactly my map, or nothing
				int ret = pmem2_vm_reservation_map_find(rsv, slot * kSlot + 100, 0, &found);
				if (mine[i] != nullptr ? (ret != 0 || found != mine[i])
						       : (ret != PMEM2_E_MAPPING_NOT_FOUND || found != nullptr))
					fail("map_find in an own slot", ret);
				break;
			}
			case 4: { // a range over pinned maps: the lowest pinned one
				const std::size_t p = rng() % kPinned;
				int ret = pmem2_vm_reservation_map_find(rsv, p * kSlot, kSlot * kSlots, &found);
				if (ret != 0 || found != pinned[p])
					fail("map_find over pinned maps", ret);
				break;
			}
			case 5: { // neighbours among the pinned maps; first is always pinned[0]
				const std::size_t p = 1 + rng() % (kPinned - 2);
				pmem2_map *prev = nullptr, *next = nullptr, *first = nullptr;
				if (pmem2_vm_reservation_map_find_prev(rsv, pinned[p], &prev) != 0 ||
				    prev != pinned[p - 1] ||
				    pmem2_vm_reservation_map_find_next(rsv, pinned[p], &next) != 0 ||
				    next != pinned[p + 1] || pmem2_vm_reservation_map_find_first(rsv, &first) != 0 ||
				    first != pinned[0])
					fail("find_prev/next/first around pinned maps", -1);
				break;
			}
			case 6: { // someone else's pinned range is never handed out
				pmem2_map *m = nullptr;
				int ret = map_at(cfg.get(), rng() % kPinned, &m);
				if (ret != PMEM2_E_MAPPING_EXISTS || m != nullptr)
					fail("map_new over a pinned map", ret);
				break;
			}
			case 7: // last is either pinned[15] or a thread's map after it
				if (t == 0) { // one thread also grows and shrinks the back of the reservation
					const std::size_t size = pmem2_vm_reservation_get_size(rsv);
					int ret = pmem2_vm_reservation_extend(rsv, 2 * kSlot);
					// Another thread's allocation (a malloc arena, say) may take the
					// address space past the end: that is a legitimate refusal.
					if (ret == 0)
						ret = pmem2_vm_reservation_shrink(rsv, size, 2 * kSlot);
					if (ret != 0 && ret != PMEM2_E_MAPPING_EXISTS)
						fail("extend/shrink at the back", ret);
				} else if (pmem2_vm_reservation_map_find_last(rsv, &found) != 0 || found == nullptr) {
					fail("find_last", -1);
				}
				break;
			}
			++n;
		}
		for (auto *&m : mine)
			if (m != nullptr && pmem2_map_delete(&m) != 0)
				fail("final map_delete", -1);
		ops += n;
	};

	std::vector<std::thread> threads;
	for (unsigned t = 0; t < kThreads; ++t)
		threads.emplace_back(worker, t);
	for (auto &th : threads)
		th.join();

	EXPECT_EQ(failures.load(), 0u);
	EXPECT_GT(ops.load(), kThreads * 10ul) << "the threads barely ran";
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv), kSlots * kSlot);
	// No hole and no leftover map: everything past the pinned maps is placeholder.
	EXPECT_TRUE(is_placeholder(base + kPinned * kSlot, base + kSlots * kSlot));
	pmem2_map *last = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_map_find_last(rsv, &last), 0);
	EXPECT_EQ(last, pinned[kPinned - 1]);
	for (auto *&m : pinned)
		EXPECT_EQ(pmem2_map_delete(&m), 0);
	EXPECT_TRUE(is_placeholder(base, base + kSlots * kSlot));
	EXPECT_EQ(pmem2_vm_reservation_delete(&rsv), 0);
}

} // namespace
