// SPDX-License-Identifier: BSD-3-Clause
// device_info_none.cpp -- the backend of a build without libndctl: nothing to ask.
#include "pmem2/ras/device_info.hpp"

#include <libpmem2/base.h>

namespace pmem2::ras {

using common::fail;
using common::Result;

Result<std::uint64_t> device_usc(const source::Source &)
{
	return fail(PMEM2_E_NOSUPP, "unsafe shutdown count: libpmem2 was built without libndctl");
}

Result<std::string> device_id(const source::Source &)
{
	return fail(PMEM2_E_NOSUPP, "device id: libpmem2 was built without libndctl");
}

Result<int> numa_node(const source::Source &)
{
	return fail(PMEM2_E_NOSUPP, "numa node: libpmem2 was built without libndctl");
}

} // namespace pmem2::ras
