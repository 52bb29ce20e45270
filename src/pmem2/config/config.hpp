// SPDX-License-Identifier: BSD-3-Clause
// config.hpp -- how a source is to be mapped. A plain value type: setters validate,
// map_new reads it; the caller serialises access to one config.
#pragma once

#include <cstddef>
#include <optional>

#include "common/result.hpp"
#include "pmem2/types.hpp"

namespace pmem2::vm {
class Reservation;
}

namespace pmem2::async::abi {
struct Vdm;
}

namespace pmem2::config {

// Protection bits, equal to PMEM2_PROT_*.
inline constexpr unsigned kProtExec = 1U << 29;
inline constexpr unsigned kProtRead = 1U << 30;
inline constexpr unsigned kProtWrite = 1U << 31;

struct Config {
	std::size_t offset = 0;
	std::size_t length = 0;                         // 0: to the end of the source
	std::optional<Granularity> required_granularity; // unset: map_new fails
	Sharing sharing = Sharing::Shared;
	unsigned protection = kProtRead | kProtWrite;
	vm::Reservation *reservation = nullptr;
	std::size_t reservation_offset = 0;
	async::abi::Vdm *vdm = nullptr; // the caller's data mover; NULL: each map gets its own default
};

// Each setter leaves the config unchanged on failure.
common::Status set_offset(Config &cfg, std::size_t offset);          // > INT64_MAX: OFFSET_OUT_OF_RANGE
common::Status set_granularity(Config &cfg, int g);                  // not 0..2: GRANULARITY_NOT_SUPPORTED
common::Status set_sharing(Config &cfg, int sharing);                // INVALID_SHARING_VALUE
common::Status set_protection(Config &cfg, unsigned prot);           // INVALID_PROT_FLAG

} // namespace pmem2::config
