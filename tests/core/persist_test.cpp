// SPDX-License-Identifier: BSD-3-Clause
// persist_test.cpp -- pmem2_get_*_fn per granularity (stable shared pointers),
// every mem-op flag on every granularity writing exactly the right bytes, and the
// PAGE msync walk (observed through the dirty-page counts of /proc/self/smaps).
#include <gtest/gtest.h>

#include <csignal>
#include <sys/mman.h>
#include <vector>

#include "core_test_util.hpp"
#include "pmem2/persist/granularity_ops.hpp"
#include "pmem2/persist/page_sync.hpp"

using namespace pmem2;
using namespace pmem2::test;

namespace {

const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));
const long kPageKb = static_cast<long>(kPage / 1024);
constexpr const char *kForce = "PMEM2_FORCE_GRANULARITY";

// A SHARED map of a fresh /tmp file with the granularity forced to g.
struct ForcedMap {
	TempFile file;
	SourcePtr src;
	MapPtr map;
	ForcedMap(pmem2_granularity g, size_t size, const char *dir = "/tmp") : file(size, dir)
	{
		static const char *names[] = {"BYTE", "CACHE_LINE", "PAGE"};
		ScopedEnv force(kForce, names[g]);
		src = source_from_fd(file.fd());
		ConfigPtr cfg = make_config(PMEM2_GRANULARITY_PAGE);
		map = must_map(cfg, src);
		EXPECT_EQ(pmem2_map_get_store_granularity(map.get()), g);
	}
	char *addr() const { return static_cast<char *>(pmem2_map_get_address(map.get())); }
	size_t size() const { return pmem2_map_get_size(map.get()); }
};

const pmem2_granularity kAll[] = {PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE};

const unsigned kFlagSets[] = {
	0,
	PMEM2_F_MEM_NODRAIN,
	PMEM2_F_MEM_NOFLUSH,
	PMEM2_F_MEM_NOFLUSH | PMEM2_F_MEM_NODRAIN,
	PMEM2_F_MEM_NONTEMPORAL,
	PMEM2_F_MEM_TEMPORAL,
	PMEM2_F_MEM_WC,
	PMEM2_F_MEM_WB,
	PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_WC,
	PMEM2_F_MEM_TEMPORAL | PMEM2_F_MEM_WB,
	PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN,
	PMEM2_F_MEM_WB | PMEM2_F_MEM_NODRAIN,
};

const size_t kSizes[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129,
			 255, 256, 257, 511, 767, 768, 769, 1000, 4095, 4096, 4097, 12345, 65536 + 17};
const size_t kOffsets[] = {0, 1, 7, 8, 31, 63, 64, 100};

std::vector<unsigned char> pattern(size_t n, unsigned seed)
{
	std::vector<unsigned char> v(n);
	for (size_t i = 0; i < n; ++i)
		v[i] = static_cast<unsigned char>((i * 131 + seed * 17 + (i >> 8)) & 0xff);
	return v;
}

} // namespace

TEST(PersistGetters, SharedPerGranularityAndMemcpyIsMemmove)
{
	for (auto g : kAll) {
		ForcedMap a(g, kPage), b(g, kPage);
		const auto &ops = persist::ops_for(static_cast<Granularity>(g));
		for (pmem2_map *m : {a.map.get(), b.map.get()}) {
			EXPECT_EQ(pmem2_get_persist_fn(m), ops.persist);
			EXPECT_EQ(pmem2_get_flush_fn(m), ops.flush);
			EXPECT_EQ(pmem2_get_drain_fn(m), ops.drain);
			EXPECT_EQ(pmem2_get_memmove_fn(m), ops.memmove);
			EXPECT_EQ(reinterpret_cast<void *>(pmem2_get_memcpy_fn(m)),
				  reinterpret_cast<void *>(pmem2_get_memmove_fn(m)));
			EXPECT_EQ(pmem2_get_memset_fn(m), ops.memset);
			EXPECT_NE(pmem2_get_persist_fn(m), nullptr);
			EXPECT_NE(pmem2_get_flush_fn(m), nullptr);
			EXPECT_NE(pmem2_get_drain_fn(m), nullptr);
			EXPECT_NE(pmem2_get_memmove_fn(m), nullptr);
			EXPECT_NE(pmem2_get_memset_fn(m), nullptr);
		}
	}
	// Each granularity has its own table.
	EXPECT_NE(persist::ops_for(Granularity::Page).persist, persist::ops_for(Granularity::CacheLine).persist);
	EXPECT_NE(persist::ops_for(Granularity::CacheLine).persist, persist::ops_for(Granularity::Byte).persist);
	EXPECT_NE(persist::ops_for(Granularity::Page).memmove, persist::ops_for(Granularity::CacheLine).memmove);
}

