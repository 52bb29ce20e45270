/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * async_bench.c -- pmem2_memcpy_async throughput, as a PMDK 1.x program sees it:
 * compiled against the reference <libpmem2.h> and miniasync, run once per library
 * (LD_LIBRARY_PATH chooses it; each library in its own process). A 64 MiB tmpfs
 * file is mapped at the forced granularity; for each size, futures are created and
 * busy-polled one after another over rotating destinations, and the median of
 * several rounds is printed as "size ns_per_copy GiB/s".
 *
 * usage: async_bench default|threads DIR [ROUNDS]
 */
#define _GNU_SOURCE
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>
#include <libminiasync.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAP_SIZE (64u << 20)

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int rounds = argc > 3 ? atoi(argv[3]) : 7;
	struct vdm *v = NULL;
	struct data_mover_threads *dmt = NULL;
	if (strcmp(argv[1], "threads") == 0) {
		dmt = data_mover_threads_default();
		v = dmt ? data_mover_threads_get_vdm(dmt) : NULL;
		if (v == NULL)
			return 1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/async_bench.XXXXXX", argv[2]);
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, MAP_SIZE) != 0)
		return 1;
	unlink(path);
	struct pmem2_config *cfg;
	struct pmem2_source *src;
	struct pmem2_map *map;
	if (pmem2_config_new(&cfg) || pmem2_source_from_fd(&src, fd) ||
	    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) ||
	    (v && pmem2_config_set_vdm(cfg, v)) || pmem2_map_new(&map, cfg, src)) {
		fprintf(stderr, "map: %s\n", pmem2_errormsg());
		return 1;
	}
	char *base = pmem2_map_get_address(map);
	char *buf = malloc(16u << 20);
	if (buf == NULL)
		return 1;
	memset(buf, 'b', 16u << 20);
	memset(base, 0, MAP_SIZE);
	printf("# granularity %d mover %s\n", pmem2_map_get_store_granularity(map), argv[1]);
	double *samples = calloc((size_t)rounds, sizeof(double));
	for (size_t size = 4096; size <= (16u << 20); size *= 4) {
		size_t iters = (256u << 20) / size;
		if (iters < 16)
			iters = 16;
		if (iters > 20000)
			iters = 20000;
		for (int r = 0; r < rounds; r++) {
			double t0 = now_ns();
			size_t off = 0;
			for (size_t i = 0; i < iters; i++) {
				if (off + size > MAP_SIZE)
					off = 0;
				struct pmem2_future f = pmem2_memcpy_async(map, base + off, buf, size, 0);
				FUTURE_BUSY_POLL(&f);
				off += size;
			}
			samples[r] = (now_ns() - t0) / (double)iters;
		}
		qsort(samples, (size_t)rounds, sizeof(double), cmp_double);
		double med = samples[rounds / 2];
		printf("%zu %.0f %.2f\n", size, med, (double)size / med * 1e9 / (double)(1u << 30));
	}
	pmem2_map_delete(&map);
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	if (dmt)
		data_mover_threads_delete(dmt);
	free(buf);
	free(samples);
	close(fd);
	return 0;
}
