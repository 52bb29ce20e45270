// SPDX-License-Identifier: BSD-3-Clause
// quickstart.cpp -- the demo of the README: maps a file through the public
// libpmem2 API, writes and persists a record, reads it back through a fresh
// mapping, and reports what the library detected (granularity, flush path).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <libpmem2.h>

#include "pmem2/arch/data_path.hpp"

namespace {

const char *name_of(pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE (stores are persistent once globally visible: eADR)";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE (cache lines must be flushed: DAX with ADR)";
	case PMEM2_GRANULARITY_PAGE:
		return "PAGE (pages must be written back with msync: not DAX)";
	}
	return "?";
}

int fail(const char *what)
{
	pmem2_perror("%s", what);
	return 1;
}

// Maps path, writes `text` with memcpy_fn + persist, and reports the mapping.
int write_record(const char *path, const char *text, bool report)
{
	int fd = open(path, O_RDWR);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	pmem2_config *cfg = nullptr;
	pmem2_source *src = nullptr;
	pmem2_map *map = nullptr;
	int rc = 1;
	if (pmem2_config_new(&cfg) || pmem2_source_from_fd(&src, fd) ||
	    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE)) {
		rc = fail("setup");
	} else if (pmem2_map_new(&map, cfg, src)) {
		rc = fail("pmem2_map_new");
	} else {
		char *addr = static_cast<char *>(pmem2_map_get_address(map));
		pmem2_memcpy_fn copy = pmem2_get_memcpy_fn(map);
		pmem2_persist_fn persist = pmem2_get_persist_fn(map);
		copy(addr, text, strlen(text) + 1, 0); // copies and makes it durable
		persist(addr, strlen(text) + 1);       // idempotent, shown for completeness
		if (report) {
			const pmem2_granularity g = pmem2_map_get_store_granularity(map);
			printf("  mapped        : %zu bytes at %p\n", pmem2_map_get_size(map), (void *)addr);
			printf("  granularity   : %s\n", name_of(g));
			const auto &dp = pmem2::arch::data_path();
			if (g == PMEM2_GRANULARITY_PAGE)
				printf("  persist path  : msync(MS_SYNC) of the dirty pages\n");
			else if (g == PMEM2_GRANULARITY_CACHE_LINE)
				printf("  persist path  : %s per 64-byte line + sfence\n", dp.flush_name);
			else
				printf("  persist path  : sfence only (the caches are in the persistence domain)\n");
			printf("  CPU flush insn: %s, copy variant: %s\n", dp.flush_name, dp.copy_name);
		}
		rc = 0;
		if (pmem2_map_delete(&map))
			rc = fail("pmem2_map_delete");
	}
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	close(fd);
	return rc;
}

} // namespace

int main(int argc, char **argv)
{
	const std::string dir = argc > 1 ? argv[1] : "/tmp";
	const std::string path = dir + "/pmem2-quickstart.dat";
	int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 1 << 20) != 0) {
		perror(path.c_str());
		return 1;
	}
	close(fd);

	printf("libpmem2 quickstart on %s\n", path.c_str());
	const char *text = "hello, persistent memory";
	if (write_record(path.c_str(), text, true))
		return 1;

	// Read it back through the file, as a restarted program would.
	char back[64] = {0};
	fd = open(path.c_str(), O_RDONLY);
	ssize_t n = pread(fd, back, sizeof(back) - 1, 0);
	close(fd);
	const bool ok = n > 0 && strcmp(back, text) == 0;
	printf("  read back     : \"%s\" -> %s\n", back, ok ? "OK" : "MISMATCH");

	// The same write with the CPU flush path forced, as on real DAX hardware.
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	printf("with PMEM2_FORCE_GRANULARITY=CACHE_LINE:\n");
	if (write_record(path.c_str(), text, true))
		return 1;
	unlink(path.c_str());
	return ok ? 0 : 1;
}