TEST(PersistGetters, PageFlushIsPersistAndNullMapGetsUsableFunctions)
{
	const auto &page = persist::ops_for(Granularity::Page);
	EXPECT_EQ(page.flush, page.persist);
	EXPECT_NE(pmem2_get_persist_fn(nullptr), nullptr);
	EXPECT_NE(pmem2_get_flush_fn(nullptr), nullptr);
	EXPECT_NE(pmem2_get_drain_fn(nullptr), nullptr);
	EXPECT_NE(pmem2_get_memmove_fn(nullptr), nullptr);
	EXPECT_NE(pmem2_get_memcpy_fn(nullptr), nullptr);
	EXPECT_NE(pmem2_get_memset_fn(nullptr), nullptr);
	char buf[100] = {};
	pmem2_get_memset_fn(nullptr)(buf, 1, sizeof(buf), 0);
	pmem2_get_persist_fn(nullptr)(buf, sizeof(buf));
	pmem2_get_drain_fn(nullptr)();
	EXPECT_EQ(buf[99], 1);
}

TEST(PersistGetters, PersistFlushDrainRunOnEveryGranularity)
{
	for (auto g : kAll) {
		ForcedMap m(g, 3 * kPage);
		std::memset(m.addr(), 0x5a, m.size());
		pmem2_get_flush_fn(m.map.get())(m.addr() + 1, m.size() - 2);
		pmem2_get_drain_fn(m.map.get())();
		pmem2_get_persist_fn(m.map.get())(m.addr(), m.size());
		pmem2_get_persist_fn(m.map.get())(m.addr() + 5, 0);
		EXPECT_EQ(read_file(m.file.fd(), 0, m.size()), std::string(m.size(), '\x5a'));
	}
}

class MemOps : public ::testing::TestWithParam<pmem2_granularity> {};

TEST_P(MemOps, MemcpyAndMemsetWriteExactlyTheRange)
{
	// tmpfs: the PAGE msync after each op is cheap there (ext4 writes back).
	constexpr size_t kMapSize = 128 * 1024;
	ForcedMap m(GetParam(), kMapSize, "/dev/shm");
	char *base = m.addr();
	auto memcpy_fn = pmem2_get_memcpy_fn(m.map.get());
	auto memmove_fn = pmem2_get_memmove_fn(m.map.get());
	auto memset_fn = pmem2_get_memset_fn(m.map.get());
	auto drain_fn = pmem2_get_drain_fn(m.map.get());
	const std::vector<unsigned char> src = pattern(kMapSize, 3);
	unsigned seed = 0;
	for (unsigned flags : kFlagSets) {
		for (size_t len : kSizes) {
			for (size_t off : kOffsets) {
				++seed;
				std::memset(base, 0xEE, off + len + 256);
				const size_t soff = seed % 61;
				void *r = (seed & 1 ? memcpy_fn : memmove_fn)(base + off, src.data() + soff, len, flags);
				drain_fn();
				ASSERT_EQ(r, base + off);
				ASSERT_EQ(std::memcmp(base + off, src.data() + soff, len), 0)
					<< "flags " << flags << " len " << len << " off " << off;
				for (size_t i = 0; i < off; ++i)
					ASSERT_EQ(static_cast<unsigned char>(base[i]), 0xEE) << "wrote before dest";
				for (size_t i = off + len; i < off + len + 256; ++i)
					ASSERT_EQ(static_cast<unsigned char>(base[i]), 0xEE) << "wrote past the end";

				const int c = static_cast<int>(seed & 0xff);
				r = memset_fn(base + off, c, len, flags);
				drain_fn();
				ASSERT_EQ(r, base + off);
				for (size_t i = 0; i < len; ++i)
					ASSERT_EQ(static_cast<unsigned char>(base[off + i]), c)
						<< "memset flags " << flags << " len " << len << " off " << off;
				for (size_t i = 0; i < off; ++i)
					ASSERT_EQ(static_cast<unsigned char>(base[i]), 0xEE);
				for (size_t i = off + len; i < off + len + 256; ++i)
					ASSERT_EQ(static_cast<unsigned char>(base[i]), 0xEE);
			}
		}
	}
	// Everything written through the map is in the file.
	EXPECT_EQ(read_file(m.file.fd(), 0, kMapSize), std::string(base, kMapSize));
}

