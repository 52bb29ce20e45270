/* SPDX-License-Identifier: BSD-3-Clause */
/* lifecycle.c -- every kind of object of both libraries made, used and deleted
 * once; run under valgrind memcheck by check.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpmem2.h>
#include <libpmemset.h>

#define CHECK(x) do { if ((x) != 0) { fprintf(stderr, "%s failed\n", #x); return 1; } } while (0)

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/pmem2-valgrind";
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 4 << 20) != 0)
		return 1;
	struct pmem2_source *src;
	struct pmem2_config *cfg;
	struct pmem2_map *map;
	struct pmem2_vm_reservation *rsv;
	CHECK(pmem2_source_from_fd(&src, fd));
	CHECK(pmem2_config_new(&cfg));
	CHECK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	CHECK(pmem2_map_new(&map, cfg, src));
	pmem2_get_memcpy_fn(map)(pmem2_map_get_address(map), "x", 1, 0);
	CHECK(pmem2_map_delete(&map));
	CHECK(pmem2_vm_reservation_new(&rsv, NULL, 8 << 20));
	CHECK(pmem2_config_set_vm_reservation(cfg, rsv, 0));
	CHECK(pmem2_map_new(&map, cfg, src));
	CHECK(pmem2_map_delete(&map));
	CHECK(pmem2_vm_reservation_delete(&rsv));
	if (pmem2_map_new(&map, cfg, NULL) == 0) /* an error path and its message */
		return 1;

	struct pmemset_config *scfg;
	struct pmemset *set;
	struct pmemset_source *ssrc;
	struct pmemset_part *part;
	struct pmemset_part_descriptor desc;
	CHECK(pmemset_config_new(&scfg));
	CHECK(pmemset_config_set_required_store_granularity(scfg, PMEM2_GRANULARITY_PAGE));
	CHECK(pmemset_new(&set, scfg));
	CHECK(pmemset_source_from_pmem2(&ssrc, src));
	CHECK(pmemset_part_new(&part, set, ssrc, 0, 1 << 20));
	CHECK(pmemset_part_map(&part, NULL, &desc));
	CHECK(pmemset_persist(set, desc.addr, 64));
	CHECK(pmemset_delete(&set));
	CHECK(pmemset_source_delete(&ssrc));
	CHECK(pmemset_config_delete(&scfg));

	CHECK(pmem2_config_delete(&cfg));
	CHECK(pmem2_source_delete(&src));
	close(fd);
	unlink(path);
	puts("lifecycle done");
	return 0;
}
