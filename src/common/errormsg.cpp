// SPDX-License-Identifier: BSD-3-Clause
// errormsg.cpp -- per-thread message storage: a fixed thread_local array, so
// reporting an error can neither fail nor leak when a thread exits.
#include "common/errormsg.hpp"

#include <cstdio>
#include <cstring>

namespace pmem2::common {

namespace {
thread_local char t_message[kErrorMsgCapacity];
} // namespace

void set_last_error(const char *text) noexcept
{
	std::size_t n = strnlen(text, kErrorMsgCapacity - 1);
	std::memcpy(t_message, text, n);
	t_message[n] = '\0';
}

const char *last_error() noexcept { return t_message; }

void print_with_last_error(const char *format, va_list ap) noexcept
{
	if (format != nullptr)
		std::vfprintf(stderr, format, ap);
	std::fprintf(stderr, ": %s\n", t_message);
}

} // namespace pmem2::common
