// SPDX-License-Identifier: BSD-3-Clause
// reservation_test.cpp -- pmem2_vm_reservation_*: creation, placement rules, every
// documented error in the reference's order, find*, extend/shrink at both ends,
// and the address space left behind (checked in /proc/self/maps).
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <sys/mman.h>
#include <unistd.h>

#include <libpmem2.h>

#include "pmem2/map/map.hpp"
#include "pmem2/vm_reservation/reservation.hpp"
#include "vm_test_util.hpp"

namespace {

using namespace pmem2::test;

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * KiB;
constexpr std::size_t GiB = 1024 * MiB;
// The system page size (4 KiB on x86-64, 64 KiB on ppc64el and some arm64 kernels):
// every "one page" below is this, so the placement rules hold for both.
const std::size_t kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

// Finds a free, 2 MiB-aligned stretch of `len` bytes of address space.
std::uintptr_t free_address(std::size_t len)
{
	void *p = ::mmap(nullptr, len + 2 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		throw std::runtime_error("mmap failed");
	::munmap(p, len + 2 * MiB);
	return (uptr(p) + 2 * MiB - 1) & ~(2 * MiB - 1);
}

class Rsv : public ::testing::Test {
protected:
	void TearDown() override
	{
		for (auto *&m : maps_) {
			if (m != nullptr) {
				EXPECT_EQ(pmem2_map_delete(&m), 0);
			}
		}
		if (rsv_ != nullptr) {
			EXPECT_EQ(pmem2_vm_reservation_delete(&rsv_), 0);
		}
	}
	void make(std::size_t size, void *addr = nullptr)
	{
		before_ = vm_areas();
		ASSERT_EQ(pmem2_vm_reservation_new(&rsv_, addr, size), 0) << pmem2_errormsg();
		base_ = uptr(pmem2_vm_reservation_get_address(rsv_));
	}
	// Maps `len` bytes of the file at file_off into the reservation at rsv_off.
	int place(std::size_t rsv_off, std::size_t len, pmem2_map **out = nullptr, std::size_t file_off = 0)
	{
		cfg_.at(rsv_, rsv_off, len, file_off);
		pmem2_map *m = nullptr;
		int ret = pmem2_map_new(&m, cfg_.get(), file_.get());
		if (ret == 0)
			maps_.push_back(m);
		else
			EXPECT_EQ(m, nullptr);
		if (out != nullptr)
			*out = m;
		return ret;
	}
	void drop(pmem2_map *m)
	{
		for (auto *&x : maps_)
			if (x == m) {
				ASSERT_EQ(pmem2_map_delete(&x), 0) << pmem2_errormsg();
				EXPECT_EQ(x, nullptr);
			}
	}

	FileSource file_{64 * MiB};
	Cfg cfg_;
	pmem2_vm_reservation *rsv_ = nullptr;
	std::uintptr_t base_ = 0;
	std::vector<pmem2_map *> maps_;
	std::vector<VmArea> before_; // the address space before the reservation was made
};

// ---- new / delete / getters ----

TEST(RsvNew, NullOutPointer) { EXPECT_EQ(pmem2_vm_reservation_new(nullptr, nullptr, kPage), -EINVAL); }

TEST(RsvNew, UnalignedAddressComesFirst)
{
	pmem2_vm_reservation *rsv = reinterpret_cast<pmem2_vm_reservation *>(0x1);
	EXPECT_EQ(pmem2_vm_reservation_new(&rsv, reinterpret_cast<void *>(free_address(4 * MiB) + 1), 4097),
		  PMEM2_E_ADDRESS_UNALIGNED);
	EXPECT_EQ(rsv, nullptr);
	EXPECT_STRNE(pmem2_errormsg(), "");
}

TEST(RsvNew, UnalignedSize)
{
	pmem2_vm_reservation *rsv = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, 4097), PMEM2_E_LENGTH_UNALIGNED);
	EXPECT_EQ(rsv, nullptr);
}

TEST(RsvNew, HugeSizeFailsCleanly)
{
	pmem2_vm_reservation *rsv = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, SIZE_MAX & ~(kPage - 1)), -ENOMEM);
	EXPECT_EQ(rsv, nullptr);
}

TEST_F(Rsv, ZeroSizeIsAllowed)
{
	make(0);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 0u);
	EXPECT_NE(pmem2_vm_reservation_get_address(rsv_), nullptr);
	EXPECT_EQ(place(0, kPage), PMEM2_E_LENGTH_OUT_OF_RANGE);
}

