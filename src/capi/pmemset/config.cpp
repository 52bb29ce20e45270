// SPDX-License-Identifier: BSD-3-Clause
// config.cpp -- the pmemset_config_* entry points.
#include "capi/pmemset/facade.hpp"

using namespace libpmemset;
using capi::core;
using capi::guarded;
using capi::report;

PMEMSET_API int pmemset_config_new(pmemset_config **cfg)
{
	if (cfg == nullptr)
		return capi::null_argument("pmemset_config_new: cfg is NULL");
	*cfg = nullptr;
	return guarded([&] {
		*cfg = capi::handle(new Config());
		return 0;
	});
}

PMEMSET_API int pmemset_config_delete(pmemset_config **cfg)
{
	if (cfg == nullptr)
		return capi::null_argument("pmemset_config_delete: cfg is NULL");
	delete core(*cfg);
	*cfg = nullptr;
	return 0;
}

PMEMSET_API int pmemset_config_set_required_store_granularity(pmemset_config *cfg,
	enum pmem2_granularity g)
{
	if (cfg == nullptr)
		return capi::null_argument("pmemset_config_set_required_store_granularity: cfg is NULL");
	return report(core(cfg)->set_granularity(pmem2::capi_common::enum_arg(g)));
}

PMEMSET_API void pmemset_config_set_reservation(pmemset_config *cfg, pmem2_vm_reservation *rsv)
{
	if (cfg == nullptr) {
		capi::null_argument("pmemset_config_set_reservation: cfg is NULL");
		return;
	}
	core(cfg)->reservation = rsv;
}

PMEMSET_API void pmemset_config_set_event_callback(pmemset_config *cfg,
	pmemset_event_callback *callback, void *arg)
{
	if (cfg == nullptr) {
		capi::null_argument("pmemset_config_set_event_callback: cfg is NULL");
		return;
	}
	core(cfg)->callback = callback;
	core(cfg)->callback_arg = arg;
}
