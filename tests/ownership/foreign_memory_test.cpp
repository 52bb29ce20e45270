// SPDX-License-Identifier: BSD-3-Clause
// foreign_memory_test.cpp -- while API threads drive every libpmem2/libpmemset
// call that maps or unmaps (standalone maps on ext4, tmpfs and anonymous memory,
// reservations with maps, extend and shrink, map_from_existing, pmemset part maps
// in every coalescing mode, remove_range), canary threads keep mapping, filling,
// checking and unmapping regions of their own and starting short-lived threads
// that check their stacks. No canary byte may change, no canary mapping may
// vanish from /proc/self/maps, and every library call must return a code its man
// page documents for the situation. Bounded in time; every check is
// deterministic: each thread only reads and writes what it owns itself.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <set>
#include <sys/mman.h>
#include <thread>
#include <vector>

#include <libpmem2.h>
#include <libpmemset.h>

#include "ownership_test_util.hpp"
#include "test_files.hpp"

namespace {

using namespace pmem2::test;
using Clock = std::chrono::steady_clock;

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * KiB;

// Failures of any thread, reported at the end (gtest assertions are not used
// off the main thread).
class Failures {
public:
	void add(std::string what)
	{
		std::lock_guard g(lock_);
		if (list_.size() < 20)
			list_.push_back(std::move(what));
		++count_;
	}
	unsigned count() const { return count_.load(); }
	std::string text() const
	{
		std::lock_guard g(lock_);
		std::string s;
		for (auto &l : list_)
			s += l + "\n";
		return s;
	}

private:
	mutable std::mutex lock_;
	std::vector<std::string> list_;
	std::atomic<unsigned> count_{0};
};

unsigned char pattern(std::uint64_t seed, std::size_t i)
{
	return static_cast<unsigned char>((seed * 0x9E3779B97F4A7C15ull + i * 131) >> 29);
}

// ---- canaries ----

struct Canary {
	unsigned char *addr;
	std::size_t len;
	std::uint64_t seed;
	const char *perms; // as /proc/self/maps shows them
	int slot;	   // file slot; -1 anonymous, -2 anonymous with every 64th byte set
};

class CanaryKeeper {
public:
	static constexpr int kFileSlots = 16;
	static constexpr std::size_t kFileSlot = 256 * KiB;

	CanaryKeeper(unsigned id, Failures &f)
		: rng_(id * 104729 + 7), file_(kFileSlots * kFileSlot, "/tmp"), failures_(f)
	{
	}
	~CanaryKeeper()
	{
		for (auto &c : live_)
			::munmap(c.addr, c.len);
	}

	// A keeper in tight mode only maps small anonymous canaries, one after
	// another: they fit any hole the library might leave, even for a moment.
	void tight_step()
	{
		if (live_.size() >= 48)
			drop_oldest();
		// The sizes of the library's mappings in this test, so a canary fits any
		// hole one of them could leave.
		// A hole at the edge of a placeholder joins the free gap next to it, so
		// larger canaries (and new thread stacks, 8 MiB) can land there too.
		static constexpr std::size_t kSizes[] = {4 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 2 * MiB, 8 * MiB};
		if (rng_() % 4 == 0)
			return thread_with_stack_canary();
		const std::size_t len = kSizes[rng_() % 6];
		void *p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return failures_.add("canary mmap failed: " + std::string(std::strerror(errno)));
		Canary c{static_cast<unsigned char *>(p), len, rng_(), "rw-p", -2}; // -2: every 64th byte
		for (std::size_t i = 0; i < len; i += 64)
			c.addr[i] = pattern(c.seed, i);
		live_.push_back(c);
		++created;
		++steps;
		if (steps % 64 == 0)
			check_maps();
	}

