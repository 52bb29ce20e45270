/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capi_whole_api.c -- a plain C99 client of libpmem2 that calls every exported
 * function, on success and on the documented error paths, and asserts the
 * results. Built as C against our <libpmem2.h> and linked with our library.
 * usage: capi_whole_api <case> <dir>   (dir: where temporary files are made)
 *        capi_whole_api --list
 */
#define _GNU_SOURCE
#include <libpmem2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *Dir;
static long Page;
#define MiB ((size_t)1 << 20)

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s (last pmem2 message: %s)\n", \
			__FILE__, __LINE__, #cond, pmem2_errormsg()); \
		exit(1); \
	} \
} while (0)

/* Calls a pmem2 function returning int and requires the exact code. */
#define EXPECT(call, code) do { \
	int ret_ = (call); \
	if (ret_ != (code)) { \
		fprintf(stderr, "%s:%d: %s returned %d, expected %s (%d); message: %s\n", \
			__FILE__, __LINE__, #call, ret_, #code, (int)(code), pmem2_errormsg()); \
		exit(1); \
	} \
} while (0)
#define OK(call) EXPECT(call, 0)

/* Requires a failure, any negative code, with a message (NULL arguments);
 * counts violations in Failures so that one run lists all of them. */
static int Failures;
#define FAILS(call) do { \
	int ret_ = (call); \
	if (ret_ >= 0) { \
		fprintf(stderr, "%s:%d: %s returned %d, expected a negative code\n", \
			__FILE__, __LINE__, #call, ret_); \
		Failures++; \
	} else if (pmem2_errormsg()[0] == '\0') { \
		fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__, #call); \
		Failures++; \
	} \
} while (0)

struct file {
	char path[4096];
	int fd;
};

/* A new file of size bytes in Dir, filled with byte fill, opened with flags. */
static struct file
make_file(size_t size, int fill, int flags)
{
	struct file f;
	snprintf(f.path, sizeof(f.path), "%s/pmem2-capi-XXXXXX", Dir);
	int fd = mkstemp(f.path);
	CHECK(fd >= 0);
	if (size) {
		char *buf = malloc(size);
		CHECK(buf != NULL);
		memset(buf, fill, size);
		CHECK(pwrite(fd, buf, size, 0) == (ssize_t)size);
		free(buf);
	}
	close(fd);
	f.fd = open(f.path, flags);
	CHECK(f.fd >= 0);
	return f;
}

static void
drop_file(struct file *f)
{
	close(f->fd);
	unlink(f->path);
}

/* Maps the whole source with the given required granularity and sharing. */
static struct pmem2_map *
map_whole(struct pmem2_source *src, enum pmem2_granularity g, enum pmem2_sharing_type sharing)
{
	struct pmem2_config *cfg;
	struct pmem2_map *map = NULL;
	OK(pmem2_config_new(&cfg));
	OK(pmem2_config_set_required_store_granularity(cfg, g));
	OK(pmem2_config_set_sharing(cfg, sharing));
	OK(pmem2_map_new(&map, cfg, src));
	CHECK(map != NULL);
	OK(pmem2_config_delete(&cfg));
	CHECK(cfg == NULL);
	return map;
}

static void
read_back(int fd, void *buf, size_t len, size_t off)
{
	CHECK(pread(fd, buf, len, (off_t)off) == (ssize_t)len);
}

/* ---- errors ---- */

static void
case_errors(void)
{
	CHECK(pmem2_errormsg() != NULL);
	CHECK(pmem2_err_to_errno(PMEM2_E_NOSUPP) == ENOTSUP);
	CHECK(pmem2_err_to_errno(PMEM2_E_INVALID_FILE_HANDLE) == EINVAL);
	CHECK(pmem2_err_to_errno(PMEM2_E_IO_FAIL) == EINVAL);
	CHECK(pmem2_err_to_errno(-ENOENT) == ENOENT);
	CHECK(pmem2_err_to_errno(-ENOMEM) == ENOMEM);

	/* A failure leaves a message; pmem2_perror prints "<formatted>: <message>\n". */
	struct pmem2_source *src;
	EXPECT(pmem2_source_from_fd(&src, -1), PMEM2_E_INVALID_FILE_HANDLE);
	struct pmem2_config *cfg;
	OK(pmem2_config_new(&cfg));
	EXPECT(pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)7), PMEM2_E_INVALID_SHARING_VALUE);
	char msg[8192];
	snprintf(msg, sizeof(msg), "%s", pmem2_errormsg());
	CHECK(msg[0] != '\0');

	struct file out = make_file(0, 0, O_RDWR);
	fflush(stderr);
	int saved = dup(2);
	CHECK(saved >= 0 && dup2(out.fd, 2) == 2);
	pmem2_perror("prefix %d %s", 42, "x");
	fflush(stderr);
	CHECK(dup2(saved, 2) == 2);
	close(saved);
	char expected[8300], got[8300] = "";
	snprintf(expected, sizeof(expected), "prefix 42 x: %s\n", msg);
	ssize_t n = pread(out.fd, got, sizeof(got) - 1, 0);
	CHECK(n >= 0);
	got[n] = '\0';
	if (strcmp(got, expected) != 0) {
		fprintf(stderr, "perror wrote '%s', expected '%s'\n", got, expected);
		exit(1);
	}
	drop_file(&out);
	OK(pmem2_config_delete(&cfg));
}

