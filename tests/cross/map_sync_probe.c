/* SPDX-License-Identifier: BSD-3-Clause */
/* map_sync_probe.c <dir> -- does the (emulated) kernel refuse MAP_SYNC on a file in
 * <dir> that is not DAX, as Linux does (EOPNOTSUPP)? Exit 0: refused, the tests of
 * granularity detection mean something here; exit 3: granted or failed with another
 * error (qemu-user 7.2 grants it for MAP_FIXED mappings and reports EINVAL otherwise),
 * so run-cross.sh leaves out the tests that depend on it and says so. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

static int attempt(int fd, size_t len, int fixed)
{
	void *where = NULL;
	if (fixed) {
		where = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (where == MAP_FAILED)
			return -1;
	}
	void *p = mmap(where, len, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC | (fixed ? MAP_FIXED : 0),
		       fd, 0);
	int err = p == MAP_FAILED ? errno : 0;
	printf("MAP_SYNC%s on a non-DAX file: %s\n", fixed ? " | MAP_FIXED" : "", err ? strerror(err) : "granted");
	munmap(p == MAP_FAILED ? where : p, len);
	return err == EOPNOTSUPP ? 0 : 3;
}

int main(int argc, char **argv)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/pmem2-map-sync-probe.XXXXXX", argc > 1 ? argv[1] : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 1 << 20) != 0)
		return 1;
	unlink(path);
	int a = attempt(fd, 1 << 20, 0), b = attempt(fd, 1 << 20, 1);
	return a || b ? 3 : 0;
}