	void step()
	{
		switch (rng_() % 6) {
		case 0:
		case 1:
			create();
			break;
		case 2:
			check_all();
			break;
		case 3:
			drop();
			break;
		case 4:
			thread_with_stack_canary();
			break;
		case 5:
			check_maps();
			break;
		}
		++steps;
	}
	void finish()
	{
		check_all();
		check_maps();
	}
	unsigned long steps = 0, created = 0, threads = 0;

private:
	void create()
	{
		if (live_.size() >= 24)
			return drop();
		const std::size_t len = (1 + rng_() % 64) * 4096; // at most one file slot
		const bool file_backed = rng_() % 2 == 0;
		int slot = -1;
		if (file_backed) { // each file canary has a slot of its keeper's own file
			for (int i = 0; i < kFileSlots && slot < 0; ++i)
				if (!slot_used_[i])
					slot = i;
			if (slot < 0)
				return drop();
		}
		void *p = file_backed
			? ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, file_.fd(),
				 static_cast<off_t>(slot * kFileSlot))
			: ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return failures_.add("canary mmap failed: " + std::string(std::strerror(errno)));
		Canary c{static_cast<unsigned char *>(p), len, rng_(), file_backed ? "rw-s" : "rw-p", slot};
		for (std::size_t i = 0; i < len; ++i)
			c.addr[i] = pattern(c.seed, i);
		if (slot >= 0)
			slot_used_[slot] = true;
		live_.push_back(c);
		++created;
	}
	bool check(const Canary &c)
	{
		const std::size_t stride = c.slot == -2 ? 64 : 1;
		for (std::size_t i = 0; i < c.len; i += stride)
			if (c.addr[i] != pattern(c.seed, i)) {
				failures_.add("canary byte changed at " + std::to_string(i) + " of a " +
					      std::to_string(c.len) + "-byte anonymous canary");
				return false;
			}
		return true;
	}
	void check_all()
	{
		for (auto &c : live_)
			check(c);
	}
	void check_maps()
	{
		auto maps = read_maps();
		for (auto &c : live_)
			if (!covered_by(maps, reinterpret_cast<std::uintptr_t>(c.addr),
					reinterpret_cast<std::uintptr_t>(c.addr) + c.len, c.perms))
				failures_.add(std::string("canary mapping vanished or changed (") + c.perms + ", " +
					      std::to_string(c.len) + " bytes)");
	}
	void drop_oldest()
	{
		check(live_.front());
		::munmap(live_.front().addr, live_.front().len);
		live_.erase(live_.begin());
	}
	void drop()
	{
		if (live_.empty())
			return;
		std::size_t i = rng_() % live_.size();
		check(live_[i]);
		::munmap(live_[i].addr, live_[i].len);
		if (live_[i].slot >= 0)
			slot_used_[live_[i].slot] = false;
		live_.erase(live_.begin() + static_cast<long>(i));
	}
	// A short-lived thread: its new stack is mapped while the library works.
	void thread_with_stack_canary()
	{
		std::uint64_t seed = rng_() | 1;
		std::thread t([this, seed] {
			volatile unsigned char stack[16 * KiB];
			for (std::size_t i = 0; i < sizeof(stack); ++i)
				stack[i] = pattern(seed, i);
			std::this_thread::yield();
			for (std::size_t i = 0; i < sizeof(stack); ++i)
				if (stack[i] != pattern(seed, i)) {
					failures_.add("a thread's stack changed under it");
					return;
				}
		});
		t.join();
		++threads;
	}

	std::mt19937_64 rng_;
	TempFile file_;
	Failures &failures_;
	std::vector<Canary> live_;
	bool slot_used_[kFileSlots] = {};
};

// ---- the library's side ----

// Checks a return code against the codes allowed for the call.
struct Expect {
	Failures &failures;
	std::atomic<unsigned long> &calls;
	bool operator()(const char *what, int ret, std::initializer_list<int> allowed = {0})
	{
		++calls;
		for (int a : allowed)
			if (ret == a)
				return ret == 0;
		failures.add(std::string(what) + " returned " + std::to_string(ret) + ": " + pmem2_errormsg());
		return false;
	}
};

struct Sources {
	TempFile ext4{8 * MiB, "/tmp"};
	TempFile tmpfs{8 * MiB, "/dev/shm"};
	pmem2_source *file_ext4 = nullptr, *file_tmpfs = nullptr, *anon = nullptr;
	Sources()
	{
		pmem2_source_from_fd(&file_ext4, ext4.fd());
		pmem2_source_from_fd(&file_tmpfs, tmpfs.fd());
		pmem2_source_from_anon(&anon, 8 * MiB);
	}
	~Sources()
	{
		pmem2_source_delete(&file_ext4);
		pmem2_source_delete(&file_tmpfs);
		pmem2_source_delete(&anon);
	}
};

struct Config {
	pmem2_config *cfg = nullptr;
	Config(std::size_t offset, std::size_t length)
	{
		pmem2_config_new(&cfg);
		pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
		pmem2_config_set_offset(cfg, offset);
		pmem2_config_set_length(cfg, length);
	}
	~Config() { pmem2_config_delete(&cfg); }
};

