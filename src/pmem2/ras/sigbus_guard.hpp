// SPDX-License-Identifier: BSD-3-Clause
// sigbus_guard.hpp -- running a copy so that a SIGBUS (a machine check on poisoned
// media, or an access past the end of a truncated file) raised by the calling thread
// inside a given address range ends the copy with an error instead of the process.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmem2::ras {

// A copy routine run under the guard; it must not allocate or hold locks, since it
// may be abandoned halfway (siglongjmp out of the signal handler).
using GuardedCopy = void (*)(void *dst, const void *src, std::size_t len);

// Runs copy(dst, src, len). Returns 0 when it completed; otherwise the faulting address
// (never 0) of a SIGBUS the calling thread took inside [lo, lo+range_len).
//
// The process-wide SIGBUS handler is installed while at least one thread is inside a
// guarded copy (reference-counted under a mutex) and the previous disposition is put
// back by the last one to leave, unless the application replaced ours meanwhile. Any
// SIGBUS that is not ours (another thread, another address, kill()) is passed on to
// the disposition that was in place before: the application's handler, or the
// default action (termination). Thread-safe. When sigaction fails, nothing is copied,
// 0 is returned and *err gets -errno (*err is 0 otherwise).
std::uintptr_t run_sigbus_guarded(GuardedCopy copy, void *dst, const void *src, std::size_t len,
				  const void *lo, std::size_t range_len, int *err) noexcept;

} // namespace pmem2::ras
