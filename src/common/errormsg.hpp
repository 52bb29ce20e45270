// SPDX-License-Identifier: BSD-3-Clause
// errormsg.hpp -- the per-thread "last error" text behind pmem2_errormsg().
// Each library that links this module (libpmem2, libpmemset) gets its own buffer.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace pmem2::common {

// Capacity of the per-thread message, terminator included (the reference's size).
inline constexpr std::size_t kErrorMsgCapacity = 8192;

// Replaces the calling thread's message (truncated to the capacity). Never allocates.
void set_last_error(const char *text) noexcept;
// The calling thread's message; "" until the first failure. Valid until the next set.
const char *last_error() noexcept;
// Writes the formatted text (if any), ": ", the calling thread's message and a
// newline to stderr: the *_perror functions of both libraries.
void print_with_last_error(const char *format, va_list ap) noexcept;

} // namespace pmem2::common