TEST_F(Rsv, KernelChosenAddressIs2MiBAlignedAndAPlaceholder)
{
	make(6 * MiB);
	EXPECT_EQ(base_ % (2 * MiB), 0u);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 6 * MiB);
	EXPECT_TRUE(is_placeholder(base_, base_ + 6 * MiB));
}

TEST(RsvNew, TwoGiBAndMoreIs1GiBAligned)
{
	pmem2_vm_reservation *rsv = nullptr;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, 2 * GiB), 0) << pmem2_errormsg();
	EXPECT_EQ(uptr(pmem2_vm_reservation_get_address(rsv)) % GiB, 0u);
	EXPECT_EQ(pmem2_vm_reservation_delete(&rsv), 0);
}

TEST_F(Rsv, FixedAddressIsUsedExactly)
{
	const std::uintptr_t want = free_address(8 * MiB) + kPage; // page- but not 2 MiB-aligned
	make(4 * MiB, reinterpret_cast<void *>(want));
	EXPECT_EQ(base_, want);
	EXPECT_TRUE(is_placeholder(want, want + 4 * MiB));
}

TEST(RsvNew, FixedAddressOverAMappingIsMappingExists)
{
	const std::uintptr_t at = free_address(8 * MiB);
	// Something sits where the reservation's slack (not its user range) would go:
	// the whole real range must be free.
	void *blocker = ::mmap(reinterpret_cast<void *>(at + 3 * MiB), kPage, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_NE(blocker, MAP_FAILED);
	pmem2_vm_reservation *rsv = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_new(&rsv, reinterpret_cast<void *>(at), 2 * MiB), PMEM2_E_MAPPING_EXISTS);
	EXPECT_EQ(rsv, nullptr);
	EXPECT_EQ(pmem2_vm_reservation_new(&rsv, reinterpret_cast<void *>(at + 3 * MiB), kPage),
		  PMEM2_E_MAPPING_EXISTS);
	// The failed attempts left nothing behind.
	EXPECT_TRUE(is_unmapped(at, at + 3 * MiB));
	::munmap(blocker, kPage);
}

TEST(RsvDelete, NullArguments)
{
	EXPECT_EQ(pmem2_vm_reservation_delete(nullptr), -EINVAL);
	pmem2_vm_reservation *rsv = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_delete(&rsv), -EINVAL);
}

TEST(RsvDelete, ReleasesTheWholeRealRangeIncludingSlack)
{
	const auto before = vm_areas();
	pmem2_vm_reservation *rsv = nullptr;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, nullptr, 2 * MiB), 0);
	const std::uintptr_t a = uptr(pmem2_vm_reservation_get_address(rsv));
	// The real range is 4 MiB somewhere within [a - 2 MiB, a + 4 MiB).
	ASSERT_FALSE(same_as(before, a - 2 * MiB, a + 4 * MiB));
	ASSERT_EQ(pmem2_vm_reservation_delete(&rsv), 0);
	EXPECT_EQ(rsv, nullptr);
	EXPECT_TRUE(same_as(before, a - 2 * MiB, a + 4 * MiB)) << "placeholder slack left behind (reference DEFECT)";
}

TEST(RsvDelete, FixedAddressSlackIsReleasedToo)
{
	const std::uintptr_t at = free_address(8 * MiB);
	pmem2_vm_reservation *rsv = nullptr;
	ASSERT_EQ(pmem2_vm_reservation_new(&rsv, reinterpret_cast<void *>(at), kPage), 0);
	EXPECT_TRUE(is_placeholder(at, at + 4 * MiB)); // roundup(4 KiB, 2 MiB) + 2 MiB
	ASSERT_EQ(pmem2_vm_reservation_delete(&rsv), 0);
	EXPECT_TRUE(is_unmapped(at, at + 4 * MiB));
}

