// SPDX-License-Identifier: BSD-3-Clause
// async_fixture.hpp -- a file-backed map on tmpfs at a forced store granularity,
// for the async tests (which include <libpmem2.h> with PMEM2_USE_MINIASYNC).
#pragma once

#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

// The async API carries PMDK 1.13's deprecation attributes.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace async_test {

class ForcedMap {
public:
	// g: "PAGE", "CACHE_LINE" or "BYTE"; vdm: the config's mover (NULL: default).
	ForcedMap(const char *g, struct vdm *vdm, std::size_t size = 1 << 20)
	{
		char path[] = "/dev/shm/pmem2_async_test.XXXXXX";
		fd_ = mkstemp(path);
		if (fd_ < 0 || ftruncate(fd_, static_cast<off_t>(size)) != 0)
			throw std::runtime_error("temporary file");
		unlink(path);
		setenv("PMEM2_FORCE_GRANULARITY", g, 1);
		pmem2_config *cfg = nullptr;
		pmem2_source *src = nullptr;
		if (pmem2_config_new(&cfg) != 0 || pmem2_source_from_fd(&src, fd_) != 0 ||
		    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) != 0 ||
		    pmem2_config_set_vdm(cfg, vdm) != 0 || pmem2_map_new(&map_, cfg, src) != 0)
			throw std::runtime_error(std::string("map: ") + pmem2_errormsg());
		unsetenv("PMEM2_FORCE_GRANULARITY");
		pmem2_config_delete(&cfg);
		pmem2_source_delete(&src);
	}
	~ForcedMap()
	{
		if (map_ != nullptr)
			pmem2_map_delete(&map_);
		close(fd_);
	}
	ForcedMap(const ForcedMap &) = delete;
	ForcedMap &operator=(const ForcedMap &) = delete;

	pmem2_map *map() const { return map_; }
	char *base() const { return static_cast<char *>(pmem2_map_get_address(map_)); }
	void drop() { pmem2_map_delete(&map_); }

private:
	int fd_ = -1;
	pmem2_map *map_ = nullptr;
};

} // namespace async_test
