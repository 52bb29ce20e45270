// SPDX-License-Identifier: BSD-3-Clause
// granularity.hpp -- which store granularity a new mapping gets: the platform's
// persistence domain (eADR through sysfs), the MAP_SYNC outcome, and the
// PMEM2_FORCE_GRANULARITY override.
#pragma once

#include <optional>
#include <string>

#include "pmem2/types.hpp"

namespace pmem2::granularity {

// True when every /sys/bus/nd/devices/region*/persistence_domain reads "cpu_cache"
// (and at least one region exists). `nd_devices` is overridable for tests.
bool platform_has_eadr(const std::string &nd_devices = "/sys/bus/nd/devices");

// PMEM2_FORCE_GRANULARITY, read now: BYTE, CACHE_LINE, CACHELINE or PAGE, case-
// insensitive, at most 10 characters; anything else means "not forced".
std::optional<Granularity> forced_from_env();

struct MapFacts {
	bool anonymous;  // anonymous source
	bool priv;       // PMEM2_PRIVATE mapping
	bool map_sync;   // the MAP_SYNC attempt succeeded
};

// The finest granularity the mapping offers, in the reference's decision order:
// anonymous or private: BYTE; forced: that; no MAP_SYNC: PAGE; eADR: BYTE; else CACHE_LINE.
Granularity available(const MapFacts &facts);

} // namespace pmem2::granularity