TEST_F(Rsv, DeleteRefusesWhileMapsRemain)
{
	make(4 * MiB);
	pmem2_map *m;
	ASSERT_EQ(place(2 * MiB, 64 * KiB, &m), 0);
	pmem2_vm_reservation *keep = rsv_;
	EXPECT_EQ(pmem2_vm_reservation_delete(&rsv_), PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT_EQ(rsv_, keep);
	drop(m);
	EXPECT_EQ(pmem2_vm_reservation_delete(&rsv_), 0);
	EXPECT_EQ(rsv_, nullptr);
}

TEST(RsvGetters, NullReservation)
{
	EXPECT_EQ(pmem2_vm_reservation_get_address(nullptr), nullptr);
	EXPECT_EQ(pmem2_vm_reservation_get_size(nullptr), 0u);
}

// ---- mapping into a reservation ----

TEST_F(Rsv, MapLandsAtTheOffsetAndDataReachesTheFile)
{
	make(4 * MiB);
	pmem2_map *m;
	ASSERT_EQ(place(1 * MiB, 64 * KiB, &m, 128 * KiB), 0) << pmem2_errormsg();
	EXPECT_EQ(uptr(pmem2_map_get_address(m)), base_ + 1 * MiB);
	EXPECT_EQ(pmem2_map_get_size(m), 64 * KiB);
	EXPECT_TRUE(is_file_mapping(base_ + 1 * MiB, base_ + 1 * MiB + 64 * KiB, "rw-s"));
	EXPECT_TRUE(is_placeholder(base_, base_ + 1 * MiB));
	EXPECT_TRUE(is_placeholder(base_ + 1 * MiB + 64 * KiB, base_ + 4 * MiB));
	std::memcpy(pmem2_map_get_address(m), "hello", 6);
	char buf[6] = {};
	ASSERT_EQ(::pread(file_.fd(), buf, 6, 128 * KiB), 6);
	EXPECT_STREQ(buf, "hello");
}

TEST_F(Rsv, DeleteRestoresThePlaceholder)
{
	make(4 * MiB);
	pmem2_map *m;
	ASSERT_EQ(place(64 * KiB, 128 * KiB, &m), 0);
	ASSERT_TRUE(is_file_mapping(base_ + 64 * KiB, base_ + 192 * KiB, "rw-s"));
	drop(m);
	EXPECT_TRUE(is_placeholder(base_, base_ + 4 * MiB));
	// The range can be used again.
	EXPECT_EQ(place(64 * KiB, 128 * KiB), 0);
}

TEST_F(Rsv, PlacementErrorsInTheReferenceOrder)
{
	make(2 * MiB);
	// Unaligned offset beats running past the end.
	EXPECT_EQ(place(100, 4 * MiB), PMEM2_E_OFFSET_UNALIGNED);
	// Past the end (the man page says ADDRESS_UNALIGNED; the reference returns this).
	EXPECT_EQ(place(2 * MiB - kPage, 2 * kPage), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_EQ(place(4 * MiB, kPage), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_EQ(place(0, 2 * MiB), 0);
	EXPECT_EQ(place(0, kPage), PMEM2_E_MAPPING_EXISTS);
	EXPECT_EQ(place(2 * MiB - kPage, kPage), PMEM2_E_MAPPING_EXISTS);
}

TEST_F(Rsv, LengthRoundsUpToAPageForOccupancyButNotForFind)
{
	pmem2_source *small = nullptr;
	TempFile f(kPage + 904, "/dev/shm");
	ASSERT_EQ(pmem2_source_from_fd(&small, f.fd()), 0);
	make(2 * MiB);
	cfg_.at(rsv_, 0, 0);
	pmem2_map *m = nullptr;
	ASSERT_EQ(pmem2_map_new(&m, cfg_.get(), small), 0) << pmem2_errormsg();
	maps_.push_back(m);
	EXPECT_EQ(pmem2_map_get_size(m), kPage + 904);
	EXPECT_EQ(place(kPage, kPage), PMEM2_E_MAPPING_EXISTS); // the map's second page
	EXPECT_EQ(place(2 * kPage, kPage), 0);
	pmem2_map *found = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, kPage + 903, 0, &found), 0);
	EXPECT_EQ(found, m);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, kPage + 904, 0, &found), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(found, nullptr);
	drop(m);
	EXPECT_TRUE(is_placeholder(base_, base_ + 2 * kPage)); // both pages restored
	pmem2_source_delete(&small);
}

