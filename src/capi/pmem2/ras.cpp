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
	if (src == nullptr)
		return capi::null_argument("pmem2_source_device_usc: src is NULL");
	// The reference refuses an anonymous source before it writes *usc, and writes
	// it before looking for the device: usc is needed only past that first check.
	if (usc == nullptr && core(src)->kind != source::Kind::Anonymous)
		return capi::null_argument("pmem2_source_device_usc: usc is NULL");
	return guarded([&]() -> int {
		auto r = ras::device_usc(*core(src));
		if (!r)
			return report(r.error()); // *usc stays unmodified, as documented
		if (usc == nullptr)
			return capi::null_argument("pmem2_source_device_usc: usc is NULL");
		*usc = r.value();
		return 0;
	});
}

// Length query when id is NULL (*len = bytes needed, terminator included); otherwise
// the id is written only when it fits in *len bytes. On failure id and *len are
// left unmodified. len is first needed once the device is found, as in the
// reference, so an unsupported source answers NOSUPP whatever len is.
PMEM2_API int pmem2_source_device_id(const pmem2_source *src, char *id, size_t *len)
{
	if (src == nullptr)
		return capi::null_argument("pmem2_source_device_id: src is NULL");
	return guarded([&]() -> int {
		auto r = ras::device_id(*core(src));
		if (!r)
			return report(r.error());
		const std::string &text = r.value();
		const size_t needed = text.size() + 1;
		// A region without DIMMs has an empty id. The reference compares *len
		// only per DIMM, so it reads neither len nor writes id here: success.
		if (id != nullptr && text.empty()) {
			if (len != nullptr && *len >= 1)
				id[0] = '\0';
			return 0;
		}
		if (len == nullptr)
			return capi::null_argument("pmem2_source_device_id: len is NULL");
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
	if (src == nullptr)
		return capi::null_argument("pmem2_source_numa_node: src is NULL");
	return guarded([&]() -> int {
		auto r = ras::numa_node(*core(src));
		if (!r)
			return report(r.error());
		if (numa_node == nullptr) // first needed here, as in the reference
			return capi::null_argument("pmem2_source_numa_node: numa_node is NULL");
		*numa_node = r.value();
		return 0;
	});
}

PMEM2_API int pmem2_source_pread_mcsafe(pmem2_source *src, void *buf, size_t size, size_t offset)
{
	if (src == nullptr)
		return capi::null_argument("pmem2_source_pread_mcsafe: src is NULL");
	return guarded([&] { return ras::transfer(*core(src), ras::Direction::Read, buf, size, offset); });
}

PMEM2_API int pmem2_source_pwrite_mcsafe(pmem2_source *src, void *buf, size_t size, size_t offset)
{
	if (src == nullptr)
		return capi::null_argument("pmem2_source_pwrite_mcsafe: src is NULL");
	return guarded([&] { return ras::transfer(*core(src), ras::Direction::Write, buf, size, offset); });
}
