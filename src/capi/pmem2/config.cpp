// SPDX-License-Identifier: BSD-3-Clause
// config.cpp -- the pmem2_config_* entry points.
#include "capi/pmem2/facade.hpp"
#include "pmem2/config/config.hpp"

using namespace pmem2;
using capi::core;
using capi::guarded;

PMEM2_API int pmem2_config_new(pmem2_config **cfg)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_new: cfg is NULL");
	*cfg = nullptr;
	return guarded([&]() -> int {
		*cfg = capi::handle<pmem2_config>(new config::Config);
		return 0;
	});
}

PMEM2_API int pmem2_config_delete(pmem2_config **cfg)
{
	if (cfg == nullptr)
		return 0;
	delete core(*cfg);
	*cfg = nullptr;
	return 0;
}

PMEM2_API int pmem2_config_set_required_store_granularity(pmem2_config *cfg, enum pmem2_granularity g)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_required_store_granularity: cfg is NULL");
	return guarded([&] { return config::set_granularity(*core(cfg), capi::enum_arg(g)); });
}

PMEM2_API int pmem2_config_set_offset(pmem2_config *cfg, size_t offset)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_offset: cfg is NULL");
	return guarded([&] { return config::set_offset(*core(cfg), offset); });
}

PMEM2_API int pmem2_config_set_length(pmem2_config *cfg, size_t length)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_length: cfg is NULL");
	core(cfg)->length = length;
	return 0;
}

PMEM2_API int pmem2_config_set_sharing(pmem2_config *cfg, enum pmem2_sharing_type type)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_sharing: cfg is NULL");
	return guarded([&] { return config::set_sharing(*core(cfg), capi::enum_arg(type)); });
}

PMEM2_API int pmem2_config_set_protection(pmem2_config *cfg, unsigned prot)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_protection: cfg is NULL");
	return guarded([&] { return config::set_protection(*core(cfg), prot); });
}

PMEM2_API int pmem2_config_set_vm_reservation(pmem2_config *cfg, pmem2_vm_reservation *rsv, size_t offset)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_vm_reservation: cfg is NULL");
	core(cfg)->reservation = core(rsv);
	core(cfg)->reservation_offset = rsv != nullptr ? offset : 0;
	return 0;
}
