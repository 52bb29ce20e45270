// SPDX-License-Identifier: BSD-3-Clause
// interpose.hpp -- the fault injector: counts, and fails on request, the calls of
// one kind that the libraries make through libc, on the thread that armed it.
#pragma once

#include <cstddef>

namespace faults {

enum class Kind {
	Alloc, // malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign (operator new uses them)
	Mmap,
	Munmap,
	Mremap,
	Open, // open, open64, openat, openat64
	Fstat,
	Ftruncate,
	Fallocate,
	Msync,
	Ioctl,
	Realpath,
	Read,
	Count
};
const char *name(Kind k);

// Counting starts at 0 when armed; with fail_at = n > 0 the nth call of `kind`
// on this thread fails (errno `err`, or NULL for allocations) and the rest pass.
void arm(Kind kind, long fail_at, int err);
// Stops counting; returns how many calls of the armed kind were seen.
long disarm();
// Whether the armed failure was delivered.
bool fired();

// While on, the libraries' mmap calls on this thread lose their address hint (a
// hint never comes with MAP_FIXED*): the kernel places them as if another thread
// had taken the hinted range first.
void drop_hints(bool on);

// Heap blocks allocated on this thread while armed and not freed since.
std::size_t live_blocks();

} // namespace faults
