// SPDX-License-Identifier: BSD-3-Clause
// granularity.cpp -- store granularity detection.
#include "pmem2/granularity/granularity.hpp"

#include <cctype>
#include <dirent.h>
#include <memory>
#include <sys/stat.h>

#include "common/env.hpp"
#include "common/posix.hpp"

namespace pmem2::granularity {

bool platform_has_eadr(const std::string &nd_devices)
{
	std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(nd_devices.c_str()), ::closedir);
	if (!dir)
		return false; // no nd bus: no persistent memory regions at all
	bool any_region = false;
	while (struct dirent *e = ::readdir(dir.get())) {
		const std::string name = e->d_name;
		if (name.find("region") == std::string::npos)
			continue;
		const std::string entry = nd_devices + "/" + name;
		struct stat st;
		if (::lstat(entry.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
			continue;
		any_region = true;
		auto domain = common::read_small_file(entry + "/persistence_domain", 32);
		if (!domain || domain.value() != "cpu_cache\n")
			return false;
	}
	return any_region;
}

std::optional<Granularity> forced_from_env()
{
	auto value = common::env_get("PMEM2_FORCE_GRANULARITY");
	if (!value || value->size() > 10)
		return std::nullopt;
	std::string upper(*value);
	for (char &c : upper)
		c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
	if (upper == "BYTE")
		return Granularity::Byte;
	if (upper == "CACHE_LINE" || upper == "CACHELINE")
		return Granularity::CacheLine;
	if (upper == "PAGE")
		return Granularity::Page;
	return std::nullopt;
}

Granularity available(const MapFacts &facts, const std::string &nd_devices)
{
	if (facts.anonymous || facts.priv)
		return Granularity::Byte;
	if (auto forced = forced_from_env())
		return *forced;
	if (!facts.map_sync)
		return Granularity::Page;
	return platform_has_eadr(nd_devices) ? Granularity::Byte : Granularity::CacheLine;
}

} // namespace pmem2::granularity
