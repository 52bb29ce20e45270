// SPDX-License-Identifier: BSD-3-Clause
// ownership_test_util.hpp -- what the ownership tests share: scale by build
// (sanitizers are slower), and reading /proc/self/maps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace pmem2::test {

#if defined(__SANITIZE_THREAD__)
constexpr int kSanitizerSlowdown = 10;
#elif defined(__SANITIZE_ADDRESS__)
constexpr int kSanitizerSlowdown = 3;
#else
constexpr int kSanitizerSlowdown = 1;
#endif

// An integer from the environment (for longer local runs), else `fallback`.
inline long env_count(const char *name, long fallback)
{
	const char *v = std::getenv(name);
	return v != nullptr && *v != '\0' ? std::strtol(v, nullptr, 10) : fallback;
}

struct Vma {
	std::uintptr_t begin, end;
	std::string perms; // "rw-p", "---p", ...
};

inline std::vector<Vma> read_maps()
{
	std::vector<Vma> out;
	FILE *f = std::fopen("/proc/self/maps", "r");
	if (f == nullptr)
		return out;
	char line[512];
	while (std::fgets(line, sizeof(line), f) != nullptr) {
		unsigned long b, e;
		char perms[8] = {};
		if (std::sscanf(line, "%lx-%lx %7s", &b, &e, perms) == 3)
			out.push_back({b, e, perms});
	}
	std::fclose(f);
	return out;
}

// True when [b, e) is wholly covered by VMAs with exactly these permissions.
inline bool covered_by(const std::vector<Vma> &maps, std::uintptr_t b, std::uintptr_t e, const char *perms)
{
	std::uintptr_t at = b;
	for (const Vma &v : maps) {
		if (v.end <= at || v.begin > at)
			continue;
		if (v.perms != perms)
			return false;
		at = v.end;
		if (at >= e)
			return true;
	}
	return false;
}

} // namespace pmem2::test
