// SPDX-License-Identifier: BSD-3-Clause
// devdax.hpp -- device DAX geometry read from sysfs (/sys/dev/char/M:m/...), which
// works for every dax device (NFIT, hmem, CXL), with or without an nd bus.
#pragma once

#include <cstddef>
#include <string>
#include <sys/types.h>

#include "common/result.hpp"

namespace pmem2::source::devdax {

// The sysfs directory of a character device: "/sys/dev/char/<major>:<minor>".
std::string sysfs_dir(dev_t rdev);
// /sys/dev/char/M:m/size; not a number ending in "\n": INVALID_SIZE_FORMAT.
common::Result<std::size_t> size(dev_t rdev);
// The first <ancestor>/dax_region/align above the device; none: INVALID_ALIGNMENT_FORMAT.
common::Result<std::size_t> alignment(dev_t rdev);

// Parses "<number>\n" (strtoull base 0). Anything else: nullopt-like failure `code`.
common::Result<unsigned long long> parse_sysfs_number(const std::string &text, int code, const char *what);

} // namespace pmem2::source::devdax
