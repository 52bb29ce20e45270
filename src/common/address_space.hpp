// SPDX-License-Identifier: BSD-3-Clause
// address_space.hpp -- the only code that issues mmap, mremap and munmap for the
// library, and the ledger of the address space the library owns.
//
// Ownership rule: the library only ever unmaps, replaces or moves ranges it owns,
// that is ranges the kernel handed to it (a mapping made at the kernel's choice of
// address, or a placeholder made with MAP_FIXED_NOREPLACE) and that it has not
// given back. No function here maps anything with MAP_FIXED over a range whose
// contents could be lost if the call failed: a file is always mapped at an address
// the kernel picks first, and only the finished mapping is moved into place with
// one mremap, which either succeeds or leaves both ranges as they were (barring
// kernel memory exhaustion, see move_onto()).
//
// The ledger: when checking is on (debug builds, or PMEM2_CHECK_OWNERSHIP=1 in the
// environment at load, or enable_checking() from a test), every call is checked
// against the recorded owned ranges first, and a call on a range not owned aborts
// the process with a message: that is a bug of the library, never of the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sys/types.h>
#include <utility>

namespace pmem2::common::address_space {

// The ledger's switch. Checking never changes a result; it only aborts on a
// violation. enable_checking() is for tests (it cannot be turned off again).
bool checking() noexcept;
void enable_checking() noexcept;
// True when [addr, addr+len) is recorded as owned (always false with checking off).
bool owned(const void *addr, std::size_t len) noexcept;
// Bytes recorded as owned (0 with checking off); for tests.
std::size_t owned_bytes() noexcept;

// All functions return 0 or an errno value, and write nothing on failure.

// A PROT_NONE placeholder of len bytes where the kernel chooses.
int reserve(std::size_t len, void **out) noexcept;
// A PROT_NONE placeholder at exactly [addr, addr+len); EEXIST when any of it is in use.
int reserve_exactly(void *addr, std::size_t len) noexcept;
// Replaces the owned [addr, addr+len) with placeholder in one step (MAP_FIXED
// of anonymous PROT_NONE memory, which the kernel cannot fail after removing the
// old pages other than by running out of memory).
int cover_with_placeholder(void *addr, std::size_t len) noexcept;
// Gives the owned [addr, addr+len) back to the system.
int release(void *addr, std::size_t len) noexcept;
// Drops [addr, addr+len) from the ledger without a system call: its contents are
// unknown after a failed move, so the library must never touch it again.
void forget(void *addr, std::size_t len) noexcept;
// mmap(hint, len, prot, flags, fd, off): flags must not contain MAP_FIXED*. The
// kernel still picks the address: it takes a non-null hint only when nothing is
// mapped there, and never replaces anything for it.
int map_anywhere(std::size_t len, int prot, int flags, int fd, off_t off, void **out,
		 void *hint = nullptr) noexcept;
// Moves the owned mapping [from, from+len) onto the owned [to, to+len) (mremap
// with MREMAP_FIXED). On success `from` is no longer mapped and `to` holds the
// mapping. On failure `from` is intact; `to` is intact too unless the kernel ran
// out of memory (ENOMEM) after clearing it, which the caller cannot tell apart:
// after ENOMEM it must forget() `to` and take it back with reserve_exactly() only
// if that succeeds. Other errors (EINVAL, EFAULT) come from checks made before
// anything is changed.
int move_onto(void *from, std::size_t len, void *to) noexcept;

} // namespace pmem2::common::address_space

namespace pmem2::common {

// Owns [addr, addr+size) of the address space and gives it back on destruction.
// The range can only change through the members below, so what is released is
// always exactly what is held.
class MappedRange {
public:
	MappedRange() = default;
	MappedRange(void *addr, std::size_t len) noexcept : begin_(reinterpret_cast<std::uintptr_t>(addr)), len_(len) {}
	MappedRange(MappedRange &&o) noexcept : begin_(std::exchange(o.begin_, 0)), len_(std::exchange(o.len_, 0)) {}
	MappedRange &operator=(MappedRange &&o) noexcept;
	MappedRange(const MappedRange &) = delete;
	MappedRange &operator=(const MappedRange &) = delete;
	~MappedRange();

	void *addr() const noexcept { return reinterpret_cast<void *>(begin_); }
	std::uintptr_t begin() const noexcept { return begin_; }
	std::uintptr_t end() const noexcept { return begin_ + len_; }
	std::size_t size() const noexcept { return len_; }

	// Gives up ownership without unmapping (the range now belongs to someone else).
	void release() noexcept { begin_ = 0; len_ = 0; }
	// Gives the range back now; errno on failure (the range is then still held).
	int reset() noexcept;
	// Unmaps the first / last n bytes (n <= size()); errno on failure, nothing changed.
	int release_front(std::size_t n) noexcept;
	int release_back(std::size_t n) noexcept;
	// Takes ownership of the n bytes just past the end (already reserved by the caller).
	void adopt_back(std::size_t n) noexcept { len_ += n; }

private:
	std::uintptr_t begin_ = 0;
	std::size_t len_ = 0;
};

} // namespace pmem2::common
