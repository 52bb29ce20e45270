// SPDX-License-Identifier: BSD-3-Clause
// env.hpp -- the one place environment variables are read. The PMEM_* knobs are
// read once at load time by their owners; only PMEM2_FORCE_GRANULARITY is read
// per call, as the reference does.
#pragma once

#include <optional>
#include <string_view>

namespace pmem2::common {

// The variable's value, or nullopt when unset.
std::optional<std::string_view> env_get(const char *name) noexcept;
// True when the variable is set to exactly `value` (the reference's "1"/"0" matching).
bool env_equals(const char *name, std::string_view value) noexcept;

} // namespace pmem2::common
