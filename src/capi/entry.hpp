// SPDX-License-Identifier: BSD-3-Clause
// entry.hpp -- what every exported C entry point of both libraries shares: turning
// a core result into the C return code plus the library's thread-local message,
// and a guard that keeps every exception on this side of the ABI.
#pragma once

#include <cerrno>
#include <initializer_list>
#include <cstring>
#include <new>
#include <type_traits>

#include "common/errormsg.hpp"
#include "common/result.hpp"

namespace pmem2::capi_common {

// Records a failure's message for the library's *_errormsg() and returns its code.
inline int report(const common::Error &e) noexcept
{
	common::set_last_error(e.message.c_str());
	return e.code;
}

inline int report(const common::Status &s) noexcept { return s ? 0 : report(s.error()); }

// The message for a NULL argument the reference would have dereferenced: -EINVAL.
inline int null_argument(const char *what) noexcept
{
	common::set_last_error(what);
	return -EINVAL;
}

// Runs body (returning int or a Status) with allocation failure mapped to -ENOMEM
// and any other exception to `UnknownCode` (the library's *_E_UNKNOWN).
template <int UnknownCode, class Body> int guarded(Body &&body) noexcept
{
	try {
		if constexpr (std::is_same_v<decltype(body()), int>)
			return body();
		else
			return report(body());
	} catch (const std::bad_alloc &) {
		common::set_last_error("out of memory");
		return -ENOMEM;
	} catch (...) {
		common::set_last_error("internal error");
		return UnknownCode;
	}
}

// *_err_to_errno of both libraries: library codes (<= -100000) become EINVAL, their
// NOSUPP codes ENOTSUP, negated errnos errno. A positive value is no return code
// of ours: EINVAL (the reference aborts).
inline int err_to_errno(int err, std::initializer_list<int> nosupp_codes) noexcept
{
	if (err > 0)
		return EINVAL;
	for (int code : nosupp_codes)
		if (err == code)
			return ENOTSUP;
	if (err <= -100000)
		return EINVAL;
	return -err;
}

// The value a C caller passed in a C enum parameter, read as an int. A C enum holds
// any int, but in C++ reading an enum without a fixed underlying type outside its
// enumerators' range is undefined, so the bytes are copied out instead of loaded.
template <class Enum> int enum_arg(const Enum &e) noexcept
{
	static_assert(std::is_enum_v<Enum> && sizeof(Enum) == sizeof(int), "C enums are int-sized");
	int v;
	std::memcpy(&v, &e, sizeof(v));
	return v;
}

} // namespace pmem2::capi_common