TEST_F(Rsv, FailedMapLeavesThePlaceholderAndNoEntry)
{
	FileSource ro(1 * MiB, O_RDONLY);
	make(2 * MiB);
	cfg_.at(rsv_, 0, 64 * KiB);
	pmem2_map *m = nullptr;
	// Shared + PROT_WRITE on a read-only fd: mmap fails with EACCES.
	EXPECT_EQ(pmem2_map_new(&m, cfg_.get(), ro.get()), PMEM2_E_NO_ACCESS);
	EXPECT_EQ(m, nullptr);
	EXPECT_TRUE(is_placeholder(base_, base_ + 2 * MiB));
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 0, 0, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(place(0, 64 * KiB), 0); // the claim was dropped
}

TEST_F(Rsv, UnsupportedGranularityUndoesTheMapping)
{
	make(2 * MiB);
	pmem2_config_set_required_store_granularity(cfg_.get(), PMEM2_GRANULARITY_BYTE);
	ScopedEnv unforced("PMEM2_FORCE_GRANULARITY", nullptr);
	EXPECT_EQ(place(0, 64 * KiB), PMEM2_E_GRANULARITY_NOT_SUPPORTED); // tmpfs is not DAX
	EXPECT_TRUE(is_placeholder(base_, base_ + 2 * MiB));
	pmem2_config_set_required_store_granularity(cfg_.get(), PMEM2_GRANULARITY_PAGE);
	EXPECT_EQ(place(0, 64 * KiB), 0);
}

// The core's checks that need a source alignment above the page size (device DAX).
TEST(RsvCore, AddressAlignmentIsCheckedAfterTheRange)
{
	auto r = pmem2::vm::Reservation::create(nullptr, 8 * MiB);
	ASSERT_TRUE(r);
	auto &rsv = *r.value();
	pmem2::map::Map m;
	int calls = 0;
	auto place = [&](void *, pmem2::vm::Reservation::Leftover &) -> pmem2::common::Status {
		++calls;
		return {};
	};
	EXPECT_EQ(rsv.insert(kPage, 2 * MiB, 2 * MiB, m, place).code(), PMEM2_E_ADDRESS_UNALIGNED);
	EXPECT_EQ(rsv.insert(8 * MiB - kPage, 2 * MiB, 2 * MiB, m, place).code(), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_EQ(calls, 0);
	EXPECT_TRUE(rsv.insert(2 * MiB, 2 * MiB, 2 * MiB, m, [&](void *addr, pmem2::vm::Reservation::Leftover &) -> pmem2::common::Status {
			       m.addr = addr;
			       m.content_length = m.reserved_length = 2 * MiB;
			       return {};
		       }));
	EXPECT_EQ(uptr(m.addr), uptr(rsv.address()) + 2 * MiB);
	EXPECT_EQ(pmem2::vm::Reservation::destroy(r.value().get()).code(), PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT_TRUE(rsv.remove(m));
	EXPECT_EQ(rsv.remove(m).code(), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_TRUE(pmem2::vm::Reservation::destroy(r.value().release()));
}

TEST_F(Rsv, MapDeleteOfAMapNotInItsReservationIsRefused)
{
	make(2 * MiB);
	pmem2_map *m;
	ASSERT_EQ(place(0, 64 * KiB, &m), 0);
	// Remove it from the tree behind the map's back: map_delete must notice.
	auto *core = reinterpret_cast<pmem2::map::Map *>(m);
	auto *rsv = reinterpret_cast<pmem2::vm::Reservation *>(rsv_);
	ASSERT_TRUE(rsv->remove(*core));
	EXPECT_EQ(pmem2_map_delete(&m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_NE(m, nullptr);
	// Put it back so the fixture can clean up.
	auto again = rsv->insert(0, 64 * KiB, kPage, *core, [&](void *addr, pmem2::vm::Reservation::Leftover &) -> pmem2::common::Status {
		return ::mmap(addr, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, file_.fd(), 0) ==
				       MAP_FAILED
			       ? pmem2::common::fail(-errno, "mmap")
			       : pmem2::common::Status{};
	});
	ASSERT_TRUE(again);
}

// ---- find ----

TEST_F(Rsv, FindArgumentChecks)
{
	make(2 * MiB);
	pmem2_map *m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 0, 0, nullptr), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_map_find(nullptr, 0, 0, &m), -EINVAL);
	EXPECT_EQ(m, nullptr);
	m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_EQ(pmem2_vm_reservation_map_find_first(nullptr, &m), -EINVAL);
	EXPECT_EQ(m, nullptr);
	EXPECT_EQ(pmem2_vm_reservation_map_find_last(rsv_, nullptr), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_map_find_next(rsv_, nullptr, &m), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_map_find_prev(rsv_, nullptr, &m), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_map_find_next(rsv_, m, nullptr), -EINVAL);
}

TEST_F(Rsv, FindOnAnEmptyReservation)
{
	make(2 * MiB);
	pmem2_map *m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 0, 2 * MiB, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(m, nullptr);
	m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_EQ(pmem2_vm_reservation_map_find_first(rsv_, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(m, nullptr);
	m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_EQ(pmem2_vm_reservation_map_find_last(rsv_, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(m, nullptr);
}

TEST_F(Rsv, FindReturnsTheLowestIntersectingMap)
{
	make(4 * MiB);
	pmem2_map *a, *b, *c;
	ASSERT_EQ(place(64 * KiB, 64 * KiB, &a), 0);
	ASSERT_EQ(place(256 * KiB, 64 * KiB, &b), 0);
	ASSERT_EQ(place(3 * MiB, 64 * KiB, &c), 0);
	pmem2_map *m = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 0, 4 * MiB, &m), 0);
	EXPECT_EQ(m, a);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 100 * KiB, 4 * MiB, &m), 0); // starts inside a
	EXPECT_EQ(m, a);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 128 * KiB, 129 * KiB, &m), 0); // gap, then b
	EXPECT_EQ(m, b);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 128 * KiB, 128 * KiB, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(m, nullptr);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 320 * KiB - 1, 0, &m), 0); // last byte of b
	EXPECT_EQ(m, b);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 320 * KiB, 0, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 3 * MiB + 1, 1, &m), 0);
	EXPECT_EQ(m, c);
	// The offset is not bounded by the size; the far end of the address space is harmless.
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 64 * MiB, 0, &m), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, SIZE_MAX, SIZE_MAX, &m), PMEM2_E_MAPPING_NOT_FOUND);
}

