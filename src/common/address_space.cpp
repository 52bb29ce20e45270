// SPDX-License-Identifier: BSD-3-Clause
// address_space.cpp -- the library's mmap/mremap/munmap calls and the ledger
// that checks each of them against the ranges the library owns.
#include "common/address_space.hpp"

#include "common/immortal.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <sys/mman.h>

#include "common/env.hpp"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

namespace pmem2::common::address_space {

namespace {

// Every piece of placeholder is mapped with the same flags, so that the kernel
// merges neighbouring pieces back into one VMA after a map is removed (otherwise
// each removal would cost a VMA against vm.max_map_count).
constexpr int kPlaceholderFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

std::uintptr_t addr_of(const void *p) noexcept { return reinterpret_cast<std::uintptr_t>(p); }
void *ptr_of(std::uintptr_t a) noexcept { return reinterpret_cast<void *>(a); }

// Owned ranges as disjoint, non-adjacent [begin, end) intervals keyed by begin.
class Ledger {
public:
	bool on() const noexcept { return on_.load(std::memory_order_acquire); }
	void enable() noexcept { on_.store(true, std::memory_order_release); }

	// The kernel just gave [b, e) to the library: nobody may own any of it yet.
	void add(const char *op, std::uintptr_t b, std::uintptr_t e) noexcept
	{
		std::lock_guard guard(lock_);
		if (intersects(b, e))
			violation(op, b, e, "the kernel handed out a range the library believes it still owns");
		try {
			auto it = ranges_.emplace(b, e).first;
			merge_around(it);
		} catch (const std::bad_alloc &) {
			broken(); // the record is incomplete from now on
		}
	}
	// [b, e) must be wholly owned.
	void require(const char *op, std::uintptr_t b, std::uintptr_t e) const noexcept
	{
		std::lock_guard guard(lock_);
		if (!covered(b, e))
			violation(op, b, e, "range not owned by the library");
	}
	// [b, e) must be wholly owned; it is owned no more.
	void remove(const char *op, std::uintptr_t b, std::uintptr_t e) noexcept
	{
		std::lock_guard guard(lock_);
		if (!covered(b, e))
			violation(op, b, e, "range not owned by the library");
		auto it = std::prev(ranges_.upper_bound(b));
		const std::uintptr_t lo = it->first;
		const std::uintptr_t hi = it->second;
		try {
			ranges_.erase(it);
			if (lo < b)
				ranges_.emplace(lo, b);
			if (e < hi)
				ranges_.emplace(e, hi);
		} catch (const std::bad_alloc &) {
			broken();
		}
	}
	bool owned(std::uintptr_t b, std::uintptr_t e) const noexcept
	{
		std::lock_guard guard(lock_);
		return covered(b, e);
	}
	std::size_t bytes() const noexcept
	{
		std::lock_guard guard(lock_);
		std::size_t n = 0;
		for (const auto &r : ranges_)
			n += r.second - r.first;
		return n;
	}

private:
	bool intersects(std::uintptr_t b, std::uintptr_t e) const noexcept
	{
		auto it = ranges_.upper_bound(b);
		if (it != ranges_.begin() && std::prev(it)->second > b)
			return true;
		return it != ranges_.end() && it->first < e;
	}
	bool covered(std::uintptr_t b, std::uintptr_t e) const noexcept
	{
		auto it = ranges_.upper_bound(b);
		if (it == ranges_.begin())
			return false;
		--it;
		return it->first <= b && it->second >= e;
	}
	void merge_around(std::map<std::uintptr_t, std::uintptr_t>::iterator it) noexcept
	{
		auto next = std::next(it);
		if (next != ranges_.end() && next->first == it->second) {
			it->second = next->second;
			ranges_.erase(next);
		}
		if (it != ranges_.begin()) {
			auto prev = std::prev(it);
			if (prev->second == it->first) {
				prev->second = it->second;
				ranges_.erase(it);
			}
		}
	}
	[[noreturn]] static void violation(const char *op, std::uintptr_t b, std::uintptr_t e,
					   const char *why) noexcept
	{
		std::fprintf(stderr, "libpmem2: address-space ownership violation in %s of [%p, %p): %s\n", op,
			     ptr_of(b), ptr_of(e), why);
		std::abort();
	}
	void broken() noexcept
	{
		std::fprintf(stderr, "libpmem2: out of memory in the ownership ledger; checking stops\n");
		on_.store(false, std::memory_order_release);
	}

