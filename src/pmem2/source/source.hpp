// SPDX-License-Identifier: BSD-3-Clause
// source.hpp -- what a mapping is made of: a regular file, a device DAX character
// device (recognised through sysfs), or anonymous memory.
#pragma once

#include <cstddef>
#include <memory>
#include <sys/types.h>

#include "common/result.hpp"

namespace pmem2::source {

// Directory is never produced by from_fd (a directory fd is INVALID_FILE_TYPE there,
// as in the reference); it stays so that code handling every kind remains exhaustive.
enum class Kind { Anonymous, Regular, Directory, DevDax };

// A source keeps the caller's fd (never duplicated, never closed) and the identity
// fstat reported when it was created. Immutable after creation; safe to share.
struct Source {
	Kind kind = Kind::Anonymous;
	int fd = -1;                 // -1 for anonymous sources and for a map's copy
	std::size_t anon_size = 0;   // size of an anonymous source
	dev_t st_dev = 0;            // device holding the file (Regular)
	dev_t st_rdev = 0;           // the character device itself (DevDax)
};

// Classifies fd. Errors, in this order: INVALID_FILE_HANDLE (negative fd, EBADF,
// write-only fd), -errno from fcntl/fstat, INVALID_FILE_TYPE (directory, block
// device, FIFO, socket), -errno from resolving a char device's sysfs subsystem,
// INVALID_FILE_TYPE (a char device that is not DAX). An O_PATH fd is accepted, as
// in the reference (its access mode reads as O_RDONLY); mapping it fails with -EBADF.
common::Result<std::unique_ptr<Source>> from_fd(int fd);
// Never fails but for allocation; any size is accepted (checked when mapped).
std::unique_ptr<Source> from_anon(std::size_t size);

// Size in bytes: anonymous: as given; regular: st_size now (fstat again; EBADF:
// INVALID_FILE_HANDLE, other -errno); device DAX: /sys/dev/char/M:m/size (see devdax.hpp).
common::Result<std::size_t> size(const Source &src);
// Mapping alignment: the page size, or the device DAX region's align (power of 2;
// errors in devdax.hpp).
common::Result<std::size_t> alignment(const Source &src);

} // namespace pmem2::source
