// SPDX-License-Identifier: BSD-3-Clause
// posix.hpp -- RAII owners and small helpers for POSIX resources used by the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "common/result.hpp"

namespace pmem2::common {

// The system page size, read once (sysconf(_SC_PAGESIZE)); the "allocation
// granularity" of the man pages.
std::size_t page_size() noexcept;

constexpr std::uintptr_t align_down(std::uintptr_t v, std::uintptr_t a) noexcept { return v & ~(a - 1); }
constexpr std::uintptr_t align_up(std::uintptr_t v, std::uintptr_t a) noexcept { return (v + a - 1) & ~(a - 1); }
constexpr bool is_pow2(std::uint64_t v) noexcept { return v != 0 && (v & (v - 1)) == 0; }

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) noexcept : fd_(fd) {}
	UniqueFd(UniqueFd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
	UniqueFd &operator=(UniqueFd &&o) noexcept;
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd();

	int get() const noexcept { return fd_; }
	int release() noexcept { return std::exchange(fd_, -1); }
	explicit operator bool() const noexcept { return fd_ >= 0; }

private:
	int fd_ = -1;
};

// Reads a small sysfs-style text file whole (at most max_len bytes).
// Open/read errors give -errno with a message naming the path.
Result<std::string> read_small_file(const std::string &path, std::size_t max_len = 4096);

} // namespace pmem2::common
