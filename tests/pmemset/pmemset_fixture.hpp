// SPDX-License-Identifier: BSD-3-Clause
// pmemset_fixture.hpp -- a set over temporary files with an event recorder, for
// the libpmemset tests (black-box: they use the public C API only).
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include <libpmemset.h>

#include "test_files.hpp"

namespace pmemset_test {

inline std::size_t page() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

// Every event delivered to a set, in order.
struct Recorder {
	std::vector<pmemset_event_context> events;
	pmemset *last_set = nullptr;

	static int callback(pmemset *set, pmemset_event_context *ctx, void *arg)
	{
		auto *self = static_cast<Recorder *>(arg);
		self->last_set = set;
		self->events.push_back(*ctx);
		return 0;
	}
	std::vector<pmemset_event> types() const
	{
		std::vector<pmemset_event> t;
		for (const auto &e : events)
			t.push_back(e.type);
		return t;
	}
};

// A reservation owned by a test.
struct TestReservation {
	pmem2_vm_reservation *rsv = nullptr;
	explicit TestReservation(std::size_t size)
	{
		int ret = pmem2_vm_reservation_new(&rsv, nullptr, size);
		EXPECT_EQ(ret, 0) << pmem2_errormsg();
	}
	~TestReservation()
	{
		if (rsv) {
			EXPECT_EQ(pmem2_vm_reservation_delete(&rsv), 0) << pmem2_errormsg();
		}
	}
	char *addr() const { return static_cast<char *>(pmem2_vm_reservation_get_address(rsv)); }
};

class SetTest : public ::testing::Test {
protected:
	void TearDown() override
	{
		if (set) {
			EXPECT_EQ(pmemset_delete(&set), 0);
		}
		for (auto *&s : sources)
			pmemset_source_delete(&s);
		if (cfg)
			pmemset_config_delete(&cfg);
	}

	// A set requiring PAGE granularity (what /tmp and /dev/shm files give), with
	// the recorder installed, and optionally a reservation.
	void make_set(pmem2_vm_reservation *rsv = nullptr,
		pmem2_granularity g = PMEM2_GRANULARITY_PAGE)
	{
		ASSERT_EQ(pmemset_config_new(&cfg), 0);
		ASSERT_EQ(pmemset_config_set_required_store_granularity(cfg, g), 0);
		pmemset_config_set_event_callback(cfg, &Recorder::callback, &rec);
		if (rsv)
			pmemset_config_set_reservation(cfg, rsv);
		ASSERT_EQ(pmemset_new(&set, cfg), 0) << pmemset_errormsg();
	}

	// A source over a new temporary file of `bytes` bytes (removed at exit).
	pmemset_source *file_source(std::size_t bytes)
	{
		files.emplace_back(new pmem2::test::TempFile(bytes));
		pmemset_source *src = nullptr;
		EXPECT_EQ(pmemset_source_from_file(&src, files.back()->path().c_str()), 0)
			<< pmemset_errormsg();
		sources.push_back(src);
		return src;
	}

	// Maps [offset, offset+len) of src; returns the descriptor of the part map.
	pmemset_part_descriptor map(pmemset_source *src, std::size_t offset, std::size_t len,
		int expect = 0)
	{
		pmemset_part *part = nullptr;
		pmemset_part_descriptor desc{nullptr, 0};
		EXPECT_EQ(pmemset_part_new(&part, set, src, offset, len), 0) << pmemset_errormsg();
		int ret = pmemset_part_map(&part, nullptr, &desc);
		EXPECT_EQ(ret, expect) << pmemset_errormsg();
		if (ret == 0)
			EXPECT_EQ(part, nullptr);
		else
			pmemset_part_delete(&part);
		return desc;
	}

	// Number of part maps, by iteration (dropping each reference).
	std::vector<pmemset_part_descriptor> part_maps()
	{
		std::vector<pmemset_part_descriptor> out;
		struct pmemset_part_map *pm = nullptr;
		pmemset_first_part_map(set, &pm);
		while (pm) {
			out.push_back(pmemset_descriptor_part_map(pm));
			struct pmemset_part_map *next = nullptr;
			pmemset_next_part_map(set, pm, &next);
			pmemset_part_map_drop(&pm);
			pm = next;
		}
		return out;
	}

	std::unique_ptr<TestReservation> trsv; // outlives the set (destroyed after TearDown)
	pmemset_config *cfg = nullptr;
	pmemset *set = nullptr;
	Recorder rec;
	std::vector<pmemset_source *> sources;
	std::vector<std::unique_ptr<pmem2::test::TempFile>> files;
};

} // namespace pmemset_test
