// SPDX-License-Identifier: BSD-3-Clause
// ras_probe.c -- a guest-side probe written against the public libpmem2 header only,
// so the same binary runs with our library and with the reference (LD_LIBRARY_PATH).
// Prints "key=rc value" lines that the suites compare; "#" lines carry error
// messages for humans and are not compared.
//
//   ras_probe info PATH           size, alignment, usc, device id, numa node
//   ras_probe badblocks PATH      the bad-block list
//   ras_probe map PATH            SHARED map: store granularity, deep flush; PRIVATE map
//   ras_probe read PATH OFF LEN   pread_mcsafe (then prints "alive")
//   ras_probe write PATH OFF LEN  pwrite_mcsafe of a pattern, read back and compared
//   ras_probe clear PATH          clears every reported bad block, then lists again
//   ras_probe phys PATH OFF       physical byte offset of file offset OFF (FIEMAP)
#include <fcntl.h>
#include <libpmem2.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void note(const char *what, int rc)
{
	if (rc != 0)
		printf("# %s: %s\n", what, pmem2_errormsg());
}

static void info(struct pmem2_source *src)
{
	size_t v = 0;
	int rc = pmem2_source_size(src, &v);
	printf("size=%d %zu\n", rc, rc ? 0 : v);
	rc = pmem2_source_alignment(src, &v);
	printf("alignment=%d %zu\n", rc, rc ? 0 : v);
	uint64_t usc = 0;
	rc = pmem2_source_device_usc(src, &usc);
	printf("usc=%d %llu\n", rc, rc ? 0ULL : (unsigned long long)usc);
	note("usc", rc);
	size_t len = 0;
	rc = pmem2_source_device_id(src, NULL, &len);
	printf("id_len=%d %zu\n", rc, rc ? 0 : len);
	note("id", rc);
	if (rc == 0) {
		char *id = calloc(1, len);
		rc = pmem2_source_device_id(src, id, &len);
		printf("id=%d %s\n", rc, rc ? "" : id);
		if (len > 1) {
			size_t small = len - 1;
			memset(id, 0, len);
			rc = pmem2_source_device_id(src, id, &small);
			printf("id_small=%d\n", rc);
		}
		free(id);
	}
	int numa = -7;
	rc = pmem2_source_numa_node(src, &numa);
	printf("numa=%d %d\n", rc, rc ? 0 : numa);
	note("numa", rc);
}

static void badblocks(struct pmem2_source *src)
{
	struct pmem2_badblock_context *ctx = NULL;
	int rc = pmem2_badblock_context_new(&ctx, src);
	printf("bb_ctx=%d\n", rc);
	note("bb_ctx", rc);
	if (rc)
		return;
	struct pmem2_badblock bb;
	while ((rc = pmem2_badblock_next(ctx, &bb)) == 0)
		printf("bb=%zu %zu\n", bb.offset, bb.length);
	printf("bb_end=%d\n", rc);
	pmem2_badblock_context_delete(&ctx);
}

static void clear(struct pmem2_source *src)
{
	struct pmem2_badblock_context *ctx = NULL;
	int rc = pmem2_badblock_context_new(&ctx, src);
	if (rc) {
		printf("clear_ctx=%d\n", rc);
		return;
	}
	struct pmem2_badblock bb;
	while (pmem2_badblock_next(ctx, &bb) == 0) {
		rc = pmem2_badblock_clear(ctx, &bb);
		printf("clear=%d %zu %zu\n", rc, bb.offset, bb.length);
		note("clear", rc);
	}
	pmem2_badblock_context_delete(&ctx);
}

static int map_one(struct pmem2_source *src, enum pmem2_sharing_type sharing, const char *name)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_map *map = NULL;
	pmem2_config_new(&cfg);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_sharing(cfg, sharing);
	pmem2_config_set_length(cfg, 2 << 20);
	int rc = pmem2_map_new(&map, cfg, src);
	printf("%s_map=%d\n", name, rc);
	note(name, rc);
	if (rc == 0) {
		printf("%s_granularity=%d\n", name, (int)pmem2_map_get_store_granularity(map));
		char *addr = pmem2_map_get_address(map);
		pmem2_memcpy_fn cpy = pmem2_get_memcpy_fn(map);
		cpy(addr + 4096, "probe", 6, 0);
		rc = pmem2_deep_flush(map, addr + 4096, 6);
		printf("%s_deep_flush=%d\n", name, rc);
		note("deep_flush", rc);
		printf("%s_readback=%d\n", name, memcmp(addr + 4096, "probe", 6) == 0);
		pmem2_map_delete(&map);
	}
	pmem2_config_delete(&cfg);
	return rc;
}

static int phys(int fd, unsigned long long off)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent ext[64];
	} q;
	memset(&q, 0, sizeof(q));
	q.fm.fm_start = 0;
	q.fm.fm_length = ~0ULL;
	q.fm.fm_flags = FIEMAP_FLAG_SYNC;
	q.fm.fm_extent_count = 64;
	if (ioctl(fd, FS_IOC_FIEMAP, &q.fm) != 0) {
		perror("FIEMAP");
		return 1;
	}
	for (unsigned i = 0; i < q.fm.fm_mapped_extents; i++) {
		struct fiemap_extent *e = &q.ext[i];
		if (off >= e->fe_logical && off < e->fe_logical + e->fe_length) {
			printf("%llu\n", (unsigned long long)(e->fe_physical + off - e->fe_logical));
			return 0;
		}
	}
	fprintf(stderr, "offset %llu is not allocated\n", off);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ras_probe info|badblocks|map|read|write|clear|phys PATH [OFF LEN]\n");
		return 2;
	}
	const char *cmd = argv[1];
	int fd = open(argv[2], O_RDWR);
	if (fd < 0) {
		perror(argv[2]);
		return 2;
	}
	if (strcmp(cmd, "phys") == 0)
		return phys(fd, strtoull(argv[3], NULL, 0));
	struct pmem2_source *src = NULL;
	int rc = pmem2_source_from_fd(&src, fd);
	if (rc) {
		printf("source=%d\n", rc);
		note("source", rc);
		return 1;
	}
	if (strcmp(cmd, "info") == 0) {
		info(src);
	} else if (strcmp(cmd, "badblocks") == 0) {
		badblocks(src);
	} else if (strcmp(cmd, "clear") == 0) {
		clear(src);
		badblocks(src);
	} else if (strcmp(cmd, "map") == 0) {
		map_one(src, PMEM2_SHARED, "shared");
		map_one(src, PMEM2_PRIVATE, "private");
	} else if (strcmp(cmd, "read") == 0 || strcmp(cmd, "write") == 0) {
		size_t off = strtoull(argv[3], NULL, 0), len = strtoull(argv[4], NULL, 0);
		char *buf = malloc(len), *back = malloc(len);
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(i * 7 + 1);
		if (cmd[0] == 'w') {
			rc = pmem2_source_pwrite_mcsafe(src, buf, len, off);
			printf("pwrite_mcsafe=%d\n", rc);
			note("pwrite", rc);
			if (rc == 0) {
				rc = pmem2_source_pread_mcsafe(src, back, len, off);
				printf("readback=%d %d\n", rc, memcmp(buf, back, len) == 0);
			}
		} else {
			rc = pmem2_source_pread_mcsafe(src, buf, len, off);
			printf("pread_mcsafe=%d\n", rc);
			note("pread", rc);
		}
		printf("alive=1\n");
		free(buf);
		free(back);
	}
	pmem2_source_delete(&src);
	close(fd);
	return 0;
}