TEST_P(MemOps, MemmoveHandlesOverlapBothWays)
{
	constexpr size_t kMapSize = 64 * 1024;
	ForcedMap m(GetParam(), kMapSize, "/dev/shm");
	char *base = m.addr();
	auto memmove_fn = pmem2_get_memmove_fn(m.map.get());
	for (unsigned flags : kFlagSets) {
		for (size_t len : {size_t(1), size_t(8), size_t(63), size_t(64), size_t(200), size_t(257), size_t(5000)}) {
			for (size_t shift : {size_t(1), size_t(8), size_t(64), size_t(100)}) {
				if (shift >= len)
					continue;
				for (bool forward : {true, false}) {
					const auto ref = pattern(len + shift, static_cast<unsigned>(len + shift));
					std::memcpy(base, ref.data(), len + shift);
					std::vector<unsigned char> want(ref);
					char *dst = forward ? base + shift : base;
					char *srcp = forward ? base : base + shift;
					std::memmove(want.data() + (dst - base), want.data() + (srcp - base), len);
					memmove_fn(dst, srcp, len, flags);
					ASSERT_EQ(std::memcmp(base, want.data(), len + shift), 0)
						<< "flags " << flags << " len " << len << " shift " << shift
						<< (forward ? " forward" : " backward");
				}
			}
		}
	}
	// src == dest is a no-op copy.
	std::memset(base, 7, 100);
	EXPECT_EQ(memmove_fn(base, base, 100, 0), base);
	EXPECT_EQ(base[99], 7);
}

std::string granularity_label(const ::testing::TestParamInfo<pmem2_granularity> &info)
{
	switch (info.param) {
	case PMEM2_GRANULARITY_BYTE:
		return "Byte";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CacheLine";
	case PMEM2_GRANULARITY_PAGE:
		return "Page";
	}
	return "Unknown";
}

INSTANTIATE_TEST_SUITE_P(AllGranularities, MemOps, ::testing::ValuesIn(kAll), granularity_label);

TEST(PageMemOps, WriteBackUnlessNoFlush)
{
	// On a PAGE map the mem ops end with msync (pages become clean), NODRAIN
	// changes nothing, and NOFLUSH leaves the pages dirty.
	ForcedMap m(PMEM2_GRANULARITY_PAGE, 8 * kPage);
	auto memset_fn = pmem2_get_memset_fn(m.map.get());
	auto memcpy_fn = pmem2_get_memcpy_fn(m.map.get());
	const auto data = pattern(2 * kPage, 1);
	const std::vector<long> want = {2 * kPageKb, 0, 3 * kPageKb, 0, kPageKb, 0};
	EXPECT_EQ(observe_until(want,
				[&] {
					std::vector<long> v;
					pmem2_get_persist_fn(m.map.get())(m.addr(), m.size());
					memset_fn(m.addr(), 1, 2 * kPage, PMEM2_F_MEM_NOFLUSH);
					v.push_back(dirty_kb(m.addr()));
					memset_fn(m.addr(), 2, 2 * kPage, 0);
					v.push_back(dirty_kb(m.addr()));
					memcpy_fn(m.addr() + kPage + 1, data.data(), 2 * kPage, PMEM2_F_MEM_NOFLUSH);
					v.push_back(dirty_kb(m.addr()));
					memcpy_fn(m.addr() + kPage + 1, data.data(), 2 * kPage, PMEM2_F_MEM_NODRAIN);
					v.push_back(dirty_kb(m.addr()));
					// Drain on PAGE does nothing at all; flush writes back.
					std::memset(m.addr(), 3, kPage);
					pmem2_get_drain_fn(m.map.get())();
					v.push_back(dirty_kb(m.addr()));
					pmem2_get_flush_fn(m.map.get())(m.addr() + 10, 1);
					v.push_back(dirty_kb(m.addr()));
					return v;
				}),
		  want);
}

