// SPDX-License-Identifier: BSD-3-Clause
// devdax.hpp -- device DAX identity and geometry read from sysfs (/sys/dev/char/M:m/...),
// which works for every dax device (NFIT, hmem, CXL), with or without an nd bus.
// Every function takes the sysfs mount point so tests can point it at a fake tree.
#pragma once

#include <cstddef>
#include <string>
#include <sys/types.h>

#include "common/result.hpp"

namespace pmem2::source::devdax {

// Where sysfs is mounted in production.
inline constexpr const char *kSysfsRoot = "/sys";

// The sysfs directory of a character device: "<sysfs>/dev/char/<major>:<minor>" (decimal).
std::string sysfs_dir(dev_t rdev, const std::string &sysfs = kSysfsRoot);

// Whether the character device rdev is device DAX: its "subsystem" link resolves to a
// directory named "dax" (/sys/class/dax or /sys/bus/dax). Unresolvable link: -errno.
common::Result<bool> is_dax(dev_t rdev, const std::string &sysfs = kSysfsRoot);

// Bytes, from <dev dir>/size. Unreadable: -errno; not "<number>\n": INVALID_SIZE_FORMAT;
// out of range: -ERANGE.
common::Result<std::size_t> size(dev_t rdev, const std::string &sysfs = kSysfsRoot);

// Mapping alignment in bytes, a power of two, from the first <ancestor>/dax_region/align
// walking up from the resolved device directory. Unresolvable device directory: -errno;
// no such file, or not "<number>\n": INVALID_ALIGNMENT_FORMAT; out of range: -ERANGE;
// 0 or not a power of two: INVALID_ALIGNMENT_VALUE.
common::Result<std::size_t> alignment(dev_t rdev, const std::string &sysfs = kSysfsRoot);

// Parses a sysfs number: "<digits>\n", strtoull base 0 (so 0x... and 0... work).
// A sign, other text, or a missing newline: `code`; a value over ULLONG_MAX: -ERANGE.
// `what` names the file in the message.
common::Result<unsigned long long> parse_sysfs_number(const std::string &text, int code, const char *what);

} // namespace pmem2::source::devdax
