// SPDX-License-Identifier: BSD-3-Clause
// types.cpp -- names of the shared vocabulary types.
#include "pmem2/types.hpp"

namespace pmem2 {

const char *granularity_name(Granularity g) noexcept
{
	switch (g) {
	case Granularity::Byte:
		return "BYTE";
	case Granularity::CacheLine:
		return "CACHE_LINE";
	case Granularity::Page:
		return "PAGE";
	}
	return "UNKNOWN";
}

} // namespace pmem2