TEST_F(Rsv, FirstLastNextPrevWalkInAddressOrder)
{
	make(8 * MiB);
	pmem2_map *m[4];
	// Created out of order; the walk must be by address.
	const std::size_t offs[4] = {6 * MiB, 1 * MiB, 4 * MiB, 2 * MiB};
	for (int i = 0; i < 4; ++i)
		ASSERT_EQ(place(offs[i], 64 * KiB, &m[i]), 0);
	pmem2_map *order[4] = {m[1], m[3], m[2], m[0]};
	pmem2_map *x = nullptr;
	ASSERT_EQ(pmem2_vm_reservation_map_find_first(rsv_, &x), 0);
	for (int i = 0; i < 4; ++i) {
		EXPECT_EQ(x, order[i]);
		int ret = pmem2_vm_reservation_map_find_next(rsv_, x, &x);
		EXPECT_EQ(ret, i < 3 ? 0 : PMEM2_E_MAPPING_NOT_FOUND);
	}
	EXPECT_EQ(x, nullptr);
	ASSERT_EQ(pmem2_vm_reservation_map_find_last(rsv_, &x), 0);
	for (int i = 3; i >= 0; --i) {
		EXPECT_EQ(x, order[i]);
		int ret = pmem2_vm_reservation_map_find_prev(rsv_, x, &x);
		EXPECT_EQ(ret, i > 0 ? 0 : PMEM2_E_MAPPING_NOT_FOUND);
	}
	EXPECT_EQ(x, nullptr);
}

TEST_F(Rsv, NextAndPrevOfAForeignMapGoByAddress)
{
	make(8 * MiB);
	pmem2_map *a, *b;
	ASSERT_EQ(place(0, 64 * KiB, &a), 0);
	ASSERT_EQ(place(4 * MiB, 64 * KiB, &b), 0);
	// A map of another reservation, placed between a and b by address.
	pmem2_vm_reservation *other = nullptr;
	ASSERT_EQ(pmem2_vm_reservation_new(&other, reinterpret_cast<void *>(base_ + 2 * MiB), 0),
		  PMEM2_E_MAPPING_EXISTS); // inside ours: refused
	pmem2::map::Map probe;
	probe.addr = reinterpret_cast<void *>(base_ + 2 * MiB);
	pmem2_map *x = nullptr;
	auto *foreign = reinterpret_cast<pmem2_map *>(&probe);
	EXPECT_EQ(pmem2_vm_reservation_map_find_next(rsv_, foreign, &x), 0);
	EXPECT_EQ(x, b);
	EXPECT_EQ(pmem2_vm_reservation_map_find_prev(rsv_, foreign, &x), 0);
	EXPECT_EQ(x, a);
}

