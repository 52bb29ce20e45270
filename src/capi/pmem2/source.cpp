// SPDX-License-Identifier: BSD-3-Clause
// source.cpp -- the pmem2_source_* entry points (sources and their geometry).
#include "capi/pmem2/facade.hpp"
#include "pmem2/source/source.hpp"

using namespace pmem2;
using capi::core;
using capi::guarded;
using capi::report;

PMEM2_API int pmem2_source_from_fd(pmem2_source **src, int fd)
{
	if (src == nullptr)
		return capi::null_argument("pmem2_source_from_fd: src is NULL");
	*src = nullptr;
	return guarded([&]() -> int {
		auto s = source::from_fd(fd);
		if (!s)
			return report(s.error());
		*src = capi::handle<pmem2_source>(s.value().release());
		return 0;
	});
}

PMEM2_API int pmem2_source_from_anon(pmem2_source **src, size_t size)
{
	if (src == nullptr)
		return capi::null_argument("pmem2_source_from_anon: src is NULL");
	*src = nullptr;
	return guarded([&]() -> int {
		*src = capi::handle<pmem2_source>(source::from_anon(size).release());
		return 0;
	});
}

PMEM2_API int pmem2_source_delete(pmem2_source **src)
{
	if (src == nullptr)
		return 0;
	delete core(*src);
	*src = nullptr;
	return 0;
}

PMEM2_API int pmem2_source_get_fd(const pmem2_source *src, int *fd)
{
	if (src == nullptr)
		return capi::null_argument("pmem2_source_get_fd: src is NULL");
	const source::Source &s = *core(src);
	if (s.kind == source::Kind::Anonymous) {
		common::set_last_error("an anonymous source has no file descriptor");
		return PMEM2_E_FILE_DESCRIPTOR_NOT_SET;
	}
	if (fd == nullptr) // first needed here, as in the reference
		return capi::null_argument("pmem2_source_get_fd: fd is NULL");
	*fd = s.fd;
	return 0;
}

PMEM2_API int pmem2_source_size(const pmem2_source *src, size_t *size)
{
	if (src == nullptr || size == nullptr)
		return capi::null_argument("pmem2_source_size: src or size is NULL");
	return guarded([&]() -> int {
		auto r = source::size(*core(src));
		if (!r)
			return report(r.error());
		*size = r.value();
		return 0;
	});
}

PMEM2_API int pmem2_source_alignment(const pmem2_source *src, size_t *alignment)
{
	if (src == nullptr || alignment == nullptr)
		return capi::null_argument("pmem2_source_alignment: src or alignment is NULL");
	return guarded([&]() -> int {
		auto r = source::alignment(*core(src));
		if (!r)
			return report(r.error()); // *alignment stays unmodified, as documented
		*alignment = r.value();
		return 0;
	});
}
