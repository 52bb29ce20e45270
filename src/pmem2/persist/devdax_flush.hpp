// SPDX-License-Identifier: BSD-3-Clause
// devdax_flush.hpp -- the nd region's deep_flush control behind a device DAX.
#pragma once

#include <sys/types.h>

#include "common/result.hpp"

namespace pmem2::persist {

// Finds the nd region owning the dax device rdev and, when its deep_flush
// attribute does not read "0", writes "1" to it. No region: DAX_REGION_NOT_FOUND.
// Unlike the reference, an unreadable or unwritable control is reported (-errno).
common::Status devdax_region_flush(dev_t rdev);

} // namespace pmem2::persist
