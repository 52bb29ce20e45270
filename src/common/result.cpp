// SPDX-License-Identifier: BSD-3-Clause
// result.cpp -- formatting of failure messages.
#include "common/result.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace pmem2::common {

namespace {

std::string vformat(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return fmt;
	return std::string(buf, static_cast<size_t>(n) < sizeof(buf) ? n : sizeof(buf) - 1);
}

} // namespace

int errno_code(int err) noexcept { return err > 0 ? -err : -EINVAL; }

Error fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	Error e{code, vformat(fmt, ap)};
	va_end(ap);
	return e;
}

Error fail_errno(int err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::string msg = vformat(fmt, ap);
	va_end(ap);
	char buf[256];
	// GNU strerror_r returns the message pointer (maybe static, maybe buf).
	const char *text = strerror_r(err, buf, sizeof(buf));
	msg += ": ";
	msg += text;
	return Error{code != 0 ? code : errno_code(err), std::move(msg)};
}

} // namespace pmem2::common
