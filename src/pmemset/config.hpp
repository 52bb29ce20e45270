// SPDX-License-Identifier: BSD-3-Clause
// config.hpp -- the parameters a set is created from (copied by Set's constructor).
#pragma once

#include <optional>

#include <libpmemset.h>

#include "common/result.hpp"

namespace libpmemset {

// A plain value; not synchronised (one thread at a time).
struct Config {
	std::optional<pmem2_granularity> granularity;	   // required; pmemset_new fails without it
	pmem2_vm_reservation *reservation = nullptr;	   // borrowed; NULL: sets make their own
	pmemset_event_callback *callback = nullptr;	   // NULL: events are not reported
	void *callback_arg = nullptr;

	// PMEMSET_E_GRANULARITY_NOT_SUPPORTED for a value outside enum pmem2_granularity.
	pmem2::common::Status set_granularity(int g); // the C caller's enum value as an int
};

} // namespace libpmemset
