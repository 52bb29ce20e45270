// SPDX-License-Identifier: BSD-3-Clause
// vm_test_util.hpp -- helpers for the reservation tests: what /proc/self/maps says
// about an address range, and a sparse file source.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <libpmem2.h>

#include "test_files.hpp"

namespace pmem2::test {

struct VmArea {
	std::uintptr_t begin, end;
	std::string perms;
	unsigned long inode;
};

inline std::vector<VmArea> vm_areas()
{
	std::vector<VmArea> out;
	std::ifstream maps("/proc/self/maps");
	std::string line;
	while (std::getline(maps, line)) {
		std::istringstream in(line);
		std::string range, perms, off, dev;
		unsigned long inode = 0;
		in >> range >> perms >> off >> dev >> inode;
		const auto dash = range.find('-');
		out.push_back({std::stoull(range.substr(0, dash), nullptr, 16),
			       std::stoull(range.substr(dash + 1), nullptr, 16), perms, inode});
	}
	return out;
}

// Every byte of [b, e) lies in an anonymous private PROT_NONE area: the placeholder.
inline bool is_placeholder(std::uintptr_t b, std::uintptr_t e)
{
	std::uintptr_t covered = b;
	for (const VmArea &a : vm_areas()) {
		if (a.end <= covered || a.begin >= e)
			continue;
		if (a.begin > covered || a.perms != "---p" || a.inode != 0)
			return false;
		covered = a.end;
		if (covered >= e)
			return true;
	}
	return covered >= e;
}

// Nothing at all is mapped in [b, e).
inline bool is_unmapped(std::uintptr_t b, std::uintptr_t e)
{
	for (const VmArea &a : vm_areas())
		if (a.begin < e && a.end > b)
			return false;
	return true;
}

// The areas of `all` clipped to [b, e), for comparing snapshots of one range.
inline std::vector<VmArea> clip(const std::vector<VmArea> &all, std::uintptr_t b, std::uintptr_t e)
{
	std::vector<VmArea> out;
	for (VmArea a : all)
		if (a.begin < e && a.end > b) {
			a.begin = a.begin < b ? b : a.begin;
			a.end = a.end > e ? e : a.end;
			out.push_back(a);
		}
	return out;
}

// [b, e) looks exactly as it did in the snapshot `before`.
inline bool same_as(const std::vector<VmArea> &before, std::uintptr_t b, std::uintptr_t e)
{
	auto x = clip(before, b, e), y = clip(vm_areas(), b, e);
	if (x.size() != y.size())
		return false;
	for (std::size_t i = 0; i < x.size(); ++i)
		if (x[i].begin != y[i].begin || x[i].end != y[i].end || x[i].perms != y[i].perms)
			return false;
	return true;
}

// Every byte of [b, e) is mapped with the given permissions from a file.
inline bool is_file_mapping(std::uintptr_t b, std::uintptr_t e, const char *perms)
{
	std::uintptr_t covered = b;
	for (const VmArea &a : vm_areas()) {
		if (a.end <= covered || a.begin >= e)
			continue;
		if (a.begin > covered || a.perms != perms || a.inode == 0)
			return false;
		covered = a.end;
	}
	return covered >= e;
}

inline std::uintptr_t uptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

// A sparse tmpfs file and a pmem2 source on it.
class FileSource {
public:
	explicit FileSource(std::size_t size, int open_flags = O_RDWR) : file_(size, "/dev/shm", open_flags)
	{
		if (pmem2_source_from_fd(&src_, file_.fd()) != 0)
			throw std::runtime_error("pmem2_source_from_fd failed");
	}
	~FileSource() { pmem2_source_delete(&src_); }
	pmem2_source *get() const { return src_; }
	int fd() const { return file_.fd(); }

private:
	TempFile file_;
	pmem2_source *src_ = nullptr;
};

// A config for mapping `length` bytes of the file at `file_offset` into rsv at rsv_offset.
class Cfg {
public:
	Cfg()
	{
		if (pmem2_config_new(&cfg_) != 0)
			throw std::runtime_error("pmem2_config_new failed");
		pmem2_config_set_required_store_granularity(cfg_, PMEM2_GRANULARITY_PAGE);
	}
	~Cfg() { pmem2_config_delete(&cfg_); }
	Cfg &at(pmem2_vm_reservation *rsv, std::size_t rsv_offset, std::size_t length, std::size_t file_offset = 0)
	{
		pmem2_config_set_vm_reservation(cfg_, rsv, rsv_offset);
		pmem2_config_set_length(cfg_, length);
		pmem2_config_set_offset(cfg_, file_offset);
		return *this;
	}
	pmem2_config *get() const { return cfg_; }

private:
	pmem2_config *cfg_ = nullptr;
};

} // namespace pmem2::test
