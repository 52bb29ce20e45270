// SPDX-License-Identifier: BSD-3-Clause
// async.cpp -- the PMDK 1.x asynchronous entry points: pmem2_config_set_vdm and
// pmem2_mem{cpy,move,set}_async (version node LIBPMEM2_1.0 only; PMDK 2.x has
// none of them). Their types are miniasync's, laid out in pmem2/async/abi.hpp;
// this file does not include <libpmem2/async.h>, which needs miniasync.
#include "capi/pmem2/facade.hpp"
#include "common/errormsg.hpp"
#include "pmem2/async/future.hpp"
#include "pmem2/config/config.hpp"
#include "pmem2/map/map.hpp"

using namespace pmem2;
using async::abi::Pmem2Future;
using async::abi::Vdm;
using capi::core;

namespace {

Pmem2Future start(pmem2_map *map, const async::Request &req, const char *who) noexcept
{
	if (map == nullptr) {
		// The reference dereferences the NULL map; here the caller gets a future
		// that is already complete, did nothing, and says so in its output.
		capi::null_argument(who);
		return async::failed_future(req);
	}
	map::Map *m = core(map);
	const Vdm *v = m->vdm;
	if (v->op_new == nullptr || v->op_delete == nullptr || v->op_start == nullptr || v->op_check == nullptr) {
		// The reference calls through the NULL pointer.
		common::set_last_error("the map's data mover (struct vdm) lacks one of its op_* functions");
		return async::failed_future(req);
	}
	return async::make_future(m, m->granularity, m->vdm, req);
}

} // namespace

PMEM2_API int pmem2_config_set_vdm(pmem2_config *cfg, Vdm *vdm)
{
	if (cfg == nullptr)
		return capi::null_argument("pmem2_config_set_vdm: cfg is NULL");
	core(cfg)->vdm = vdm; // NULL: maps get the default mover again
	return 0;
}

PMEM2_API Pmem2Future pmem2_memcpy_async(pmem2_map *map, void *pmemdest, const void *src, size_t len,
					 unsigned flags)
{
	(void)flags; // ignored, as by PMDK 1.x
	return start(map, {async::abi::kMemcpy, pmemdest, src, 0, len}, "pmem2_memcpy_async: map is NULL");
}

PMEM2_API Pmem2Future pmem2_memmove_async(pmem2_map *map, void *pmemdest, const void *src, size_t len,
					  unsigned flags)
{
	(void)flags;
	return start(map, {async::abi::kMemmove, pmemdest, src, 0, len}, "pmem2_memmove_async: map is NULL");
}

PMEM2_API Pmem2Future pmem2_memset_async(pmem2_map *map, void *str, int c, size_t n, unsigned flags)
{
	(void)flags;
	return start(map, {async::abi::kMemset, str, nullptr, c, n}, "pmem2_memset_async: map is NULL");
}
