// SPDX-License-Identifier: BSD-3-Clause
// config.cpp -- validation of set configuration values.
#include "pmemset/config.hpp"

namespace libpmemset {

pmem2::common::Status Config::set_granularity(int g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
	case PMEM2_GRANULARITY_CACHE_LINE:
	case PMEM2_GRANULARITY_PAGE:
		granularity = static_cast<pmem2_granularity>(g);
		return {};
	}
	return pmem2::common::fail(PMEMSET_E_GRANULARITY_NOT_SUPPORTED,
		"granularity %d is not one of BYTE, CACHE_LINE, PAGE", g);
}

} // namespace libpmemset
