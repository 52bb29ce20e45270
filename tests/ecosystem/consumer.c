/* SPDX-License-Identifier: BSD-3-Clause */
/* consumer.c -- a plain C client of libpmem2 used by the ecosystem tests: it
 * maps a file, stores and persists a record through the returned function
 * pointers, reads it back through the source, and prints which library file
 * served pmem2_map_new. Uses only functions both PMDK generations export.
 * usage: consumer DIR; exit 0 on success, 1 on any failure. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmem2.h>

static int fail(const char *what)
{
	fprintf(stderr, "consumer: %s: %s\n", what, pmem2_errormsg());
	return 1;
}

int main(int argc, char *argv[])
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/consumer-XXXXXX", argc > 1 ? argv[1] : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 1 << 20) != 0) {
		perror("consumer: file");
		return 1;
	}
	unlink(path);

	struct pmem2_config *cfg;
	struct pmem2_source *src;
	struct pmem2_map *map;
	if (pmem2_config_new(&cfg))
		return fail("pmem2_config_new");
	if (pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE))
		return fail("set granularity");
	if (pmem2_source_from_fd(&src, fd))
		return fail("pmem2_source_from_fd");
	if (pmem2_map_new(&map, cfg, src))
		return fail("pmem2_map_new");

	static const char msg[] = "persistent hello";
	char *addr = pmem2_map_get_address(map);
	pmem2_memcpy_fn memcpy_fn = pmem2_get_memcpy_fn(map);
	pmem2_persist_fn persist = pmem2_get_persist_fn(map);
	memcpy_fn(addr + 4096, msg, sizeof(msg), PMEM2_F_MEM_NODRAIN);
	persist(addr + 4096, sizeof(msg));

	char back[sizeof(msg)];
	if (pmem2_source_pread_mcsafe(src, back, sizeof(back), 4096))
		return fail("pmem2_source_pread_mcsafe");
	if (memcmp(back, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "consumer: read back differs\n");
		return 1;
	}
	/* A bad argument must fail cleanly with a message. */
	struct pmem2_source *bad = NULL;
	if (pmem2_source_from_fd(&bad, -1) != PMEM2_E_INVALID_FILE_HANDLE) {
		fprintf(stderr, "consumer: fd -1 not rejected with PMEM2_E_INVALID_FILE_HANDLE\n");
		return 1;
	}

	Dl_info info;
	void *sym = dlsym(RTLD_DEFAULT, "pmem2_map_new");
	const char *lib = sym && dladdr(sym, &info) && info.dli_fname ? info.dli_fname : "(static)";
	printf("consumer: OK granularity=%d size=%zu library=%s\n",
	       (int)pmem2_map_get_store_granularity(map), pmem2_map_get_size(map), lib);

	pmem2_map_delete(&map);
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	close(fd);
	return 0;
}
