// SPDX-License-Identifier: BSD-3-Clause
// pmemset_churn_test.cpp -- regression test for the crash of issue 10: 32 threads,
// started one after another while the earlier ones already run, each mapping a
// 64 KiB part of one file on ext4 (/tmp) into one set and removing it again, 1000
// times. The cause was libpmem2's MAP_SYNC attempt made with MAP_FIXED over its
// own placeholder: ext4 refuses MAP_SYNC only after removing what was mapped
// there, so for a moment the range was a hole, a new thread's stack could be put
// there, and the fallback mapping (and later the reservation's deletion) replaced
// that stack. Every round must complete with every call returning 0.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include <libpmem2.h>
#include <libpmemset.h>

#include "ownership_test_util.hpp"
#include "test_files.hpp"

namespace {

using namespace pmem2::test;

constexpr std::size_t kPart = 64 * 1024;

struct SetOverFile {
	explicit SetOverFile(const char *dir) : file(1 << 20, dir)
	{
		EXPECT_EQ(pmem2_source_from_fd(&p2src, file.fd()), 0);
		EXPECT_EQ(pmemset_source_from_pmem2(&src, p2src), 0);
		pmemset_config *cfg = nullptr;
		EXPECT_EQ(pmemset_config_new(&cfg), 0);
		EXPECT_EQ(pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), 0);
		EXPECT_EQ(pmemset_new(&set, cfg), 0);
		pmemset_config_delete(&cfg);
	}
	~SetOverFile()
	{
		pmemset_delete(&set);
		pmemset_source_delete(&src);
		pmem2_source_delete(&p2src);
	}
	TempFile file;
	pmem2_source *p2src = nullptr;
	pmemset_source *src = nullptr;
	pmemset *set = nullptr;
};

// One worker: `iters` map / look up / write / remove cycles; the first failure
// is recorded and ends the worker.
void churn(pmemset *set, pmemset_source *src, long iters, unsigned id, std::atomic<unsigned> &failures,
	   std::string &first_failure)
{
	for (long i = 0; i < iters; ++i) {
		auto fail = [&](const char *what, int ret) {
			if (failures++ == 0)
				first_failure = std::string(what) + " returned " + std::to_string(ret) + ": " +
					pmemset_errormsg();
		};
		pmemset_part *part = nullptr;
		if (int r = pmemset_part_new(&part, set, src, 0, kPart); r != 0)
			return fail("pmemset_part_new", r);
		pmemset_part_descriptor desc{};
		if (int r = pmemset_part_map(&part, nullptr, &desc); r != 0) {
			pmemset_part_delete(&part);
			return fail("pmemset_part_map", r);
		}
		if (desc.addr == nullptr || desc.size != kPart)
			return fail("pmemset_part_map descriptor", -1);
		// The mapping is usable: one byte per page, tagged with the thread id.
		auto *bytes = static_cast<volatile unsigned char *>(desc.addr);
		bytes[(i % 16) * 4096] = static_cast<unsigned char>(id);
		struct pmemset_part_map *pmap = nullptr;
		if (int r = pmemset_part_map_by_address(set, &pmap, desc.addr); r != 0)
			return fail("pmemset_part_map_by_address", r);
		if (int r = pmemset_remove_part_map(set, &pmap); r != 0)
			return fail("pmemset_remove_part_map", r);
		if (pmap != nullptr)
			return fail("pmemset_remove_part_map left the handle", -1);
	}
}

void run_rounds(const char *dir)
{
	const long rounds = env_count("PMEM2_CHURN_ROUNDS", kSanitizerSlowdown > 1 ? 2 : 6);
	const long threads = 32;
	const long iters = env_count("PMEM2_CHURN_ITERS", 1000 / kSanitizerSlowdown);
	for (long round = 0; round < rounds; ++round) {
		SetOverFile s(dir);
		ASSERT_NE(s.set, nullptr);
		std::atomic<unsigned> failures{0};
		std::vector<std::string> first(threads);
		std::vector<std::thread> pool;
		// Started one after another: new stacks are being mapped while the
		// earlier workers map and unmap parts.
		for (long t = 0; t < threads; ++t)
			pool.emplace_back(churn, s.set, s.src, iters, static_cast<unsigned>(t), std::ref(failures),
					  std::ref(first[t]));
		for (auto &th : pool)
			th.join();
		ASSERT_EQ(failures.load(), 0u) << "round " << round << ": " << [&] {
			for (auto &f : first)
				if (!f.empty())
					return f;
			return std::string();
		}();
		struct pmemset_part_map *left = nullptr;
		pmemset_first_part_map(s.set, &left);
		EXPECT_EQ(left, nullptr) << "round " << round << " left a part map behind";
	}
}

TEST(OwnershipChurn, ThirtyTwoThreadsMapAndRemovePartsOnExt4WhileThreadsStart) { run_rounds("/tmp"); }

TEST(OwnershipChurn, ThirtyTwoThreadsMapAndRemovePartsOnTmpfsWhileThreadsStart) { run_rounds("/dev/shm"); }

} // namespace
