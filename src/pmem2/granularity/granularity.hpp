// SPDX-License-Identifier: BSD-3-Clause
// granularity.hpp -- which store granularity a new mapping gets: the platform's
// persistence domain (eADR through sysfs), the MAP_SYNC outcome, and the
// PMEM2_FORCE_GRANULARITY override.
#pragma once

#include <optional>
#include <string>

#include "pmem2/types.hpp"

namespace pmem2::granularity {

// Where the nd bus lists its devices in production.
inline constexpr const char *kNdDevices = "/sys/bus/nd/devices";

// True when at least one entry of `nd_devices` is a symlink whose name contains
// "region", and every such entry's persistence_domain reads exactly "cpu_cache\n".
// A missing or unreadable directory or file, or any other value: false. Reads sysfs
// on every call (no caching: regions can come and go); thread-safe.
bool platform_has_eadr(const std::string &nd_devices = kNdDevices);

// PMEM2_FORCE_GRANULARITY, read now: BYTE, CACHE_LINE, CACHELINE or PAGE, case-
// insensitive, at most 10 characters; anything else means "not forced".
std::optional<Granularity> forced_from_env();

struct MapFacts {
	bool anonymous;  // anonymous source
	bool priv;       // PMEM2_PRIVATE mapping
	bool map_sync;   // the MAP_SYNC attempt succeeded
};

// The finest granularity the mapping offers, in the reference's decision order:
// anonymous or private: BYTE; forced: that; no MAP_SYNC: PAGE; eADR (platform_has_eadr
// of `nd_devices`): BYTE; else CACHE_LINE.
Granularity available(const MapFacts &facts, const std::string &nd_devices = kNdDevices);

} // namespace pmem2::granularity