/* ---- sources ---- */

static void
case_source_fd(void)
{
	struct pmem2_source *src = (struct pmem2_source *)&src;
	EXPECT(pmem2_source_from_fd(&src, -1), PMEM2_E_INVALID_FILE_HANDLE);
	CHECK(src == NULL);

	struct file wo = make_file(4096, 0, O_WRONLY);
	EXPECT(pmem2_source_from_fd(&src, wo.fd), PMEM2_E_INVALID_FILE_HANDLE);
	drop_file(&wo);

	int dfd = open(Dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	EXPECT(pmem2_source_from_fd(&src, dfd), PMEM2_E_INVALID_FILE_TYPE);
	close(dfd);

	int closed = dup(0);
	close(closed);
	EXPECT(pmem2_source_from_fd(&src, closed), PMEM2_E_INVALID_FILE_HANDLE);

	struct file f = make_file(5000, 'a', O_RDWR);
	OK(pmem2_source_from_fd(&src, f.fd));
	int fd = -1;
	OK(pmem2_source_get_fd(src, &fd));
	CHECK(fd == f.fd);
	size_t size = 0, align = 0;
	OK(pmem2_source_size(src, &size));
	CHECK(size == 5000);
	CHECK(ftruncate(f.fd, 3 * 4096) == 0); /* size is read afresh each time */
	OK(pmem2_source_size(src, &size));
	CHECK(size == 3 * 4096);
	OK(pmem2_source_alignment(src, &align));
	CHECK(align == (size_t)Page);
	OK(pmem2_source_delete(&src));
	CHECK(src == NULL);
	OK(pmem2_source_delete(&src)); /* deleting NULL is fine */
	/* The library never closes the fd. */
	CHECK(fcntl(f.fd, F_GETFD) >= 0);

	struct file ro = make_file(4096, 0, O_RDONLY);
	OK(pmem2_source_from_fd(&src, ro.fd));
	OK(pmem2_source_delete(&src));
	drop_file(&ro);
	drop_file(&f);
}

static void
case_source_anon(void)
{
	struct pmem2_source *src;
	OK(pmem2_source_from_anon(&src, 3 * MiB));
	size_t size = 0, align = 0;
	OK(pmem2_source_size(src, &size));
	CHECK(size == 3 * MiB);
	OK(pmem2_source_alignment(src, &align));
	CHECK(align == (size_t)Page);
	int fd = 12345;
	EXPECT(pmem2_source_get_fd(src, &fd), PMEM2_E_FILE_DESCRIPTOR_NOT_SET);

	struct pmem2_map *map = map_whole(src, PMEM2_GRANULARITY_PAGE, PMEM2_SHARED);
	CHECK(pmem2_map_get_store_granularity(map) == PMEM2_GRANULARITY_BYTE);
	CHECK(pmem2_map_get_size(map) == 3 * MiB);
	unsigned char *p = pmem2_map_get_address(map);
	CHECK(p[0] == 0 && p[3 * MiB - 1] == 0);
	pmem2_get_memset_fn(map)(p, 0x5a, 3 * MiB, 0);
	CHECK(p[MiB] == 0x5a);
	EXPECT(pmem2_deep_flush(map, p, 64), PMEM2_E_NOSUPP);
	OK(pmem2_map_delete(&map));
	OK(pmem2_source_delete(&src));
}

/* ---- configuration ---- */

static void
case_config(void)
{
	struct pmem2_config *cfg = NULL;
	OK(pmem2_config_new(&cfg));
	CHECK(cfg != NULL);
	OK(pmem2_config_set_offset(cfg, 0));
	OK(pmem2_config_set_offset(cfg, (size_t)INT64_MAX));
	EXPECT(pmem2_config_set_offset(cfg, (size_t)INT64_MAX + 1), PMEM2_E_OFFSET_OUT_OF_RANGE);
	OK(pmem2_config_set_length(cfg, 0));
	OK(pmem2_config_set_length(cfg, SIZE_MAX));
	OK(pmem2_config_set_sharing(cfg, PMEM2_SHARED));
	OK(pmem2_config_set_sharing(cfg, PMEM2_PRIVATE));
	EXPECT(pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)2), PMEM2_E_INVALID_SHARING_VALUE);
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_BYTE));
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_CACHE_LINE));
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	EXPECT(pmem2_config_set_required_store_granularity(cfg, (enum pmem2_granularity)3),
		PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	OK(pmem2_config_set_protection(cfg, PMEM2_PROT_NONE));
	OK(pmem2_config_set_protection(cfg, PMEM2_PROT_READ));
	OK(pmem2_config_set_protection(cfg, PMEM2_PROT_READ | PMEM2_PROT_WRITE | PMEM2_PROT_EXEC));
	EXPECT(pmem2_config_set_protection(cfg, PMEM2_PROT_READ | 1U), PMEM2_E_INVALID_PROT_FLAG);
	OK(pmem2_config_set_vm_reservation(cfg, NULL, 0));
	OK(pmem2_config_delete(&cfg));
	CHECK(cfg == NULL);
	OK(pmem2_config_delete(&cfg));
}

