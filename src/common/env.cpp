// SPDX-License-Identifier: BSD-3-Clause
// env.cpp -- environment lookups.
#include "common/env.hpp"

#include <cstdlib>

namespace pmem2::common {

std::optional<std::string_view> env_get(const char *name) noexcept
{
	const char *v = std::getenv(name);
	if (v == nullptr)
		return std::nullopt;
	return std::string_view(v);
}

bool env_equals(const char *name, std::string_view value) noexcept
{
	auto v = env_get(name);
	return v && *v == value;
}

} // namespace pmem2::common
