// SPDX-License-Identifier: BSD-3-Clause
// fault_injection_test.cpp -- every public call sequence is run once to count
// the calls of each kind it makes (allocations, mmap, munmap, mremap, open,
// fstat, ftruncate, fallocate, msync, ioctl, realpath, read), then once per call
// with exactly that call failing. For every run: each library call returns 0 or
// a negative code (no crash, no abort, no hang); after the sequence cleans up, no
// heap block allocated during the run is left, no fd and no mapping is left, no
// file is left created; and the sequence run again without faults succeeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include <libpmem2.h>
#include <libpmemset.h>

#include "interpose.hpp"
#include "test_files.hpp"

namespace {

using faults::Kind;

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * KiB;

// What a sequence reports: codes that were neither 0 nor negative.
struct Outcome {
	std::vector<std::string> bad_codes;
	bool ok = true; // every call returned 0
	void check(const char *what, long ret)
	{
		if (ret > 0)
			bad_codes.push_back(std::string(what) + " returned " + std::to_string(ret));
		if (ret != 0)
			ok = false;
	}
};

std::vector<std::string> maps_snapshot()
{
	std::vector<std::string> out;
	FILE *f = std::fopen("/proc/self/maps", "r");
	char line[512];
	while (f != nullptr && std::fgets(line, sizeof(line), f) != nullptr)
		if (std::strstr(line, "[heap]") == nullptr && std::strstr(line, "[stack]") == nullptr)
			out.emplace_back(line, std::strchr(line, ' ') - line);
	if (f != nullptr)
		std::fclose(f);
	return out;
}

std::size_t entries(const std::string &dir)
{
	std::size_t n = 0;
	if (DIR *d = opendir(dir.c_str())) {
		while (readdir(d) != nullptr)
			++n;
		closedir(d);
	}
	return n;
}

std::size_t open_fds() { return entries("/proc/self/fd"); }

// A directory of its own, for files the sequences create.
struct Scratch {
	std::string dir;
	Scratch()
	{
		char tmpl[] = "/tmp/pmem2-faults-XXXXXX";
		dir = mkdtemp(tmpl);
	}
	~Scratch() { rmdir(dir.c_str()); }
};

// ---- the sequences: create, use and delete, always cleaning up what exists ----

using Sequence = std::function<void(Outcome &, int file_fd, const std::string &dir)>;

void pmem2_file_map(Outcome &o, int fd, const std::string &, pmem2_granularity g, bool in_reservation)
{
	pmem2_source *src = nullptr;
	pmem2_config *cfg = nullptr;
	pmem2_vm_reservation *rsv = nullptr;
	pmem2_map *map = nullptr;
	o.check("pmem2_source_from_fd", pmem2_source_from_fd(&src, fd));
	o.check("pmem2_config_new", pmem2_config_new(&cfg));
	if (cfg != nullptr) {
		o.check("set_required_store_granularity", pmem2_config_set_required_store_granularity(cfg, g));
		o.check("set_length", pmem2_config_set_length(cfg, 256 * KiB));
	}
	if (in_reservation) {
		o.check("pmem2_vm_reservation_new", pmem2_vm_reservation_new(&rsv, nullptr, 4 * MiB));
		if (rsv != nullptr && cfg != nullptr)
			o.check("set_vm_reservation", pmem2_config_set_vm_reservation(cfg, rsv, 2 * MiB));
	}
	if (src != nullptr && cfg != nullptr)
		o.check("pmem2_map_new", pmem2_map_new(&map, cfg, src));
	if (map != nullptr) {
		auto *p = static_cast<char *>(pmem2_map_get_address(map));
		// Standalone maps are placed on a 2 MiB boundary, whichever way they got there.
		if (!in_reservation && reinterpret_cast<std::uintptr_t>(p) % (2 * MiB) != 0)
			o.bad_codes.push_back("pmem2_map_new: address not aligned to 2 MiB");
		pmem2_get_memcpy_fn(map)(p, "record", 7, 0);
		pmem2_get_persist_fn(map)(p, 4096);
		o.check("pmem2_deep_flush", pmem2_deep_flush(map, p, 4096));
		if (rsv != nullptr) {
			pmem2_map *found = nullptr;
			o.check("pmem2_vm_reservation_map_find", pmem2_vm_reservation_map_find(rsv, 0, 4 * MiB, &found));
			o.check("pmem2_vm_reservation_extend", pmem2_vm_reservation_extend(rsv, 2 * MiB));
			o.check("pmem2_vm_reservation_shrink",
				pmem2_vm_reservation_shrink(rsv, 4 * MiB, pmem2_vm_reservation_get_size(rsv) - 4 * MiB));
		}
	}
	if (map != nullptr && pmem2_map_delete(&map) != 0) {
		o.ok = false;
		faults::disarm(); // the caller tries again, as a program would
		o.check("pmem2_map_delete (again)", pmem2_map_delete(&map));
	}
	if (rsv != nullptr && pmem2_vm_reservation_delete(&rsv) != 0) {
		o.ok = false;
		faults::disarm();
		o.check("pmem2_vm_reservation_delete (again)", pmem2_vm_reservation_delete(&rsv));
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

void pmem2_anon_and_existing(Outcome &o, int, const std::string &)
{
	pmem2_source *src = nullptr;
	pmem2_config *cfg = nullptr;
	pmem2_map *map = nullptr;
	o.check("pmem2_source_from_anon", pmem2_source_from_anon(&src, 2 * MiB));
	o.check("pmem2_config_new", pmem2_config_new(&cfg));
	if (cfg != nullptr)
		o.check("set_required_store_granularity",
			pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	if (src != nullptr && cfg != nullptr)
		o.check("pmem2_map_new (anon)", pmem2_map_new(&map, cfg, src));
	if (map != nullptr) {
		std::memset(pmem2_map_get_address(map), 1, 4096);
		if (pmem2_map_delete(&map) != 0) {
			o.ok = false;
			faults::disarm();
			o.check("pmem2_map_delete (again)", pmem2_map_delete(&map));
		}
	}
	static char buffer[64 * KiB] __attribute__((aligned(4096)));
	pmem2_map *wrapped = nullptr;
	if (src != nullptr)
		o.check("pmem2_map_from_existing",
			pmem2_map_from_existing(&wrapped, src, buffer, sizeof(buffer), PMEM2_GRANULARITY_PAGE));
	if (wrapped != nullptr) {
		pmem2_get_persist_fn(wrapped)(buffer, sizeof(buffer));
		o.check("pmem2_map_delete (existing)", pmem2_map_delete(&wrapped));
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

void pmem2_ras(Outcome &o, int fd, const std::string &)
{
	pmem2_source *src = nullptr;
	o.check("pmem2_source_from_fd", pmem2_source_from_fd(&src, fd));
	if (src == nullptr)
		return;
	pmem2_badblock_context *bb = nullptr;
	long r = pmem2_badblock_context_new(&bb, src);
	o.check("pmem2_badblock_context_new", r);
	if (bb != nullptr) {
		pmem2_badblock b{};
		int n = pmem2_badblock_next(bb, &b);
		if (n != PMEM2_E_NO_BAD_BLOCK_FOUND)
			o.check("pmem2_badblock_next", n);
		pmem2_badblock_context_delete(&bb);
	}
	char buf[8192];
	o.check("pmem2_source_pwrite_mcsafe", pmem2_source_pwrite_mcsafe(src, buf, sizeof(buf), 4096));
	o.check("pmem2_source_pread_mcsafe", pmem2_source_pread_mcsafe(src, buf, sizeof(buf), 4096));
	size_t sz = 0, al = 0;
	o.check("pmem2_source_size", pmem2_source_size(src, &sz));
	o.check("pmem2_source_alignment", pmem2_source_alignment(src, &al));
	pmem2_source_delete(&src);
}

void pmemset_parts(Outcome &o, int, const std::string &dir, int coalescing, bool temporary)
{
	pmemset_config *cfg = nullptr;
	pmemset *set = nullptr;
	pmemset_source *src = nullptr;
	const std::string path = dir + "/created";
	o.check("pmemset_config_new", pmemset_config_new(&cfg));
	if (cfg != nullptr) {
		o.check("set_required_store_granularity",
			pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
		o.check("pmemset_new", pmemset_new(&set, cfg));
	}
	if (temporary)
		o.check("pmemset_source_from_temporary", pmemset_source_from_temporary(&src, dir.c_str()));
	else
		o.check("pmemset_xsource_from_file",
			pmemset_xsource_from_file(&src, path.c_str(),
						  PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
							  PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED));
	if (set != nullptr && src != nullptr) {
		o.check("pmemset_set_contiguous_part_coalescing",
			pmemset_set_contiguous_part_coalescing(set, static_cast<pmemset_coalescing>(coalescing)));
		std::vector<pmemset_part_descriptor> descs;
		for (std::size_t i = 0; i < 3; ++i) {
			pmemset_part *part = nullptr;
			o.check("pmemset_part_new", pmemset_part_new(&part, set, src, i * 64 * KiB, 64 * KiB));
			if (part == nullptr)
				continue;
			pmemset_part_descriptor d{};
			int r = pmemset_part_map(&part, nullptr, &d);
			o.check("pmemset_part_map", r);
			if (r == 0)
				descs.push_back(d);
			pmemset_part_delete(&part);
		}
		if (!descs.empty()) {
			o.check("pmemset_persist", pmemset_persist(set, descs[0].addr, 4096));
			o.check("pmemset_deep_flush", pmemset_deep_flush(set, descs[0].addr, 4096));
			o.check("pmemset_remove_range", pmemset_remove_range(set, descs[0].addr, 4096));
		}
		struct pmemset_part_map *pm = nullptr;
		pmemset_first_part_map(set, &pm);
		if (pm != nullptr)
			o.check("pmemset_remove_part_map", pmemset_remove_part_map(set, &pm));
		pmemset_part_map_drop(&pm);
	}
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmemset_config_delete(&cfg);
	unlink(path.c_str()); // a created file is the caller's to remove
}

struct NamedSequence {
	const char *name;
	Sequence run;
};

std::vector<NamedSequence> sequences()
{
	using namespace std::placeholders;
	return {
		{"pmem2 file map PAGE", [](Outcome &o, int fd, const std::string &d) {
			 pmem2_file_map(o, fd, d, PMEM2_GRANULARITY_PAGE, false);
		 }},
		{"pmem2 file map PAGE, placement hint not taken", [](Outcome &o, int fd, const std::string &d) {
			 // Then the mapping is moved into place with mremap.
			 faults::drop_hints(true);
			 pmem2_file_map(o, fd, d, PMEM2_GRANULARITY_PAGE, false);
			 faults::drop_hints(false);
		 }},
		{"pmem2 file map in a reservation", [](Outcome &o, int fd, const std::string &d) {
			 pmem2_file_map(o, fd, d, PMEM2_GRANULARITY_PAGE, true);
		 }},
		{"pmem2 anonymous map and map_from_existing", pmem2_anon_and_existing},
		{"pmem2 bad blocks and mcsafe", pmem2_ras},
		{"pmemset created file, no coalescing", [](Outcome &o, int fd, const std::string &d) {
			 pmemset_parts(o, fd, d, PMEMSET_COALESCING_NONE, false);
		 }},
		{"pmemset temporary file, full coalescing", [](Outcome &o, int fd, const std::string &d) {
			 pmemset_parts(o, fd, d, PMEMSET_COALESCING_FULL, true);
		 }},
		{"pmemset created file, opportunistic coalescing", [](Outcome &o, int fd, const std::string &d) {
			 pmemset_parts(o, fd, d, PMEMSET_COALESCING_OPPORTUNISTIC, false);
		 }},
	};
}

int error_for(Kind k)
{
	switch (k) {
	case Kind::Mmap:
	case Kind::Munmap:
		return ENOMEM;
	case Kind::Mremap:
		// Only a kernel out of memory can clear the target of a failed move, and
		// the library then keeps that range forever rather than guess (see
		// common/address_space.hpp): failures are injected as the kernel's
		// argument checks report them, which leave both ranges as they were.
		return EINVAL;
	case Kind::Open:
		return EMFILE;
	default:
		return EIO;
	}
}

TEST(FaultInjection, EveryFailingCallLeavesNothingBehindAndTheSequenceStillWorks)
{
	pmem2::test::TempFile file(1 * MiB, "/tmp");
	Scratch scratch;
	std::printf("%-48s %-10s %6s %8s\n", "sequence", "kind", "points", "failed");
	long total_points = 0;
	for (const auto &seq : sequences()) {
		{ // warm-up: one-time initialisation (registries, per-thread buffers)
			Outcome warm;
			seq.run(warm, file.fd(), scratch.dir);
			ASSERT_TRUE(warm.ok) << seq.name << " fails without faults: " << pmem2_errormsg() << " / "
					     << pmemset_errormsg();
		}
		for (int k = 0; k < static_cast<int>(Kind::Count); ++k) {
			const Kind kind = static_cast<Kind>(k);
			Outcome count_run;
			faults::arm(kind, 0, 0);
			seq.run(count_run, file.fd(), scratch.dir);
			const long points = faults::disarm();
			long failed = 0;
			for (long n = 1; n <= points; ++n) {
				const auto maps_before = maps_snapshot();
				const std::size_t fds_before = open_fds();
				const std::size_t files_before = entries(scratch.dir);
				Outcome o;
				faults::arm(kind, n, error_for(kind));
				seq.run(o, file.fd(), scratch.dir);
				faults::disarm();
				const std::string where = std::string(seq.name) + ", " + faults::name(kind) + " #" +
					std::to_string(n);
				EXPECT_TRUE(o.bad_codes.empty()) << where << ": " << o.bad_codes.front();
				const auto maps_after = maps_snapshot();
				std::vector<std::string> extra;
				std::set_difference(maps_after.begin(), maps_after.end(), maps_before.begin(),
						    maps_before.end(), std::back_inserter(extra));
				EXPECT_EQ(faults::live_blocks(), 0u) << where << ": heap blocks leaked";
				EXPECT_TRUE(extra.empty()) << where << ": mapping left behind: " << extra.front();
				EXPECT_EQ(open_fds(), fds_before) << where << ": fd leaked";
				EXPECT_EQ(entries(scratch.dir), files_before) << where << ": file left created";
				if (!o.ok)
					++failed;
				// Still usable: the same sequence without faults.
				Outcome again;
				seq.run(again, file.fd(), scratch.dir);
				EXPECT_TRUE(again.ok) << where << ": the sequence fails afterwards without faults";
			}
			total_points += points;
			if (points > 0)
				std::printf("%-48s %-10s %6ld %8ld\n", seq.name, faults::name(kind), points, failed);
		}
	}
	std::printf("injection points swept: %ld\n", total_points);
	EXPECT_GT(total_points, 100);
}

} // namespace