// ---- extend ----

TEST_F(Rsv, ExtendErrorsAndNoOp)
{
	make(2 * MiB);
	EXPECT_EQ(pmem2_vm_reservation_extend(nullptr, kPage), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_extend(rsv_, 100), PMEM2_E_LENGTH_UNALIGNED);
	EXPECT_EQ(pmem2_vm_reservation_extend(rsv_, 0), 0);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 2 * MiB);
}

TEST_F(Rsv, ExtendKeepsAddressAndMaps)
{
	// A fixed address with free space above it (a kernel-chosen one usually has
	// a neighbour right above its slack, and extend never moves a reservation).
	make(2 * MiB, reinterpret_cast<void *>(free_address(32 * MiB)));
	pmem2_map *m;
	ASSERT_EQ(place(1 * MiB, 64 * KiB, &m), 0);
	std::memcpy(pmem2_map_get_address(m), "kept", 5);
	for (std::size_t step : {kPage, 2 * MiB, 16 * MiB}) { // within the slack, then beyond it
		const std::size_t before = pmem2_vm_reservation_get_size(rsv_);
		ASSERT_EQ(pmem2_vm_reservation_extend(rsv_, step), 0) << pmem2_errormsg();
		EXPECT_EQ(uptr(pmem2_vm_reservation_get_address(rsv_)), base_);
		EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), before + step);
		EXPECT_TRUE(is_placeholder(base_ + before, base_ + before + step));
	}
	EXPECT_STREQ(static_cast<char *>(pmem2_map_get_address(m)), "kept");
	pmem2_map *x = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 1 * MiB, 0, &x), 0);
	EXPECT_EQ(x, m);
	const std::size_t size = pmem2_vm_reservation_get_size(rsv_);
	EXPECT_EQ(place(size - 64 * KiB, 64 * KiB), 0); // the new end is usable
}

TEST_F(Rsv, ExtendIntoAnOccupiedRangeIsMappingExists)
{
	const std::uintptr_t at = free_address(16 * MiB);
	make(2 * MiB, reinterpret_cast<void *>(at)); // real range [at, at + 4 MiB)
	void *blocker = ::mmap(reinterpret_cast<void *>(at + 5 * MiB), kPage, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_NE(blocker, MAP_FAILED);
	EXPECT_EQ(pmem2_vm_reservation_extend(rsv_, 2 * MiB), 0); // fits the slack: no mmap
	EXPECT_EQ(pmem2_vm_reservation_extend(rsv_, 2 * MiB), PMEM2_E_MAPPING_EXISTS);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 4 * MiB);
	::munmap(blocker, kPage);
	EXPECT_EQ(pmem2_vm_reservation_extend(rsv_, 2 * MiB), 0);
	EXPECT_TRUE(is_placeholder(at, at + 6 * MiB));
	ASSERT_EQ(pmem2_vm_reservation_delete(&rsv_), 0);
	EXPECT_TRUE(is_unmapped(at, at + 8 * MiB));
}

// ---- shrink ----

TEST_F(Rsv, ShrinkErrorsInTheReferenceOrder)
{
	make(4 * MiB);
	EXPECT_EQ(pmem2_vm_reservation_shrink(nullptr, 0, kPage), -EINVAL);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 1, 1), PMEM2_E_OFFSET_UNALIGNED);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 0, 1), PMEM2_E_LENGTH_UNALIGNED);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 4 * MiB, 0), PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 0, 0), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 2 * MiB, 4 * MiB), PMEM2_E_LENGTH_OUT_OF_RANGE);
	// offset + size wraps: like the reference, that range touches neither end.
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, kPage, SIZE_MAX & ~(kPage - 1)), PMEM2_E_NOSUPP);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 1 * MiB, 1 * MiB), PMEM2_E_NOSUPP); // middle
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 0, 4 * MiB), PMEM2_E_NOSUPP);       // whole
	pmem2_map *m;
	ASSERT_EQ(place(3 * MiB, 64 * KiB, &m), 0);
	EXPECT_EQ(pmem2_vm_reservation_shrink(rsv_, 2 * MiB, 2 * MiB), PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 4 * MiB);
	EXPECT_EQ(uptr(pmem2_vm_reservation_get_address(rsv_)), base_);
}

