// SPDX-License-Identifier: BSD-3-Clause
// ras.cpp -- the device-information and machine-check-safe I/O entry points:
// pmem2_source_device_usc/_device_id/_numa_node/_pread_mcsafe/_pwrite_mcsafe.
#include <cstring>

#include "capi/pmem2/facade.hpp"
#include "pmem2/ras/device_info.hpp"
#include "pmem2/ras/mcsafe.hpp"
#include "pmem2/source/source.hpp"

using namespace pmem2;
using capi::core;
using capi::guarded;
using capi::report;

PMEM2_API int pmem2_source_device_usc(const pmem2_source *src, uint64_t *usc)
{
	if (src == nullptr || usc == nullptr)
		return capi::null_argument("pmem2_source_device_usc: src or usc is NULL");
	return guarded([&]() -> int {
		auto r = ras::device_usc(*core(src));
		if (!r)
			return report(r.error()); // *usc stays unmodified, as documented
		*usc = r.value();
		return 0;
	});
}

// Length query when id is NULL (*len = bytes needed, terminator included); otherwise
// the id is written only when it fits in *len bytes. On failure id and *len are
// left unmodified.
PMEM2_API int pmem2_source_device_id(const pmem2_source *src, char *id, size_t *len)
{
	if (src == nullptr || len == nullptr)
		return capi::null_argument("pmem2_source_device_id: src or len is NULL");
	return guarded([&]() -> int {
		auto r = ras::device_id(*core(src));
		if (!r)
			return report(r.error());
		const std::string &text = r.value();
		const size_t needed = text.size() + 1;
		if (id == nullptr) {
			*len = needed;
			return 0;
		}
		if (needed > *len)
			return report(common::fail(PMEM2_E_BUFFER_TOO_SMALL,
						   "device id needs %zu bytes, the buffer has %zu", needed, *len));
		std::memcpy(id, text.c_str(), needed);
		return 0;
	});
}

PMEM2_API int pmem2_source_numa_node(const pmem2_source *src, int *numa_node)
{
	if (src == nullptr || numa_node == nullptr)
		return capi::null_argument("pmem2_source_numa_node: src or numa_node is NULL");
	return guarded([&]() -> int {
		auto r = ras::numa_node(*core(src));
		if (!r)
			return report(r.error());
		*numa_node = r.value();
		return 0;
	});
}

PMEM2_API int pmem2_source_pread_mcsafe(pmem2_source *src, void *buf, size_t size, size_t offset)
{
	if (src == nullptr || (buf == nullptr && size != 0))
		return capi::null_argument("pmem2_source_pread_mcsafe: src or buf is NULL");
	return guarded([&] { return ras::transfer(*core(src), ras::Direction::Read, buf, size, offset); });
}

PMEM2_API int pmem2_source_pwrite_mcsafe(pmem2_source *src, void *buf, size_t size, size_t offset)
{
	if (src == nullptr || (buf == nullptr && size != 0))
		return capi::null_argument("pmem2_source_pwrite_mcsafe: src or buf is NULL");
	return guarded([&] { return ras::transfer(*core(src), ras::Direction::Write, buf, size, offset); });
}
