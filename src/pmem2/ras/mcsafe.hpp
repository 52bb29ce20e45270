// SPDX-License-Identifier: BSD-3-Clause
// mcsafe.hpp -- reading and writing a source so that a media error becomes an error
// code (PMEM2_E_IO_FAIL) instead of a SIGBUS that kills the process.
#pragma once

#include <cstddef>

#include "common/result.hpp"
#include "pmem2/source/source.hpp"

namespace pmem2::ras {

enum class Direction { Read, Write };

// Transfers size bytes between buf and the source at offset. Regular files: pread/
// pwrite until done (EINTR retried; EIO: IO_FAIL; EOF reached early: LENGTH_OUT_OF_RANGE).
// Device DAX: a temporary shared mapping of the aligned range, copied under a SIGBUS
// guard (see sigbus_guard.hpp) and always unmapped; writes are persisted.
// Errors: SOURCE_TYPE_NOT_SUPPORTED (anonymous, directory), LENGTH_OUT_OF_RANGE
// (offset+size beyond the source, overflow included), IO_FAIL, -errno.
// Thread-safe for distinct or read-only ranges.
common::Status transfer(const source::Source &src, Direction dir, void *buf, std::size_t size, std::size_t offset);

// The device DAX path, with its geometry given: maps [align_down(offset), align_up(
// offset+size)) of fd with MAP_SHARED and copies under the guard. Exposed for tests
// (it works on any mappable fd).
common::Status transfer_mapped(int fd, std::size_t align, Direction dir, void *buf, std::size_t size,
			       std::size_t offset);

} // namespace pmem2::ras
