// SPDX-License-Identifier: BSD-3-Clause
// mcsafe.cpp -- machine-check-safe pread/pwrite.
#include "pmem2/ras/mcsafe.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

#include <libpmem2/base.h>

#include "common/address_space.hpp"
#include "common/posix.hpp"
#include "pmem2/persist/granularity_ops.hpp"
#include "pmem2/ras/sigbus_guard.hpp"

namespace pmem2::ras {

using common::fail;
using common::fail_errno;
using common::Status;

namespace {

const char *verb(Direction dir) { return dir == Direction::Read ? "read" : "write"; }

Status transfer_file(int fd, Direction dir, void *buf, std::size_t size, std::size_t offset)
{
	auto *p = static_cast<char *>(buf);
	std::size_t done = 0;
	while (done < size) {
		const off_t at = static_cast<off_t>(offset + done);
		const ssize_t n = dir == Direction::Read ? ::pread(fd, p + done, size - done, at)
							 : ::pwrite(fd, p + done, size - done, at);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EIO)
				return fail(PMEM2_E_IO_FAIL, "I/O error (a bad block?) on %s of %zu bytes at offset %zu",
					    verb(dir), size - done, offset + done);
			return fail_errno(errno, 0, "%s of %zu bytes at offset %zu", dir == Direction::Read ? "pread" : "pwrite",
					  size - done, offset + done);
		}
		if (n == 0)
			return fail(PMEM2_E_LENGTH_OUT_OF_RANGE, "end of file reached at offset %zu while %sing",
				    offset + done, verb(dir));
		done += static_cast<std::size_t>(n);
	}
	return {};
}

void copy_plain(void *dst, const void *src, std::size_t len) { std::memcpy(dst, src, len); }

// Persistent copy into the mapping: stores plus the CPU flush the hardware needs.
void copy_persistent(void *dst, const void *src, std::size_t len)
{
	persist::ops_for(Granularity::CacheLine).memmove(dst, src, len, 0);
}

} // namespace

Status transfer_mapped(int fd, std::size_t align, Direction dir, void *buf, std::size_t size, std::size_t offset)
{
	if (size == 0)
		return {};
	if (align == 0 || !common::is_pow2(align))
		align = common::page_size();
	const std::size_t map_off = common::align_down(offset, align);
	const std::size_t map_len = common::align_up(offset + size, align) - map_off;
	const int prot = dir == Direction::Read ? PROT_READ : PROT_READ | PROT_WRITE;
	void *addr = nullptr;
	if (int e = common::address_space::map_anywhere(map_len, prot, MAP_SHARED, fd, static_cast<off_t>(map_off), &addr);
	    e != 0)
		return fail_errno(e, 0, "cannot map %zu bytes at offset %zu for a machine-check-safe %s", map_len,
				  map_off, verb(dir));
	// Owned here, outside the guarded frame: unmapped whatever the copy ends with.
	common::MappedRange mapping(addr, map_len);
	char *at = static_cast<char *>(addr) + (offset - map_off);

	int err = 0;
	const std::uintptr_t fault = dir == Direction::Read
		? run_sigbus_guarded(copy_plain, buf, at, size, addr, map_len, &err)
		: run_sigbus_guarded(copy_persistent, at, buf, size, addr, map_len, &err);
	if (err != 0)
		return fail_errno(-err, 0, "cannot install the SIGBUS handler");
	if (fault != 0)
		return fail(PMEM2_E_IO_FAIL, "machine check (SIGBUS) at source offset %zu during a %s of %zu bytes at %zu",
			    static_cast<std::size_t>(fault - reinterpret_cast<std::uintptr_t>(addr)) + map_off, verb(dir),
			    size, offset);
	return {};
}

Status transfer(const source::Source &src, Direction dir, void *buf, std::size_t size, std::size_t offset)
{
	if (src.kind == source::Kind::Anonymous || src.kind == source::Kind::Directory)
		return fail(PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED, "machine-check-safe %s needs a file or device DAX source",
			    verb(dir));
	auto total = source::size(src);
	if (!total)
		return std::move(total).error();
	if (offset > total.value()) {
		// The reference's range check wraps here and lets the request through to
		// pread/pwrite: an offset beyond off_t gets the kernel's -EINVAL and an
		// empty transfer succeeds. A non-empty one past the end is refused rather
		// than reported as a success that moved nothing.
		if (offset > static_cast<std::size_t>(INT64_MAX))
			return fail(-EINVAL, "offset %zu is beyond the largest file offset", offset);
		if (size == 0)
			return {};
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE, "%s of %zu bytes at offset %zu starts beyond the source size %zu",
			    verb(dir), size, offset, total.value());
	}
	if (size > total.value() - offset)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE, "%s of %zu bytes at offset %zu goes beyond the source size %zu",
			    verb(dir), size, offset, total.value());
	// A NULL buffer reaches the kernel for files (which answers -EFAULT, as for the
	// reference) and is refused with the same code before a device copy.
	if (src.kind == source::Kind::Regular)
		return transfer_file(src.fd, dir, buf, size, offset);
	if (buf == nullptr && size != 0)
		return fail(-EFAULT, "the buffer is NULL");
	auto align = source::alignment(src);
	if (!align)
		return std::move(align).error();
	return transfer_mapped(src.fd, align.value(), dir, buf, size, offset);
}

} // namespace pmem2::ras
