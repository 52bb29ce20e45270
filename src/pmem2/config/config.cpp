// SPDX-License-Identifier: BSD-3-Clause
// config.cpp -- validation of configuration values.
#include "pmem2/config/config.hpp"

#include <cstdint>

#include <libpmem2/base.h>

namespace pmem2::config {

using common::fail;
using common::Status;

Status set_offset(Config &cfg, std::size_t offset)
{
	if (offset > static_cast<std::size_t>(INT64_MAX))
		return fail(PMEM2_E_OFFSET_OUT_OF_RANGE, "offset %zu is greater than INT64_MAX", offset);
	cfg.offset = offset;
	return {};
}

Status set_granularity(Config &cfg, int g)
{
	if (g < static_cast<int>(Granularity::Byte) || g > static_cast<int>(Granularity::Page))
		return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED, "granularity value %d is not supported", g);
	cfg.required_granularity = static_cast<Granularity>(g);
	return {};
}

Status set_sharing(Config &cfg, int sharing)
{
	if (sharing != static_cast<int>(Sharing::Shared) && sharing != static_cast<int>(Sharing::Private))
		return fail(PMEM2_E_INVALID_SHARING_VALUE, "sharing value %d is not PMEM2_SHARED or PMEM2_PRIVATE",
			    sharing);
	cfg.sharing = static_cast<Sharing>(sharing);
	return {};
}

Status set_protection(Config &cfg, unsigned prot)
{
	constexpr unsigned valid = kProtExec | kProtRead | kProtWrite;
	if ((prot & ~valid) != 0)
		return fail(PMEM2_E_INVALID_PROT_FLAG, "protection flags 0x%x contain bits other than "
			    "PMEM2_PROT_EXEC|READ|WRITE", prot);
	cfg.protection = prot;
	return {};
}

} // namespace pmem2::config