TEST(PageSync, OnlyTheTouchedPagesOfTheRange)
{
	ForcedMap m(PMEM2_GRANULARITY_PAGE, 8 * kPage);
	const std::vector<long> want = {8 * kPageKb, 7 * kPageKb, 5 * kPageKb, 4 * kPageKb, 3 * kPageKb};
	EXPECT_EQ(observe_until(want,
				[&] {
					std::vector<long> v;
					std::memset(m.addr(), 1, 8 * kPage);
					v.push_back(dirty_kb(m.addr()));
					// One byte in page 2, then from the middle of page 4 into page 5.
					pmem2_get_persist_fn(m.map.get())(m.addr() + 2 * kPage + 100, 1);
					v.push_back(dirty_kb(m.addr()));
					pmem2_get_persist_fn(m.map.get())(m.addr() + 4 * kPage + 2000, kPage);
					v.push_back(dirty_kb(m.addr()));
					// Past the map's end, and before its start: only the map's part.
					EXPECT_EQ(persist::page_sync(m.addr() + 7 * kPage, 4 * kPage), 0);
					v.push_back(dirty_kb(m.addr()));
					EXPECT_EQ(persist::page_sync(m.addr() - kPage, 2 * kPage), 0);
					v.push_back(dirty_kb(m.addr()));
					return v;
				}),
		  want);
}

TEST(PageSync, SpansSeveralMapsAndSkipsGaps)
{
	std::vector<std::unique_ptr<ForcedMap>> maps;
	for (int i = 0; i < 3; ++i)
		maps.push_back(std::make_unique<ForcedMap>(PMEM2_GRANULARITY_PAGE, 2 * kPage));
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (auto &m : maps) {
		lo = std::min(lo, reinterpret_cast<uintptr_t>(m->addr()));
		hi = std::max(hi, reinterpret_cast<uintptr_t>(m->addr()) + 2 * kPage);
	}
	const std::vector<long> want = {2 * kPageKb, 2 * kPageKb, 2 * kPageKb, 0, 0, 0};
	EXPECT_EQ(observe_until(want,
				[&] {
					std::vector<long> v;
					for (auto &m : maps) {
						std::memset(m->addr(), 9, 2 * kPage);
						v.push_back(dirty_kb(m->addr()));
					}
					// The range covers gaps and unrelated memory between the maps.
					pmem2_get_persist_fn(maps[0]->map.get())(reinterpret_cast<void *>(lo), hi - lo);
					for (auto &m : maps)
						v.push_back(dirty_kb(m->addr()));
					return v;
				}),
		  want);
}