	std::atomic<bool> on_{false};
	mutable std::mutex lock_;
	std::map<std::uintptr_t, std::uintptr_t> ranges_;
};

// Constructed on first use and never destroyed (maps may be deleted from other
// libraries' destructors).
Ledger &ledger() noexcept
{
	static Immortal<Ledger> l;
	return l.get();
}

#ifdef NDEBUG
constexpr bool kCheckByDefault = false;
#else
constexpr bool kCheckByDefault = true;
#endif

// Checking must start before the first mapping is made: at load.
__attribute__((constructor)) void init_checking() noexcept
{
	if (kCheckByDefault || env_equals("PMEM2_CHECK_OWNERSHIP", "1"))
		ledger().enable();
}

} // namespace

bool checking() noexcept { return ledger().on(); }
void enable_checking() noexcept { ledger().enable(); }

bool owned(const void *addr, std::size_t len) noexcept
{
	return ledger().on() && ledger().owned(addr_of(addr), addr_of(addr) + len);
}

std::size_t owned_bytes() noexcept { return ledger().on() ? ledger().bytes() : 0; }

int reserve(std::size_t len, void **out) noexcept
{
	void *p = ::mmap(nullptr, len, PROT_NONE, kPlaceholderFlags, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	if (ledger().on())
		ledger().add("reserve", addr_of(p), addr_of(p) + len);
	*out = p;
	return 0;
}

int reserve_exactly(void *addr, std::size_t len) noexcept
{
	void *p = ::mmap(addr, len, PROT_NONE, kPlaceholderFlags | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	if (p != addr) {
		// A kernel older than 4.17 takes MAP_FIXED_NOREPLACE as a hint: what it
		// gave elsewhere is ours, and is given back.
		::munmap(p, len);
		return EEXIST;
	}
	if (ledger().on())
		ledger().add("reserve_exactly", addr_of(p), addr_of(p) + len);
	return 0;
}

int cover_with_placeholder(void *addr, std::size_t len) noexcept
{
	if (ledger().on())
		ledger().require("cover_with_placeholder", addr_of(addr), addr_of(addr) + len);
	if (::mmap(addr, len, PROT_NONE, kPlaceholderFlags | MAP_FIXED, -1, 0) == MAP_FAILED)
		return errno;
	return 0;
}

int release(void *addr, std::size_t len) noexcept
{
	if (len == 0)
		return 0;
	// Out of the ledger before the system call: once munmap returns, another
	// thread's mmap may be handed the range at once.
	if (ledger().on())
		ledger().remove("release", addr_of(addr), addr_of(addr) + len);
	if (::munmap(addr, len) != 0) {
		const int err = errno;
		if (ledger().on())
			ledger().add("release (failed)", addr_of(addr), addr_of(addr) + len);
		return err;
	}
	return 0;
}

void forget(void *addr, std::size_t len) noexcept
{
	if (ledger().on() && len != 0)
		ledger().remove("forget", addr_of(addr), addr_of(addr) + len);
}

int map_anywhere(std::size_t len, int prot, int flags, int fd, off_t off, void **out, void *hint) noexcept
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		return EINVAL; // never: that is what move_onto() is for
	void *p = ::mmap(hint, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		return errno;
	if (ledger().on())
		ledger().add("map_anywhere", addr_of(p), addr_of(p) + len);
	*out = p;
	return 0;
}

int move_onto(void *from, std::size_t len, void *to) noexcept
{
	if (ledger().on()) {
		ledger().require("move_onto (target)", addr_of(to), addr_of(to) + len);
		ledger().remove("move_onto (source)", addr_of(from), addr_of(from) + len);
	}
	if (::mremap(from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED) {
		const int err = errno;
		if (ledger().on())
			ledger().add("move_onto (failed)", addr_of(from), addr_of(from) + len);
		return err;
	}
	return 0;
}

} // namespace pmem2::common::address_space

namespace pmem2::common {

MappedRange &MappedRange::operator=(MappedRange &&o) noexcept
{
	if (this != &o) {
		(void)address_space::release(addr(), len_);
		begin_ = std::exchange(o.begin_, 0);
		len_ = std::exchange(o.len_, 0);
	}
	return *this;
}

MappedRange::~MappedRange() { (void)address_space::release(addr(), len_); }

int MappedRange::reset() noexcept
{
	if (int err = address_space::release(addr(), len_); err != 0)
		return err;
	release();
	return 0;
}

int MappedRange::release_front(std::size_t n) noexcept
{
	if (int err = address_space::release(addr(), n); err != 0)
		return err;
	begin_ += n;
	len_ -= n;
	return 0;
}

int MappedRange::release_back(std::size_t n) noexcept
{
	if (int err = address_space::release(reinterpret_cast<void *>(end() - n), n); err != 0)
		return err;
	len_ -= n;
	return 0;
}

} // namespace pmem2::common
