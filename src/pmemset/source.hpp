// SPDX-License-Identifier: BSD-3-Clause
// source.hpp -- where parts come from: a borrowed pmem2 source, a file opened
// (or created) by path, or an unnamed temporary file that grows on demand.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include <libpmem2.h>

#include "common/posix.hpp"
#include "common/result.hpp"
#include "pmemset/pmem2_handles.hpp"
#include "pmemset/refcounted.hpp"

namespace libpmemset {

// The caller's handle and every part made from the source hold references.
class Source : public RefCounted<Source> {
public:
	enum class Kind { Pmem2, File, Temporary };

	// Borrows src (never closes its fd). PMEMSET_E_INVALID_PMEM2_SOURCE for NULL;
	// PMEM2_E_FILE_DESCRIPTOR_NOT_SET for an anonymous source.
	static common::Result<std::unique_ptr<Source>> from_pmem2(pmem2_source *src);
	// Opens `path` O_RDWR, creating it as PMEMSET_SOURCE_FILE_* `flags` say (mode
	// 0644 & ~umask). PMEMSET_E_INVALID_SOURCE_PATH (NULL or missing without a
	// create flag), PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS, -errno, PMEM2_E_*.
	static common::Result<std::unique_ptr<Source>> from_file(const char *path, unsigned flags);
	// An unnamed file of size 0, mode 0600, in directory `dir`.
	// PMEMSET_E_INVALID_SOURCE_PATH (NULL or missing), PMEMSET_E_CANNOT_CREATE_TEMP_FILE.
	static common::Result<std::unique_ptr<Source>> from_temporary(const char *dir);

	Kind kind() const noexcept { return kind_; }
	pmem2_source *pmem2() const noexcept { return src_; }
	// True when part_map may grow the file to fit a part (temporary files and
	// PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED).
	bool grows() const noexcept { return grow_; }

	// part_new's check that a path source still names a file:
	// PMEMSET_E_INVALID_SOURCE_PATH if it vanished, -errno for other stat failures.
	common::Status recheck() const;
	// The size in bytes as libpmem2 sees it (its code on failure).
	common::Result<std::size_t> size() const;
	// Grows the file (never shrinks it) to at least `bytes`; only for grows().
	// PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE. Thread-safe.
	common::Status ensure_size(std::size_t bytes);

private:
	Source(Kind kind, std::string path, common::UniqueFd fd, UniquePmem2Source owned,
		pmem2_source *src, bool grow);

	Kind kind_;
	std::string path_;
	common::UniqueFd fd_;	   // files the library opened; closed with the source
	UniquePmem2Source owned_;  // the pmem2 source wrapping fd_, if any
	pmem2_source *src_;	   // owned_ or the borrowed one
	bool grow_;
	std::mutex grow_mutex_;	   // fstat+ftruncate must not interleave (a shrink would SIGBUS)
};

// Creates an unlinked file in `dir`, readable and writable by the owner only.
// With try_tmpfile, O_TMPFILE first; when the filesystem lacks it (EOPNOTSUPP, or
// EISDIR from kernels that predate it) or try_tmpfile is false, mkostemp of
// "<dir>/pmemset.XXXXXX" then unlink, with signals blocked in between so no
// handler can leave the name behind. PMEMSET_E_CANNOT_CREATE_TEMP_FILE.
common::Result<common::UniqueFd> create_unlinked_file(const std::string &dir, bool try_tmpfile);

} // namespace libpmemset