/* ---- mapping: validation order and error codes ---- */

static void
expect_map_error(struct pmem2_config *cfg, struct pmem2_source *src, int code, int line)
{
	struct pmem2_map *map = (struct pmem2_map *)&map;
	int ret = pmem2_map_new(&map, cfg, src);
	if (ret != code) {
		fprintf(stderr, "line %d: pmem2_map_new returned %d, expected %d; message: %s\n",
			line, ret, code, pmem2_errormsg());
		exit(1);
	}
	CHECK(map == NULL);
	CHECK(pmem2_errormsg()[0] != '\0');
}

static void
case_map_errors(void)
{
	struct file f = make_file(4 * (size_t)Page, 'x', O_RDWR);
	struct pmem2_source *src;
	OK(pmem2_source_from_fd(&src, f.fd));
	struct pmem2_config *cfg;
	OK(pmem2_config_new(&cfg));

	expect_map_error(cfg, src, PMEM2_E_GRANULARITY_NOT_SET, __LINE__);
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	OK(pmem2_config_set_offset(cfg, 100));
	expect_map_error(cfg, src, PMEM2_E_OFFSET_UNALIGNED, __LINE__);
	OK(pmem2_config_set_offset(cfg, (size_t)Page));
	OK(pmem2_config_set_length(cfg, 100));
	expect_map_error(cfg, src, PMEM2_E_LENGTH_UNALIGNED, __LINE__);
	OK(pmem2_config_set_length(cfg, 4 * (size_t)Page));
	expect_map_error(cfg, src, PMEM2_E_MAP_RANGE, __LINE__);
	OK(pmem2_config_set_offset(cfg, 8 * (size_t)Page));
	OK(pmem2_config_set_length(cfg, 0));
	expect_map_error(cfg, src, PMEM2_E_MAP_RANGE, __LINE__);
	OK(pmem2_config_set_offset(cfg, 0));

	/* A non-pmem file cannot give CACHE_LINE or BYTE (unless forced). */
	unsetenv("PMEM2_FORCE_GRANULARITY");
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_CACHE_LINE));
	expect_map_error(cfg, src, PMEM2_E_GRANULARITY_NOT_SUPPORTED, __LINE__);
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_BYTE));
	expect_map_error(cfg, src, PMEM2_E_GRANULARITY_NOT_SUPPORTED, __LINE__);
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	OK(pmem2_source_delete(&src));

	struct file empty = make_file(0, 0, O_RDWR);
	OK(pmem2_source_from_fd(&src, empty.fd));
	expect_map_error(cfg, src, PMEM2_E_SOURCE_EMPTY, __LINE__);
	OK(pmem2_source_delete(&src));
	drop_file(&empty);

	/* Read-only fd with the default read/write protection. */
	struct file ro = make_file(4 * (size_t)Page, 'r', O_RDONLY);
	OK(pmem2_source_from_fd(&src, ro.fd));
	expect_map_error(cfg, src, PMEM2_E_NO_ACCESS, __LINE__);
	/* ... but a read-only mapping of it works. */
	OK(pmem2_config_set_protection(cfg, PMEM2_PROT_READ));
	struct pmem2_map *map;
	OK(pmem2_map_new(&map, cfg, src));
	CHECK(((char *)pmem2_map_get_address(map))[Page] == 'r');
	OK(pmem2_map_delete(&map));
	OK(pmem2_source_delete(&src));
	drop_file(&ro);

	OK(pmem2_config_delete(&cfg));
	drop_file(&f);
}

/* ---- mapping a file and the data path on it ---- */

