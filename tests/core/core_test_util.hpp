// SPDX-License-Identifier: BSD-3-Clause
// core_test_util.hpp -- helpers shared by the core unit tests: owners for pmem2
// objects, temporary directories, /proc/self/{maps,smaps} queries, stderr capture.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <libpmem2.h>

#include "test_files.hpp"

namespace pmem2::test {

struct SourceDeleter {
	void operator()(pmem2_source *s) const { pmem2_source_delete(&s); }
};
struct ConfigDeleter {
	void operator()(pmem2_config *c) const { pmem2_config_delete(&c); }
};
struct MapDeleter {
	void operator()(pmem2_map *m) const
	{
		if (m != nullptr && pmem2_map_delete(&m) != 0)
			std::abort(); // a map the test made must always be deletable
	}
};
using SourcePtr = std::unique_ptr<pmem2_source, SourceDeleter>;
using ConfigPtr = std::unique_ptr<pmem2_config, ConfigDeleter>;
using MapPtr = std::unique_ptr<pmem2_map, MapDeleter>;

inline SourcePtr source_from_fd(int fd)
{
	pmem2_source *s = nullptr;
	if (pmem2_source_from_fd(&s, fd) != 0)
		throw std::runtime_error(std::string("pmem2_source_from_fd: ") + pmem2_errormsg());
	return SourcePtr(s);
}

inline SourcePtr source_from_anon(size_t size)
{
	pmem2_source *s = nullptr;
	if (pmem2_source_from_anon(&s, size) != 0)
		throw std::runtime_error("pmem2_source_from_anon failed");
	return SourcePtr(s);
}

// A config with the given required granularity (and the other defaults).
inline ConfigPtr make_config(pmem2_granularity g = PMEM2_GRANULARITY_PAGE)
{
	pmem2_config *c = nullptr;
	if (pmem2_config_new(&c) != 0 || pmem2_config_set_required_store_granularity(c, g) != 0)
		throw std::runtime_error("config setup failed");
	return ConfigPtr(c);
}

// pmem2_map_new; returns the code and fills `out` on success.
inline int map_new(MapPtr &out, const ConfigPtr &cfg, const SourcePtr &src)
{
	pmem2_map *m = nullptr;
	int rc = pmem2_map_new(&m, cfg.get(), src.get());
	out.reset(m);
	return rc;
}

inline MapPtr must_map(const ConfigPtr &cfg, const SourcePtr &src)
{
	MapPtr m;
	if (int rc = map_new(m, cfg, src); rc != 0)
		throw std::runtime_error("pmem2_map_new: " + std::to_string(rc) + " " + pmem2_errormsg());
	return m;
}

// A temporary directory, removed (recursively) on destruction.
class TempDir {
public:
	explicit TempDir(const std::string &base = "/tmp")
	{
		std::string tmpl = base + "/pmem2-core-XXXXXX";
		if (::mkdtemp(tmpl.data()) == nullptr)
			throw std::runtime_error("mkdtemp failed");
		path_ = tmpl;
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;
	~TempDir() { (void)std::system(("rm -rf '" + path_ + "'").c_str()); }
	const std::string &path() const { return path_; }
	std::string operator/(const std::string &rel) const { return path_ + "/" + rel; }

	// mkdir -p of a relative path.
	void mkdirs(const std::string &rel) const
	{
		std::string cur = path_;
		std::stringstream ss(rel);
		std::string part;
		while (std::getline(ss, part, '/')) {
			if (part.empty())
				continue;
			cur += "/" + part;
			::mkdir(cur.c_str(), 0755);
		}
	}
	void write(const std::string &rel, const std::string &content) const
	{
		std::ofstream f(path_ + "/" + rel, std::ios::binary | std::ios::trunc);
		f << content;
		if (!f)
			throw std::runtime_error("cannot write " + rel);
	}
	void symlink(const std::string &target, const std::string &rel) const
	{
		if (::symlink(target.c_str(), (path_ + "/" + rel).c_str()) != 0)
			throw std::runtime_error("symlink failed: " + rel);
	}

private:
	std::string path_;
};

// The permission field ("rw-s", "r--p", ...) of the /proc/self/maps line starting
// exactly at addr, or "" when no mapping starts there.
inline std::string vma_perms(const void *addr)
{
	std::ifstream maps("/proc/self/maps");
	std::string line;
	while (std::getline(maps, line)) {
		unsigned long begin = std::strtoul(line.c_str(), nullptr, 16);
		if (begin == reinterpret_cast<unsigned long>(addr))
			return line.substr(line.find(' ') + 1, 4);
	}
	return "";
}

// Whether any byte of [addr, addr+len) is mapped (mincore fails with ENOMEM otherwise).
bool any_mapped(const void *addr, size_t len);

// One line of /proc/self/maps.
struct Vma {
	uintptr_t begin, end;
	std::string perms; // "rw-s", "---p", ...
	std::string path;  // "" for anonymous memory
};
std::vector<Vma> vmas();

// What a call left behind: VMAs of `after` that lie (even partly) outside every VMA
// of `before` and are either PROT_NONE anonymous (a placeholder) or map `path`.
// Memory others create meanwhile (sanitizer allocators carve theirs out of
// reservations they already hold) does not count.
std::vector<Vma> left_behind(const std::vector<Vma> &before, const std::vector<Vma> &after,
			     const std::string &path);

// Dirty kB (Private_Dirty + Shared_Dirty) of the VMA containing addr, from
// /proc/self/smaps; -1 when no VMA contains it. A page written through a shared
// file mapping is dirty until written back (msync MS_SYNC cleans it).
long dirty_kb(const void *addr);

// Repeats `observe` until it returns `want`, at most 5 times, and returns its last
// result. For dirty-page checks: the kernel's flusher or another process's sync may
// write pages back at any moment, which only ever makes pages clean early. A real
// defect repeats on every attempt; such noise does not. `observe` must start from
// its own known state (dirty what it needs, sync what it needs).
inline std::vector<long> observe_until(const std::vector<long> &want,
				       const std::function<std::vector<long>()> &observe)
{
	std::vector<long> got;
	for (int attempt = 0; attempt < 5; ++attempt) {
		got = observe();
		if (got == want)
			break;
	}
	return got;
}

// Runs fn with stderr redirected to a temporary file; returns what was written.
std::string capture_stderr(const std::function<void()> &fn);

// pread of the whole range; throws on a short read.
std::string read_file(int fd, size_t off, size_t len);

} // namespace pmem2::test
