// SPDX-License-Identifier: BSD-3-Clause
// core_test_util.cpp -- /proc queries, stderr capture and file reads for the core tests.
#include "core_test_util.hpp"

#include <cerrno>
#include <sys/mman.h>
#include <vector>

namespace pmem2::test {

bool any_mapped(const void *addr, size_t len)
{
	const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
	std::vector<unsigned char> vec(1);
	const auto base = reinterpret_cast<uintptr_t>(addr) & ~(page - 1);
	for (uintptr_t p = base; p < reinterpret_cast<uintptr_t>(addr) + len; p += page) {
		if (::mincore(reinterpret_cast<void *>(p), page, vec.data()) == 0)
			return true;
		if (errno != ENOMEM)
			throw std::runtime_error("mincore failed");
	}
	return false;
}

std::vector<Vma> vmas()
{
	std::ifstream maps("/proc/self/maps");
	std::string line;
	std::vector<Vma> out;
	while (std::getline(maps, line)) {
		std::istringstream in(line);
		Vma v{};
		char dash;
		std::string offset, dev, inode;
		in >> std::hex >> v.begin >> dash >> v.end >> v.perms >> offset >> dev >> inode;
		std::getline(in >> std::ws, v.path);
		out.push_back(v);
	}
	return out;
}

std::vector<Vma> left_behind(const std::vector<Vma> &before, const std::vector<Vma> &after, const std::string &path)
{
	std::vector<Vma> out;
	for (const Vma &v : after) {
		const bool placeholder = v.perms == "---p" && v.path.empty();
		if (!placeholder && v.path != path)
			continue;
		bool old = false;
		for (const Vma &b : before)
			old = old || (v.begin >= b.begin && v.end <= b.end);
		if (!old)
			out.push_back(v);
	}
	return out;
}

long dirty_kb(const void *addr)
{
	std::ifstream smaps("/proc/self/smaps");
	std::string line;
	const auto a = reinterpret_cast<unsigned long>(addr);
	bool inside = false, found = false;
	long dirty = 0;
	while (std::getline(smaps, line)) {
		unsigned long begin, end;
		char dash;
		std::istringstream head(line);
		// VMA header lines look like "7f..-7f.. rw-s ..."; field lines like "Rss: ...".
		if (line.find(':') > line.find(' ') && (head >> std::hex >> begin >> dash >> end) && dash == '-') {
			inside = a >= begin && a < end;
			found = found || inside;
			continue;
		}
		if (!inside)
			continue;
		long kb;
		if (std::sscanf(line.c_str(), "Private_Dirty: %ld", &kb) == 1 ||
		    std::sscanf(line.c_str(), "Shared_Dirty: %ld", &kb) == 1)
			dirty += kb;
	}
	return found ? dirty : -1;
}

std::string capture_stderr(const std::function<void()> &fn)
{
	std::fflush(stderr);
	TempFile out(0);
	int saved = ::dup(STDERR_FILENO);
	::dup2(out.fd(), STDERR_FILENO);
	fn();
	std::fflush(stderr);
	::dup2(saved, STDERR_FILENO);
	::close(saved);
	struct stat st;
	::fstat(out.fd(), &st);
	return read_file(out.fd(), 0, static_cast<size_t>(st.st_size));
}

std::string read_file(int fd, size_t off, size_t len)
{
	std::string buf(len, '\0');
	size_t got = 0;
	while (got < len) {
		ssize_t n = ::pread(fd, &buf[got], len - got, static_cast<off_t>(off + got));
		if (n <= 0)
			throw std::runtime_error("short pread");
		got += static_cast<size_t>(n);
	}
	return buf;
}

} // namespace pmem2::test