static void
exercise_data_path(struct pmem2_map *map, struct file *f)
{
	unsigned char *p = pmem2_map_get_address(map);
	size_t size = pmem2_map_get_size(map);
	pmem2_persist_fn persist = pmem2_get_persist_fn(map);
	pmem2_flush_fn flush = pmem2_get_flush_fn(map);
	pmem2_drain_fn drain = pmem2_get_drain_fn(map);
	pmem2_memcpy_fn mcpy = pmem2_get_memcpy_fn(map);
	pmem2_memmove_fn mmov = pmem2_get_memmove_fn(map);
	pmem2_memset_fn mset = pmem2_get_memset_fn(map);
	CHECK(persist && flush && drain && mcpy && mmov && mset);
	CHECK(size >= 64 * 1024);

	static const unsigned flags[] = {
		0, PMEM2_F_MEM_NODRAIN, PMEM2_F_MEM_NONTEMPORAL, PMEM2_F_MEM_TEMPORAL,
		PMEM2_F_MEM_WC, PMEM2_F_MEM_WB, PMEM2_F_MEM_NOFLUSH,
		PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN, PMEM2_F_MEM_WB | PMEM2_F_MEM_NODRAIN,
		PMEM2_F_MEM_VALID_FLAGS,
	};
	static const size_t lens[] = { 0, 1, 7, 8, 63, 64, 65, 255, 256, 4095, 4097, 20000 };
	unsigned char src[20000 + 64], expect[20000 + 64];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 31 + 7);
	size_t off = 13;
	for (size_t fi = 0; fi < sizeof(flags) / sizeof(flags[0]); fi++) {
		for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			size_t len = lens[li];
			memset(p + off, 0xee, len + 2);
			CHECK(mcpy(p + off + 1, src + li, len, flags[fi]) == p + off + 1);
			CHECK(memcmp(p + off + 1, src + li, len) == 0);
			CHECK(p[off] == 0xee && p[off + len + 1] == 0xee);
			CHECK(mset(p + off + 1, (int)(fi + 1), len, flags[fi]) == p + off + 1);
			for (size_t k = 0; k < len; k++)
				CHECK(p[off + 1 + k] == (unsigned char)(fi + 1));
			CHECK(p[off] == 0xee && p[off + len + 1] == 0xee);
			/* memmove with overlap, both directions */
			mcpy(p + off, src, len + 16, flags[fi]);
			memcpy(expect, src, len + 16);
			memmove(expect + 5, expect, len);
			CHECK(mmov(p + off + 5, p + off, len, flags[fi]) == p + off + 5);
			CHECK(memcmp(p + off, expect, len + 16) == 0);
			memcpy(expect, src, len + 16);
			mcpy(p + off, src, len + 16, flags[fi]);
			memmove(expect, expect + 9, len);
			CHECK(mmov(p + off, p + off + 9, len, flags[fi]) == p + off);
			CHECK(memcmp(p + off, expect, len + 16) == 0);
			if (flags[fi] & (PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NOFLUSH))
				drain();
			off = (off + len + 4096 + 17) % (size - 2 * sizeof(src));
		}
	}

	/* Plain stores made durable with persist, flush+drain; then compare with the file. */
	memcpy(p, src, 1000);
	persist(p, 1000);
	memcpy(p + size - 500, src, 500);
	flush(p + size - 500, 500);
	drain();
	persist(p, 0);
	flush(p, 0);
	OK(pmem2_deep_flush(map, p, size));
	OK(pmem2_deep_flush(map, p + 1, 0));
	EXPECT(pmem2_deep_flush(map, p, size + 1), PMEM2_E_DEEP_FLUSH_RANGE);
	EXPECT(pmem2_deep_flush(map, p - 1, 1), PMEM2_E_DEEP_FLUSH_RANGE);

	if (f) {
		unsigned char back[1000];
		read_back(f->fd, back, 1000, 0);
		CHECK(memcmp(back, src, 1000) == 0);
		read_back(f->fd, back, 500, size - 500);
		CHECK(memcmp(back, src, 500) == 0);
	}
}