TEST_F(Rsv, ShrinkAtTheFrontMovesTheAddressAndKeepsMaps)
{
	make(4 * MiB);
	pmem2_map *m;
	ASSERT_EQ(place(3 * MiB, 64 * KiB, &m), 0);
	ASSERT_EQ(pmem2_vm_reservation_shrink(rsv_, 0, 1 * MiB), 0) << pmem2_errormsg();
	EXPECT_EQ(uptr(pmem2_vm_reservation_get_address(rsv_)), base_ + 1 * MiB);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 3 * MiB);
	EXPECT_TRUE(same_as(before_, base_ - 2 * MiB, base_ + 1 * MiB)); // freed, with the head slack
	EXPECT_TRUE(is_placeholder(base_ + 1 * MiB, base_ + 3 * MiB));
	EXPECT_EQ(uptr(pmem2_map_get_address(m)), base_ + 3 * MiB);
	pmem2_map *x = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_map_find(rsv_, 2 * MiB, 0, &x), 0); // offsets follow the new start
	EXPECT_EQ(x, m);
	EXPECT_EQ(place(3 * MiB - 64 * KiB, 64 * KiB), 0); // new end
}

TEST_F(Rsv, ShrinkAtTheBackReleasesTheTailAndExtendGrowsItAgain)
{
	make(4 * MiB);
	pmem2_map *m;
	ASSERT_EQ(place(0, 64 * KiB, &m), 0);
	ASSERT_EQ(pmem2_vm_reservation_shrink(rsv_, 1 * MiB, 3 * MiB), 0) << pmem2_errormsg();
	EXPECT_EQ(uptr(pmem2_vm_reservation_get_address(rsv_)), base_);
	EXPECT_EQ(pmem2_vm_reservation_get_size(rsv_), 1 * MiB);
	EXPECT_TRUE(same_as(before_, base_ + 1 * MiB, base_ + 6 * MiB)); // freed, with the tail slack
	EXPECT_EQ(place(1 * MiB, kPage), PMEM2_E_LENGTH_OUT_OF_RANGE);
	ASSERT_EQ(pmem2_vm_reservation_extend(rsv_, 1 * MiB), 0);
	EXPECT_TRUE(is_placeholder(base_ + 64 * KiB, base_ + 2 * MiB));
	EXPECT_EQ(place(1 * MiB, kPage), 0);
	pmem2_map *x = nullptr;
	EXPECT_EQ(pmem2_vm_reservation_map_find_first(rsv_, &x), 0);
	EXPECT_EQ(x, m);
}

TEST_F(Rsv, ManyMapsStayOrderedAndFindable)
{
	constexpr std::size_t n = 2000; // several levels of the tree
	make(n * 64 * KiB);
	std::vector<pmem2_map *> m(n);
	// Insert in a scrambled order.
	for (std::size_t k = 0; k < n; ++k) {
		const std::size_t i = (k * 7919) % n;
		ASSERT_EQ(place(i * 64 * KiB, 64 * KiB, &m[i], (i * 64 * KiB) % (64 * MiB)), 0) << i;
	}
	for (std::size_t i = 0; i < n; ++i) {
		pmem2_map *x = nullptr;
		ASSERT_EQ(pmem2_vm_reservation_map_find(rsv_, i * 64 * KiB + 12345, 0, &x), 0);
		ASSERT_EQ(x, m[i]);
	}
	// Remove every third and check the neighbours.
	for (std::size_t i = 0; i < n; i += 3)
		drop(m[i]);
	pmem2_map *x = nullptr;
	std::size_t seen = 0;
	for (int r = pmem2_vm_reservation_map_find_first(rsv_, &x); r == 0;
	     r = pmem2_vm_reservation_map_find_next(rsv_, x, &x)) {
		ASSERT_EQ((uptr(pmem2_map_get_address(x)) - base_) / (64 * KiB) % 3, seen % 2 == 0 ? 1u : 2u);
		++seen;
	}
	EXPECT_EQ(seen, n - (n + 2) / 3);
	for (std::size_t i = 0; i < n; i += 3)
		EXPECT_TRUE(is_placeholder(base_ + i * 64 * KiB, base_ + (i + 1) * 64 * KiB));
}

} // namespace