// Writes a tag through the map's own functions and reads it back.
bool use_map(pmem2_map *m, unsigned char tag)
{
	auto *p = static_cast<unsigned char *>(pmem2_map_get_address(m));
	std::size_t len = pmem2_map_get_size(m);
	pmem2_get_memset_fn(m)(p, tag, len < 8192 ? len : 8192, 0);
	pmem2_get_persist_fn(m)(p, 1);
	return p[0] == tag && p[(len < 8192 ? len : 8192) - 1] == tag;
}

void standalone_maps(Sources &s, std::mt19937 &rng, Expect &expect)
{
	// ext4 most often: its MAP_SYNC refusal is where a hole could open.
	pmem2_source *srcs[] = {s.file_ext4, s.file_ext4, s.file_tmpfs, s.anon};
	pmem2_source *src = srcs[rng() % 4];
	const std::size_t len = (1 + rng() % 32) * 64 * KiB;
	Config c((rng() % 8) * 64 * KiB, len);
	pmem2_map *m = nullptr;
	if (!expect("pmem2_map_new", pmem2_map_new(&m, c.cfg, src)))
		return;
	if (!use_map(m, static_cast<unsigned char>(rng())))
		expect.failures.add("a standalone map did not hold its data");
	expect("pmem2_map_delete", pmem2_map_delete(&m));
}

void reservation_maps(Sources &s, std::mt19937 &rng, Expect &expect)
{
	pmem2_vm_reservation *rsv = nullptr;
	if (!expect("pmem2_vm_reservation_new", pmem2_vm_reservation_new(&rsv, nullptr, 4 * MiB)))
		return;
	std::vector<pmem2_map *> maps;
	pmem2_source *src = rng() % 2 ? s.file_ext4 : s.file_tmpfs;
	for (std::size_t off = 1 * MiB; off < 4 * MiB; off += 1 * MiB) {
		Config c(off, 256 * KiB);
		pmem2_config_set_vm_reservation(c.cfg, rsv, off);
		pmem2_map *m = nullptr;
		if (expect("pmem2_map_new (reservation)", pmem2_map_new(&m, c.cfg, src)))
			maps.push_back(m);
	}
	pmem2_map *found = nullptr;
	expect("pmem2_vm_reservation_map_find", pmem2_vm_reservation_map_find(rsv, 0, 4 * MiB, &found));
	// Growing may meet another mapping of the process: MAPPING_EXISTS is then the
	// documented answer, and nothing may have changed.
	int grown = pmem2_vm_reservation_extend(rsv, 2 * MiB);
	if (expect("pmem2_vm_reservation_extend", grown, {0, PMEM2_E_MAPPING_EXISTS}))
		expect("pmem2_vm_reservation_shrink (back)", pmem2_vm_reservation_shrink(rsv, 4 * MiB, 2 * MiB));
	expect("pmem2_vm_reservation_shrink (front)", pmem2_vm_reservation_shrink(rsv, 0, 1 * MiB));
	for (auto *m : maps) {
		if (!use_map(m, static_cast<unsigned char>(rng())))
			expect.failures.add("a map in a reservation did not hold its data");
		expect("pmem2_map_delete (reservation)", pmem2_map_delete(&m));
	}
	expect("pmem2_vm_reservation_delete", pmem2_vm_reservation_delete(&rsv));
}

void existing_maps(Sources &s, std::mt19937 &rng, Expect &expect)
{
	const std::size_t len = (1 + rng() % 16) * 4096;
	void *mem = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return expect.failures.add("mmap for map_from_existing failed");
	pmem2_map *m = nullptr;
	if (expect("pmem2_map_from_existing", pmem2_map_from_existing(&m, s.anon, mem, len, PMEM2_GRANULARITY_PAGE))) {
		static_cast<unsigned char *>(mem)[0] = 0x5a;
		pmem2_get_persist_fn(m)(mem, 1);
		expect("pmem2_map_delete (existing)", pmem2_map_delete(&m));
	}
	// Deleting the wrapper never unmaps the caller's memory.
	if (!covered_by(read_maps(), reinterpret_cast<std::uintptr_t>(mem), reinterpret_cast<std::uintptr_t>(mem) + len,
			"rw-p") ||
	    static_cast<unsigned char *>(mem)[0] != 0x5a)
		expect.failures.add("pmem2_map_delete of a map_from_existing touched the caller's memory");
	::munmap(mem, len);
}