namespace {

// A window of address space holding, page by page: [A A gap U U gap B B], where A
// and B are file pages registered through map_from_existing (PAGE) and U is a file
// mapping the library does not know about.
struct Window {
	TempFile file{8 * kPage};
	SourcePtr src = source_from_fd(file.fd());
	char *base = nullptr;
	pmem2_map *a = nullptr, *b = nullptr;
	Window()
	{
		void *w = ::mmap(nullptr, 8 * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		EXPECT_NE(w, MAP_FAILED);
		base = static_cast<char *>(w);
		for (size_t page : {0, 3, 6}) // distinct file offsets keep the VMAs apart
			EXPECT_NE(::mmap(base + page * kPage, 2 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
					 file.fd(), static_cast<off_t>(page * kPage)),
				  MAP_FAILED);
		EXPECT_EQ(pmem2_map_from_existing(&a, src.get(), base, 2 * kPage, PMEM2_GRANULARITY_PAGE), 0);
		EXPECT_EQ(pmem2_map_from_existing(&b, src.get(), base + 6 * kPage, 2 * kPage, PMEM2_GRANULARITY_PAGE),
			  0);
	}
	~Window()
	{
		pmem2_map_delete(&a);
		pmem2_map_delete(&b);
		::munmap(base, 8 * kPage);
	}
	void dirty_all()
	{
		for (size_t page : {0, 3, 6})
			std::memset(base + page * kPage, 1, 2 * kPage);
	}
};

} // namespace

TEST(PageSync, UnregisteredMemoryIsIgnored)
{
	Window w;
	// A, U, B dirty; then A and B clean and U still dirty; then U alone: unchanged.
	const std::vector<long> want = {2 * kPageKb, 2 * kPageKb, 2 * kPageKb, 0, 2 * kPageKb, 0, 2 * kPageKb};
	EXPECT_EQ(observe_until(want,
				[&] {
					w.dirty_all();
					std::vector<long> v = {dirty_kb(w.base), dirty_kb(w.base + 3 * kPage),
							       dirty_kb(w.base + 6 * kPage)};
					EXPECT_EQ(persist::page_sync(w.base, 8 * kPage), 0);
					v.push_back(dirty_kb(w.base));
					v.push_back(dirty_kb(w.base + 3 * kPage));
					v.push_back(dirty_kb(w.base + 6 * kPage));
					EXPECT_EQ(persist::page_sync(w.base + 3 * kPage, 2 * kPage), 0);
					v.push_back(dirty_kb(w.base + 3 * kPage));
					return v;
				}),
		  want);
	char local[64];
	pmem2_get_persist_fn(nullptr)(local, sizeof(local)); // not registered: nothing to do
}

namespace {

// Child body of FromExistingMapTerminates: exits 0 when both persists returned and
// cleaned exactly the registered pages.
[[noreturn]] void persist_wrapped_maps()
{
	::alarm(20);
	Window w;
	w.dirty_all();
	pmem2_get_persist_fn(w.a)(w.base, 2 * kPage);
	pmem2_get_persist_fn(w.b)(w.base + 6 * kPage + 10, 10);
	// Only "clean" is asserted here: background writeback can clean U or B early.
	const long a = dirty_kb(w.base), b7 = dirty_kb(w.base + 6 * kPage);
	std::fprintf(stderr, "dirty kB: A %ld B %ld\n", a, b7);
	std::exit(a == 0 && b7 <= kPageKb ? 0 : 3);
}

} // namespace

TEST(PageSync, FromExistingMapTerminates)
{
	// FACTS 12.3: the reference loops forever persisting a map_from_existing map from
	// its (page-aligned) start. Run in a child with an alarm so a regression fails
	// instead of hanging the suite.
	EXPECT_EXIT(persist_wrapped_maps(), ::testing::ExitedWithCode(0), "dirty kB");
}

TEST(PageSync, FromExistingMapStartingMidPage)
{
	TempFile f(2 * kPage);
	SourcePtr src = source_from_fd(f.fd());
	auto *p = static_cast<char *>(
		::mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0));
	ASSERT_NE(p, MAP_FAILED);
	pmem2_map *a = nullptr, *b = nullptr;
	ASSERT_EQ(pmem2_map_from_existing(&a, src.get(), p + 100, 100, PMEM2_GRANULARITY_PAGE), 0);
	ASSERT_EQ(pmem2_map_from_existing(&b, src.get(), p + 200, kPage, PMEM2_GRANULARITY_PAGE), 0);
	// msync needs a page-aligned start: the walk aligns each map's part down.
	const std::vector<long> want = {2 * kPageKb, 0, kPageKb, 0, 0};
	EXPECT_EQ(observe_until(want,
				[&] {
					std::memset(p, 1, 2 * kPage);
					std::vector<long> v = {dirty_kb(p)};
					v.push_back(persist::page_sync(p + 150, 10));
					v.push_back(dirty_kb(p));
					v.push_back(persist::page_sync(p + 100, 2 * kPage));
					v.push_back(dirty_kb(p));
					return v;
				}),
		  want);
	EXPECT_EQ(pmem2_map_delete(&a), 0);
	EXPECT_EQ(pmem2_map_delete(&b), 0);
	::munmap(p, 2 * kPage);
}

TEST(PageSync, MsyncFailureIsReportedNotFatal)
{
	// A registered range that is no longer mapped: msync fails with ENOMEM. The
	// reference aborts; we report it from page_sync and keep persist_fn alive.
	SourcePtr src = source_from_anon(kPage);
	void *hole = ::mmap(nullptr, kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(hole, MAP_FAILED);
	ASSERT_EQ(::munmap(hole, kPage), 0);
	pmem2_map *m = nullptr;
	ASSERT_EQ(pmem2_map_from_existing(&m, src.get(), hole, kPage, PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_EQ(persist::page_sync(hole, kPage), -ENOMEM);
	pmem2_get_persist_fn(m)(hole, kPage);
	EXPECT_EQ(pmem2_map_delete(&m), 0);
}

TEST(PageSync, RangeRunningOffTheAddressSpace)
{
	ForcedMap m(PMEM2_GRANULARITY_PAGE, kPage);
	std::memset(m.addr(), 1, kPage);
	EXPECT_EQ(persist::page_sync(m.addr(), SIZE_MAX), 0);
	EXPECT_EQ(dirty_kb(m.addr()), 0);
}
