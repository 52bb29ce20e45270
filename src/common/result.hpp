// SPDX-License-Identifier: BSD-3-Clause
// result.hpp -- the one error type of the core: a negative code and the message
// written at the failure site, so the two cannot drift apart.
#pragma once

#include <cerrno>
#include <string>
#include <type_traits>
#include <utility>

namespace pmem2::common {

// A failure: `code` is negative (a PMEM2_E_* / PMEMSET_E_* value or -errno).
struct Error {
	int code;
	std::string message;
};

// printf-style message; the result is an Error with that code.
Error fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Like fail(), with ": <strerror(err)>" appended; code -err when code is 0.
Error fail_errno(int err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
// -errno as a code that is never 0 (errno 0 becomes -EINVAL), as the reference does.
int errno_code(int err) noexcept;

// Either a value or an Error. Cheap to move; no exceptions.
template <class T> class [[nodiscard]] Result {
public:
	Result(T value) : ok_(true), value_(std::move(value)) {}
	Result(Error e) : ok_(false), error_(std::move(e)) {}

	explicit operator bool() const noexcept { return ok_; }
	bool ok() const noexcept { return ok_; }
	T &value() & { return value_; }
	T &&value() && { return std::move(value_); }
	const T &value() const & { return value_; }
	T *operator->() { return &value_; }
	T &operator*() { return value_; }
	const Error &error() const & { return error_; }
	Error &&error() && { return std::move(error_); }

private:
	bool ok_;
	T value_{};
	Error error_{};
};

// Success without a value, or an Error.
class [[nodiscard]] Status {
public:
	Status() = default;
	Status(Error e) : ok_(false), error_(std::move(e)) {}
	static Status success() { return {}; }

	explicit operator bool() const noexcept { return ok_; }
	bool ok() const noexcept { return ok_; }
	int code() const noexcept { return ok_ ? 0 : error_.code; }
	const Error &error() const & { return error_; }
	Error &&error() && { return std::move(error_); }

private:
	bool ok_ = true;
	Error error_{};
};

} // namespace pmem2::common

// Propagates the failure of a Status or Result expression to the caller.
#define PMEM2_TRY(expr)                                         \
	do {                                                    \
		auto pmem2_try_r_ = (expr);                     \
		if (!pmem2_try_r_)                              \
			return std::move(pmem2_try_r_).error(); \
	} while (0)