static void
case_map_file(void)
{
	unsetenv("PMEM2_FORCE_GRANULARITY");
	struct file f = make_file(MiB + 5000, 0, O_RDWR);
	struct pmem2_source *src;
	OK(pmem2_source_from_fd(&src, f.fd));
	struct pmem2_map *map = map_whole(src, PMEM2_GRANULARITY_PAGE, PMEM2_SHARED);
	/* Length 0 maps to the end, unrounded; placement is 2 MiB aligned. */
	CHECK(pmem2_map_get_size(map) == MiB + 5000);
	CHECK(((uintptr_t)pmem2_map_get_address(map) & (2 * MiB - 1)) == 0);
	/* /tmp (ext4 without DAX) and /dev/shm (tmpfs) refuse MAP_SYNC: PAGE. */
	CHECK(pmem2_map_get_store_granularity(map) == PMEM2_GRANULARITY_PAGE);
	/* The map outlives its source object and fd-less config. */
	OK(pmem2_source_delete(&src));
	exercise_data_path(map, &f);
	OK(pmem2_map_delete(&map));
	CHECK(map == NULL);

	/* A window: offset and length, both page multiples. */
	OK(pmem2_source_from_fd(&src, f.fd));
	struct pmem2_config *cfg;
	OK(pmem2_config_new(&cfg));
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	OK(pmem2_config_set_offset(cfg, 2 * (size_t)Page));
	OK(pmem2_config_set_length(cfg, 4 * (size_t)Page));
	OK(pmem2_map_new(&map, cfg, src));
	CHECK(pmem2_map_get_size(map) == 4 * (size_t)Page);
	char *w = pmem2_map_get_address(map);
	pmem2_get_memcpy_fn(map)(w, "window", 7, 0);
	char back[7];
	read_back(f.fd, back, 7, 2 * (size_t)Page);
	CHECK(memcmp(back, "window", 7) == 0);
	OK(pmem2_map_delete(&map));
	OK(pmem2_config_delete(&cfg));
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

static void
case_force_granularity(void)
{
	static const struct { const char *value; enum pmem2_granularity g; } forced[] = {
		{ "BYTE", PMEM2_GRANULARITY_BYTE }, { "CACHE_LINE", PMEM2_GRANULARITY_CACHE_LINE },
		{ "cacheline", PMEM2_GRANULARITY_CACHE_LINE }, { "PAGE", PMEM2_GRANULARITY_PAGE },
	};
	struct file f = make_file(256 * 1024, 0, O_RDWR);
	struct pmem2_source *src;
	OK(pmem2_source_from_fd(&src, f.fd));
	for (size_t i = 0; i < sizeof(forced) / sizeof(forced[0]); i++) {
		CHECK(setenv("PMEM2_FORCE_GRANULARITY", forced[i].value, 1) == 0);
		/* Required PAGE is satisfied by any finer effective granularity. */
		struct pmem2_map *map = map_whole(src, PMEM2_GRANULARITY_PAGE, PMEM2_SHARED);
		CHECK(pmem2_map_get_store_granularity(map) == forced[i].g);
		exercise_data_path(map, &f);
		OK(pmem2_map_delete(&map));
		/* Requiring exactly the forced granularity works too. */
		map = map_whole(src, forced[i].g, PMEM2_SHARED);
		CHECK(pmem2_map_get_store_granularity(map) == forced[i].g);
		OK(pmem2_map_delete(&map));
	}
	/* Anything else means auto-detection again. */
	CHECK(setenv("PMEM2_FORCE_GRANULARITY", "bogus", 1) == 0);
	struct pmem2_map *map = map_whole(src, PMEM2_GRANULARITY_PAGE, PMEM2_SHARED);
	CHECK(pmem2_map_get_store_granularity(map) == PMEM2_GRANULARITY_PAGE);
	OK(pmem2_map_delete(&map));
	unsetenv("PMEM2_FORCE_GRANULARITY");
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

static void
case_map_private(void)
{
	struct file f = make_file(256 * 1024, 'o', O_RDWR);
	struct pmem2_source *src;
	OK(pmem2_source_from_fd(&src, f.fd));
	struct pmem2_map *map = map_whole(src, PMEM2_GRANULARITY_BYTE, PMEM2_PRIVATE);
	CHECK(pmem2_map_get_store_granularity(map) == PMEM2_GRANULARITY_BYTE);
	char *p = pmem2_map_get_address(map);
	CHECK(p[100] == 'o');
	pmem2_get_memset_fn(map)(p, 'n', 4096, 0);
	pmem2_get_persist_fn(map)(p, 4096);
	CHECK(p[100] == 'n');
	char c;
	read_back(f.fd, &c, 1, 100);
	CHECK(c == 'o'); /* private: the file is untouched */
	OK(pmem2_map_delete(&map));
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

static void
case_map_from_existing(void)
{
	struct file f = make_file(64 * 1024, 'e', O_RDWR);
	struct pmem2_source *src;
	OK(pmem2_source_from_fd(&src, f.fd));
	char *addr = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd, 0);
	CHECK(addr != MAP_FAILED);

	struct pmem2_map *map = NULL, *other = (struct pmem2_map *)&other;
	OK(pmem2_map_from_existing(&map, src, addr, 64 * 1024, PMEM2_GRANULARITY_PAGE));
	CHECK(pmem2_map_get_address(map) == addr);
	CHECK(pmem2_map_get_size(map) == 64 * 1024);
	CHECK(pmem2_map_get_store_granularity(map) == PMEM2_GRANULARITY_PAGE);
	/* PAGE persist on a from_existing map must terminate (a reference DEFECT loops). */
	pmem2_get_memcpy_fn(map)(addr + 10, "existing", 8, 0);
	pmem2_get_persist_fn(map)(addr, 64 * 1024);
	char back[8];
	read_back(f.fd, back, 8, 10);
	CHECK(memcmp(back, "existing", 8) == 0);
	/* Overlapping registration. */
	EXPECT(pmem2_map_from_existing(&other, src, addr + 4096, 4096, PMEM2_GRANULARITY_PAGE),
		PMEM2_E_MAP_EXISTS);
	/* Deleting does not unmap what the caller mapped. */
	OK(pmem2_map_delete(&map));
	CHECK(map == NULL);
	CHECK(addr[10] == 'e' + 0 || addr[10] == 'e'); /* still readable */
	CHECK(munmap(addr, 64 * 1024) == 0);
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

/* ---- virtual memory reservations ---- */

static void
case_vm_reservation(void)
{
	struct pmem2_vm_reservation *rsv = (struct pmem2_vm_reservation *)&rsv;
	EXPECT(pmem2_vm_reservation_new(&rsv, NULL, 4 * MiB + 1), PMEM2_E_LENGTH_UNALIGNED);
	CHECK(rsv == NULL);
	EXPECT(pmem2_vm_reservation_new(&rsv, (void *)(uintptr_t)(Page + 1), 4 * MiB),
		PMEM2_E_ADDRESS_UNALIGNED);

	OK(pmem2_vm_reservation_new(&rsv, NULL, 4 * MiB));
	char *base = pmem2_vm_reservation_get_address(rsv);
	CHECK(base != NULL);
	CHECK(pmem2_vm_reservation_get_size(rsv) == 4 * MiB);

	struct file a = make_file(64 * 1024, 'a', O_RDWR), b = make_file(128 * 1024, 'b', O_RDWR);
	struct pmem2_source *sa, *sb;
	OK(pmem2_source_from_fd(&sa, a.fd));
	OK(pmem2_source_from_fd(&sb, b.fd));
	struct pmem2_config *cfg;
	OK(pmem2_config_new(&cfg));
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));

	struct pmem2_map *ma, *mb, *found, *tmp;
	OK(pmem2_config_set_vm_reservation(cfg, rsv, 0));
	OK(pmem2_map_new(&ma, cfg, sa));
	CHECK(pmem2_map_get_address(ma) == base);
	OK(pmem2_config_set_vm_reservation(cfg, rsv, MiB));
	OK(pmem2_map_new(&mb, cfg, sb));
	CHECK(pmem2_map_get_address(mb) == base + MiB);
	CHECK(base[0] == 'a' && base[MiB + 128 * 1024 - 1] == 'b');

	/* Placement errors. */
	OK(pmem2_config_set_vm_reservation(cfg, rsv, 100));
	expect_map_error(cfg, sa, PMEM2_E_OFFSET_UNALIGNED, __LINE__);
	OK(pmem2_config_set_vm_reservation(cfg, rsv, MiB + 64 * 1024));
	expect_map_error(cfg, sa, PMEM2_E_MAPPING_EXISTS, __LINE__);
	/* 128 KiB from 64 KiB before the end: page-aligned for 4 and 64 KiB pages. */
	OK(pmem2_config_set_vm_reservation(cfg, rsv, 4 * MiB - 64 * 1024));
	expect_map_error(cfg, sb, PMEM2_E_LENGTH_OUT_OF_RANGE, __LINE__);

	/* Lookups. */
	OK(pmem2_vm_reservation_map_find(rsv, 0, 0, &found));
	CHECK(found == ma);
	OK(pmem2_vm_reservation_map_find(rsv, MiB + 5, 0, &found));
	CHECK(found == mb);
	OK(pmem2_vm_reservation_map_find(rsv, 4096, 2 * MiB, &found)); /* inside ma (64 KiB) */
	CHECK(found == ma);
	OK(pmem2_vm_reservation_map_find(rsv, 512 * 1024, 2 * MiB, &found));
	CHECK(found == mb);
	EXPECT(pmem2_vm_reservation_map_find(rsv, 2 * MiB, (size_t)Page, &found), PMEM2_E_MAPPING_NOT_FOUND);
	CHECK(found == NULL);
	OK(pmem2_vm_reservation_map_find_first(rsv, &found));
	CHECK(found == ma);
	OK(pmem2_vm_reservation_map_find_last(rsv, &found));
	CHECK(found == mb);
	OK(pmem2_vm_reservation_map_find_next(rsv, ma, &found));
	CHECK(found == mb);
	OK(pmem2_vm_reservation_map_find_prev(rsv, mb, &found));
	CHECK(found == ma);
	tmp = ma;
	EXPECT(pmem2_vm_reservation_map_find_prev(rsv, ma, &tmp), PMEM2_E_MAPPING_NOT_FOUND);
	CHECK(tmp == NULL);
	tmp = mb;
	EXPECT(pmem2_vm_reservation_map_find_next(rsv, mb, &tmp), PMEM2_E_MAPPING_NOT_FOUND);
	CHECK(tmp == NULL);

	/* Resizing. */
	EXPECT(pmem2_vm_reservation_extend(rsv, 100), PMEM2_E_LENGTH_UNALIGNED);
	OK(pmem2_vm_reservation_extend(rsv, 2 * MiB));
	CHECK(pmem2_vm_reservation_get_size(rsv) == 6 * MiB);
	CHECK(pmem2_vm_reservation_get_address(rsv) == base);
	EXPECT(pmem2_vm_reservation_shrink(rsv, 100, (size_t)Page), PMEM2_E_OFFSET_UNALIGNED);
	EXPECT(pmem2_vm_reservation_shrink(rsv, (size_t)Page, 100), PMEM2_E_LENGTH_UNALIGNED);
	EXPECT(pmem2_vm_reservation_shrink(rsv, 2 * MiB, 2 * MiB), PMEM2_E_NOSUPP);
	EXPECT(pmem2_vm_reservation_shrink(rsv, 0, 6 * MiB), PMEM2_E_NOSUPP);
	EXPECT(pmem2_vm_reservation_shrink(rsv, 0, (size_t)Page), PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	EXPECT(pmem2_vm_reservation_shrink(rsv, 4 * MiB, 4 * MiB), PMEM2_E_LENGTH_OUT_OF_RANGE);
	OK(pmem2_vm_reservation_shrink(rsv, 4 * MiB, 2 * MiB));
	CHECK(pmem2_vm_reservation_get_size(rsv) == 4 * MiB);

	/* A reservation with maps cannot go; a deleted map leaves its range reserved. */
	EXPECT(pmem2_vm_reservation_delete(&rsv), PMEM2_E_VM_RESERVATION_NOT_EMPTY);
	CHECK(rsv != NULL);
	OK(pmem2_map_delete(&ma));
	OK(pmem2_map_delete(&mb));
	EXPECT(pmem2_vm_reservation_map_find_first(rsv, &found), PMEM2_E_MAPPING_NOT_FOUND);
	OK(pmem2_vm_reservation_delete(&rsv));
	CHECK(rsv == NULL);

	/* A reservation at a fixed, free address. */
	OK(pmem2_vm_reservation_new(&rsv, base, 2 * MiB));
	CHECK(pmem2_vm_reservation_get_address(rsv) == base);
	struct pmem2_vm_reservation *clash;
	EXPECT(pmem2_vm_reservation_new(&clash, base, 2 * MiB), PMEM2_E_MAPPING_EXISTS);
	OK(pmem2_vm_reservation_delete(&rsv));

	OK(pmem2_config_delete(&cfg));
	OK(pmem2_source_delete(&sa));
	OK(pmem2_source_delete(&sb));
	drop_file(&a);
	drop_file(&b);
}

/* ---- RAS on sources that no NVDIMM backs ---- */

static void
case_ras(void)
{
	struct file f = make_file(64 * 1024, 'r', O_RDWR);
	struct pmem2_source *src, *anon;
	OK(pmem2_source_from_fd(&src, f.fd));
	OK(pmem2_source_from_anon(&anon, MiB));

	uint64_t usc = 77;
	EXPECT(pmem2_source_device_usc(src, &usc), PMEM2_E_NOSUPP);
	EXPECT(pmem2_source_device_usc(anon, &usc), PMEM2_E_NOSUPP);
	size_t len = 0;
	EXPECT(pmem2_source_device_id(src, NULL, &len), PMEM2_E_NOSUPP);
	EXPECT(pmem2_source_device_id(anon, NULL, &len), PMEM2_E_NOSUPP);
	int numa = 1234;
	EXPECT(pmem2_source_numa_node(src, &numa), PMEM2_E_DAX_REGION_NOT_FOUND);
	EXPECT(pmem2_source_numa_node(anon, &numa), PMEM2_E_NOSUPP);

	/* Bad blocks: a file no NVDIMM backs has none, and clearing punches a hole. */
	struct pmem2_badblock_context *ctx = NULL;
	EXPECT(pmem2_badblock_context_new(&ctx, anon), PMEM2_E_NOSUPP);
	OK(pmem2_badblock_context_new(&ctx, src));
	CHECK(ctx != NULL);
	struct pmem2_badblock bb = { 1, 1 };
	EXPECT(pmem2_badblock_next(ctx, &bb), PMEM2_E_NO_BAD_BLOCK_FOUND);
	EXPECT(pmem2_badblock_next(ctx, &bb), PMEM2_E_NO_BAD_BLOCK_FOUND);
	bb.offset = 8192;
	bb.length = 8192;
	OK(pmem2_badblock_clear(ctx, &bb));
	char back[8192], zero[8192];
	memset(zero, 0, sizeof(zero));
	read_back(f.fd, back, sizeof(back), 8192);
	CHECK(memcmp(back, zero, sizeof(back)) == 0);
	read_back(f.fd, back, 1, 8191);
	CHECK(back[0] == 'r');
	struct stat st;
	CHECK(fstat(f.fd, &st) == 0 && st.st_size == 64 * 1024);
	bb.offset = (size_t)INT64_MAX + 1;
	EXPECT(pmem2_badblock_clear(ctx, &bb), PMEM2_E_OFFSET_OUT_OF_RANGE);
	bb.offset = 0;
	bb.length = (size_t)INT64_MAX + 1;
	EXPECT(pmem2_badblock_clear(ctx, &bb), PMEM2_E_LENGTH_OUT_OF_RANGE);
	pmem2_badblock_context_delete(&ctx);
	CHECK(ctx == NULL);
	pmem2_badblock_context_delete(&ctx);

	OK(pmem2_source_delete(&anon));
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

static void
case_mcsafe(void)
{
	struct file f = make_file(64 * 1024, 'm', O_RDWR);
	struct pmem2_source *src, *anon;
	OK(pmem2_source_from_fd(&src, f.fd));
	char buf[100] = "mcsafe";
	OK(pmem2_source_pwrite_mcsafe(src, buf, 7, 1000));
	char back[7];
	read_back(f.fd, back, 7, 1000);
	CHECK(memcmp(back, "mcsafe", 7) == 0);
	memset(buf, 0, sizeof(buf));
	OK(pmem2_source_pread_mcsafe(src, buf, 10, 998));
	CHECK(buf[0] == 'm' && buf[1] == 'm' && memcmp(buf + 2, "mcsafe", 7) == 0);
	EXPECT(pmem2_source_pread_mcsafe(src, buf, 100, 64 * 1024 - 50), PMEM2_E_LENGTH_OUT_OF_RANGE);
	EXPECT(pmem2_source_pwrite_mcsafe(src, buf, 100, 64 * 1024 - 50), PMEM2_E_LENGTH_OUT_OF_RANGE);
	OK(pmem2_source_from_anon(&anon, MiB));
	EXPECT(pmem2_source_pread_mcsafe(anon, buf, 10, 0), PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED);
	EXPECT(pmem2_source_pwrite_mcsafe(anon, buf, 10, 0), PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED);
	OK(pmem2_source_delete(&anon));
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

/* ---- NULL objects and out-pointers: a negative code, never a crash ---- */

static void
case_null_arguments(void)
{
	struct file f = make_file(64 * 1024, 0, O_RDWR);
	struct pmem2_source *src;
	OK(pmem2_source_from_fd(&src, f.fd));
	struct pmem2_config *cfg;
	OK(pmem2_config_new(&cfg));
	OK(pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	struct pmem2_map *map;
	OK(pmem2_map_new(&map, cfg, src));
	size_t sz;
	int fd;

	FAILS(pmem2_source_from_fd(NULL, f.fd));
	FAILS(pmem2_source_from_anon(NULL, 4096));
	FAILS(pmem2_source_get_fd(NULL, &fd));
	FAILS(pmem2_source_get_fd(src, NULL));
	FAILS(pmem2_source_size(NULL, &sz));
	FAILS(pmem2_source_size(src, NULL));
	FAILS(pmem2_source_alignment(NULL, &sz));
	FAILS(pmem2_source_alignment(src, NULL));
	/* Deleting through a NULL pointer-to-handle: the project returns 0 for
	 * source/config (like free(NULL)) but a negative code for map/reservation;
	 * either is acceptable here, a crash is not. */
	CHECK(pmem2_source_delete(NULL) <= 0);
	FAILS(pmem2_source_pread_mcsafe(NULL, &sz, 1, 0));
	FAILS(pmem2_source_pwrite_mcsafe(NULL, &sz, 1, 0));
	FAILS(pmem2_config_new(NULL));
	CHECK(pmem2_config_delete(NULL) <= 0);
	FAILS(pmem2_config_set_offset(NULL, 0));
	FAILS(pmem2_config_set_length(NULL, 0));
	FAILS(pmem2_config_set_sharing(NULL, PMEM2_SHARED));
	FAILS(pmem2_config_set_protection(NULL, PMEM2_PROT_READ));
	FAILS(pmem2_config_set_required_store_granularity(NULL, PMEM2_GRANULARITY_PAGE));
	FAILS(pmem2_config_set_vm_reservation(NULL, NULL, 0));
	FAILS(pmem2_map_new(NULL, cfg, src));
	struct pmem2_map *scratch;
	FAILS(pmem2_map_new(&scratch, NULL, src));
	FAILS(pmem2_map_new(&scratch, cfg, NULL));
	FAILS(pmem2_map_from_existing(NULL, src, &sz, 8, PMEM2_GRANULARITY_PAGE));
	FAILS(pmem2_map_delete(NULL));
	FAILS(pmem2_deep_flush(NULL, &sz, 1));
	FAILS(pmem2_vm_reservation_new(NULL, NULL, 4096));
	FAILS(pmem2_vm_reservation_delete(NULL));
	FAILS(pmem2_vm_reservation_extend(NULL, 4096));
	FAILS(pmem2_vm_reservation_shrink(NULL, 0, 4096));
	FAILS(pmem2_vm_reservation_map_find(NULL, 0, 0, &scratch));
	FAILS(pmem2_vm_reservation_map_find_first(NULL, &scratch));
	FAILS(pmem2_vm_reservation_map_find_last(NULL, &scratch));
	FAILS(pmem2_vm_reservation_map_find_next(NULL, map, &scratch));
	FAILS(pmem2_vm_reservation_map_find_prev(NULL, map, &scratch));
	FAILS(pmem2_source_device_usc(NULL, (uint64_t *)&sz));
	FAILS(pmem2_source_device_id(NULL, NULL, &sz));
	FAILS(pmem2_source_device_id(src, NULL, NULL));
	FAILS(pmem2_source_numa_node(NULL, &fd));
	FAILS(pmem2_source_numa_node(src, NULL));
	FAILS(pmem2_badblock_context_new(NULL, src));
	struct pmem2_badblock_context *ctx;
	FAILS(pmem2_badblock_context_new(&ctx, NULL));
	OK(pmem2_badblock_context_new(&ctx, src));
	FAILS(pmem2_badblock_next(NULL, NULL));
	FAILS(pmem2_badblock_next(ctx, NULL));
	FAILS(pmem2_badblock_clear(NULL, NULL));
	FAILS(pmem2_badblock_clear(ctx, NULL));
	pmem2_badblock_context_delete(NULL);
	pmem2_badblock_context_delete(&ctx);

	CHECK(Failures == 0);
	/* The map survived all of that. */
	CHECK(pmem2_map_get_size(map) == 64 * 1024);
	OK(pmem2_map_delete(&map));
	OK(pmem2_config_delete(&cfg));
	OK(pmem2_source_delete(&src));
	drop_file(&f);
}

#define CASE(name) { #name, case_##name }
static const struct { const char *name; void (*fn)(void); } Cases[] = {
	CASE(errors),
	CASE(source_fd),
	CASE(source_anon),
	CASE(config),
	CASE(map_errors),
	CASE(map_file),
	CASE(force_granularity),
	CASE(map_private),
	CASE(map_from_existing),
	CASE(vm_reservation),
	CASE(ras),
	CASE(mcsafe),
	CASE(null_arguments),
};

int
main(int argc, char *argv[])
{
	size_t n = sizeof(Cases) / sizeof(Cases[0]);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", Cases[i].name);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s <case> <dir> | --list\n", argv[0]);
		return 2;
	}
	Dir = argv[2];
	Page = sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], Cases[i].name) == 0) {
			Cases[i].fn();
			printf("case %s passed in %s\n", Cases[i].name, Dir);
			return 0;
		}
	}
	fprintf(stderr, "no case named %s\n", argv[1]);
	return 2;
}