void pmemset_maps(std::mt19937 &rng, Expect &expect, int mode)
{
	TempFile file(2 * MiB, rng() % 2 ? "/tmp" : "/dev/shm");
	pmem2_source *p2 = nullptr;
	pmemset_source *src = nullptr;
	pmemset_config *cfg = nullptr;
	pmemset *set = nullptr;
	pmem2_source_from_fd(&p2, file.fd());
	pmemset_source_from_pmem2(&src, p2);
	pmemset_config_new(&cfg);
	pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	if (expect("pmemset_new", pmemset_new(&set, cfg))) {
		expect("pmemset_set_contiguous_part_coalescing",
		       pmemset_set_contiguous_part_coalescing(set, static_cast<pmemset_coalescing>(mode)));
		std::vector<pmemset_part_descriptor> descs;
		for (std::size_t i = 0; i < 4; ++i) {
			pmemset_part *part = nullptr;
			expect("pmemset_part_new", pmemset_part_new(&part, set, src, i * 256 * KiB, 256 * KiB));
			pmemset_part_descriptor d{};
			// FULL coalescing cannot always extend past another mapping of the process.
			int r = pmemset_part_map(&part, nullptr, &d);
			if (expect("pmemset_part_map", r,
				   {0, mode == PMEMSET_COALESCING_FULL ? PMEMSET_E_CANNOT_COALESCE_PARTS : 0}))
				descs.push_back(d);
			else
				pmemset_part_delete(&part);
		}
		if (!descs.empty()) {
			auto *p = static_cast<unsigned char *>(descs.back().addr);
			expect("pmemset_memset", pmemset_memset(set, p, 0x33, 4096, 0) == p ? 0 : -1);
			// The middle of the first part map, whole pieces only.
			expect("pmemset_remove_range", pmemset_remove_range(set, descs.front().addr, 4096));
		}
		for (;;) {
			struct pmemset_part_map *pm = nullptr;
			pmemset_first_part_map(set, &pm);
			if (pm == nullptr)
				break;
			if (!expect("pmemset_remove_part_map", pmemset_remove_part_map(set, &pm)))
				break;
		}
		expect("pmemset_delete", pmemset_delete(&set));
	}
	pmemset_config_delete(&cfg);
	pmemset_source_delete(&src);
	pmem2_source_delete(&p2);
}

TEST(ForeignMemory, LibraryNeverTouchesMemoryItDoesNotOwn)
{
	const auto duration = std::chrono::milliseconds(env_count("PMEM2_FOREIGN_MS", 6000));
	const auto deadline = Clock::now() + duration;
	Failures failures;
	std::atomic<unsigned long> calls{0};

	std::vector<std::thread> api;
	std::vector<unsigned long> rounds(5, 0);
	for (unsigned t = 0; t < rounds.size(); ++t)
		api.emplace_back([&, t] {
			std::mt19937 rng(t * 31 + 3);
			Expect expect{failures, calls};
			Sources sources; // each thread writes only into files of its own
			while (Clock::now() < deadline) {
				switch (t) {
				case 0:
					standalone_maps(sources, rng, expect);
					break;
				case 1:
					reservation_maps(sources, rng, expect);
					break;
				case 2:
					existing_maps(sources, rng, expect);
					standalone_maps(sources, rng, expect);
					break;
				default:
					pmemset_maps(rng, expect, static_cast<int>(rounds[t] % 3));
					break;
				}
				++rounds[t];
			}
		});

	std::vector<std::thread> keepers;
	std::vector<unsigned long> steps(4), threads(4), created(4);
	for (unsigned k = 0; k < steps.size(); ++k)
		keepers.emplace_back([&, k] {
			CanaryKeeper keeper(k, failures);
			while (Clock::now() < deadline) {
				if (k < 2)
					keeper.step();
				else
					keeper.tight_step();
			}
			keeper.finish();
			steps[k] = keeper.steps;
			threads[k] = keeper.threads;
			created[k] = keeper.created;
		});
	for (auto &t : api)
		t.join();
	for (auto &t : keepers)
		t.join();

	EXPECT_EQ(failures.count(), 0u) << failures.text();
	unsigned long total_rounds = 0;
	for (auto r : rounds)
		total_rounds += r;
	EXPECT_GT(total_rounds, 0u);
	unsigned long total_steps = 0, total_created = 0, total_threads = 0;
	for (unsigned k = 0; k < steps.size(); ++k) {
		total_steps += steps[k];
		total_created += created[k];
		total_threads += threads[k];
	}
	EXPECT_GT(total_steps, 0u);
	std::printf("library calls checked: %lu in %lu API rounds; canary regions created: %lu, threads started: %lu\n",
		    calls.load(), total_rounds, total_created, total_threads);
}

} // namespace
