/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmem2_diff.c -- the differential harness for libpmem2's return codes.
 *
 * Built against the reference's <libpmem2.h> and run twice by run_diff.sh: once
 * on the reference library and once on ours (LD_LIBRARY_PATH). Every case runs in
 * its own forked child under alarm(), so a case on which a library crashes or
 * hangs is printed as CRASH(<signal>) or HANG instead of ending the run. Output:
 * one line per case, "<name>\t<result>", where the result is the return code by
 * name plus the out-values that matter for the case.
 *
 * Usage: pmem2_diff [CASE-PREFIX]
 * File-based cases run once per filesystem: "ext4." cases in the directory of
 * $PMEM2_DIFF_EXT4 (default /tmp), "tmpfs." cases in $PMEM2_DIFF_TMPFS
 * (default /dev/shm).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libpmem2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096u
#define MiB (1024u * 1024u)

#include "diff_harness.h"

/* ---- result text ---------------------------------------------------------- */

#define C(x) {PMEM2_E_##x, #x}
static const struct code_name pmem2_codes[] = {
	C(UNKNOWN), C(NOSUPP), C(FILE_HANDLE_NOT_SET), C(INVALID_FILE_HANDLE), C(INVALID_FILE_TYPE),
	C(MAP_RANGE), C(MAPPING_EXISTS), C(GRANULARITY_NOT_SET), C(GRANULARITY_NOT_SUPPORTED),
	C(OFFSET_OUT_OF_RANGE), C(OFFSET_UNALIGNED), C(INVALID_ALIGNMENT_FORMAT),
	C(INVALID_ALIGNMENT_VALUE), C(INVALID_SIZE_FORMAT), C(LENGTH_UNALIGNED), C(MAPPING_NOT_FOUND),
	C(BUFFER_TOO_SMALL), C(SOURCE_EMPTY), C(INVALID_SHARING_VALUE), C(SRC_DEVDAX_PRIVATE),
	C(INVALID_ADDRESS_REQUEST_TYPE), C(ADDRESS_UNALIGNED), C(ADDRESS_NULL), C(DEEP_FLUSH_RANGE),
	C(INVALID_REGION_FORMAT), C(DAX_REGION_NOT_FOUND), C(INVALID_DEV_FORMAT), C(CANNOT_READ_BOUNDS),
	C(NO_BAD_BLOCK_FOUND), C(LENGTH_OUT_OF_RANGE), C(INVALID_PROT_FLAG), C(NO_ACCESS),
	C(VM_RESERVATION_NOT_EMPTY), C(MAP_EXISTS), C(FILE_DESCRIPTOR_NOT_SET),
	C(SOURCE_TYPE_NOT_SUPPORTED), C(IO_FAIL),
};
#undef C

/* Appends the name of a return code: 0, a PMEM2_E_* name or -E<errno>. */
static void rc(int code)
{
	rc_from(pmem2_codes, sizeof(pmem2_codes) / sizeof(pmem2_codes[0]), code);
}

/* ---- fixtures ------------------------------------------------------------- */

static const char *dir; /* the filesystem of the current file-based case */

/* A fresh unlinked regular file of `size` bytes, opened with `flags`. */
static int file_fd(size_t size, int flags)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/pmem2_diff.XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		perror("fixture file");
		_exit(90);
	}
	if ((flags & O_ACCMODE) != O_RDWR || (flags & O_PATH)) {
		int other = open(path, flags);
		if (other < 0) {
			perror("fixture reopen");
			_exit(90);
		}
		close(fd);
		fd = other;
	}
	unlink(path);
	return fd;
}

static void need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fixture failed: %s: %s\n", what, pmem2_errormsg());
		_exit(91);
	}
}

static struct pmem2_source *file_src(size_t size)
{
	struct pmem2_source *s;
	need(pmem2_source_from_fd(&s, file_fd(size, O_RDWR)) == 0, "source_from_fd");
	return s;
}

static struct pmem2_source *anon_src(size_t size)
{
	struct pmem2_source *s;
	need(pmem2_source_from_anon(&s, size) == 0, "source_from_anon");
	return s;
}

static struct pmem2_config *cfg_gran(enum pmem2_granularity g)
{
	struct pmem2_config *c;
	need(pmem2_config_new(&c) == 0, "config_new");
	need(pmem2_config_set_required_store_granularity(c, g) == 0, "set granularity");
	return c;
}

static struct pmem2_config *cfg_page(void) { return cfg_gran(PMEM2_GRANULARITY_PAGE); }

static struct pmem2_map *map_of(struct pmem2_source *s)
{
	struct pmem2_map *m;
	need(pmem2_map_new(&m, cfg_page(), s) == 0, "map_new");
	return m;
}

static struct pmem2_vm_reservation *rsv_of(size_t size)
{
	struct pmem2_vm_reservation *r;
	need(pmem2_vm_reservation_new(&r, NULL, size) == 0, "vm_reservation_new");
	return r;
}

/* A map of a file source placed at `offset` in reservation r. */
static struct pmem2_map *map_in(struct pmem2_vm_reservation *r, size_t offset, size_t len)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_vm_reservation(c, r, offset) == 0, "set_vm_reservation");
	struct pmem2_map *m;
	need(pmem2_map_new(&m, c, file_src(len)) == 0, "map_new in reservation");
	return m;
}

static void map_new_with(struct pmem2_config *c, struct pmem2_source *s)
{
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_map_new(&m, c, s));
	ptr_state("map", m);
	if (m != NULL)
		out(" size=%zu", pmem2_map_get_size(m));
}

/* ---- cases ---------------------------------------------------------------- */

#define CASE(name) static void case_##name(void)

/* config */
CASE(config_new_null) { rc(pmem2_config_new(NULL)); }
CASE(config_new_ok)
{
	struct pmem2_config *c = NULL;
	rc(pmem2_config_new(&c));
	ptr_state("cfg", c);
}
CASE(config_delete_null) { rc(pmem2_config_delete(NULL)); }
CASE(config_delete_twice)
{
	struct pmem2_config *c = cfg_page();
	rc(pmem2_config_delete(&c));
	out(" ");
	rc(pmem2_config_delete(&c));
}
CASE(config_gran_null_cfg) { rc(pmem2_config_set_required_store_granularity(NULL, PMEM2_GRANULARITY_PAGE)); }
static void gran_value(int g)
{
	struct pmem2_config *c;
	need(pmem2_config_new(&c) == 0, "config_new");
	rc(pmem2_config_set_required_store_granularity(c, (enum pmem2_granularity)g));
}
CASE(config_gran_byte) { gran_value(PMEM2_GRANULARITY_BYTE); }
CASE(config_gran_cache_line) { gran_value(PMEM2_GRANULARITY_CACHE_LINE); }
CASE(config_gran_page) { gran_value(PMEM2_GRANULARITY_PAGE); }
CASE(config_gran_3) { gran_value(3); }
CASE(config_gran_minus1) { gran_value(-1); }
CASE(config_gran_intmax) { gran_value(INT32_MAX); }
CASE(config_offset_null_cfg) { rc(pmem2_config_set_offset(NULL, 0)); }
static void offset_value(size_t off)
{
	struct pmem2_config *c;
	need(pmem2_config_new(&c) == 0, "config_new");
	rc(pmem2_config_set_offset(c, off));
}
CASE(config_offset_0) { offset_value(0); }
CASE(config_offset_1) { offset_value(1); }
CASE(config_offset_page) { offset_value(PAGE); }
CASE(config_offset_int64max) { offset_value((size_t)INT64_MAX); }
CASE(config_offset_int64max_plus1) { offset_value((size_t)INT64_MAX + 1); }
CASE(config_offset_sizemax) { offset_value(SIZE_MAX); }
CASE(config_length_null_cfg) { rc(pmem2_config_set_length(NULL, 0)); }
CASE(config_length_sizemax)
{
	struct pmem2_config *c = cfg_page();
	rc(pmem2_config_set_length(c, SIZE_MAX));
}
CASE(config_sharing_null_cfg) { rc(pmem2_config_set_sharing(NULL, PMEM2_SHARED)); }
static void sharing_value(int v)
{
	struct pmem2_config *c = cfg_page();
	rc(pmem2_config_set_sharing(c, (enum pmem2_sharing_type)v));
}
CASE(config_sharing_shared) { sharing_value(PMEM2_SHARED); }
CASE(config_sharing_private) { sharing_value(PMEM2_PRIVATE); }
CASE(config_sharing_2) { sharing_value(2); }
CASE(config_sharing_minus1) { sharing_value(-1); }
CASE(config_protection_null_cfg) { rc(pmem2_config_set_protection(NULL, PMEM2_PROT_READ)); }
static void prot_value(unsigned v)
{
	struct pmem2_config *c = cfg_page();
	rc(pmem2_config_set_protection(c, v));
}
CASE(config_prot_0) { prot_value(0); }
CASE(config_prot_none) { prot_value(PMEM2_PROT_NONE); }
CASE(config_prot_rwx) { prot_value(PMEM2_PROT_READ | PMEM2_PROT_WRITE | PMEM2_PROT_EXEC); }
CASE(config_prot_bit3) { prot_value(1u << 3); }
CASE(config_prot_bit31) { prot_value(1u << 31); }
CASE(config_prot_all) { prot_value(~0u); }
CASE(config_rsv_null_cfg) { rc(pmem2_config_set_vm_reservation(NULL, NULL, 0)); }
CASE(config_rsv_null_rsv)
{
	struct pmem2_config *c = cfg_page();
	rc(pmem2_config_set_vm_reservation(c, NULL, SIZE_MAX));
}

/* sources */
CASE(from_fd_null_src) { rc(pmem2_source_from_fd(NULL, file_fd(PAGE, O_RDWR))); }
static void from_fd(int fd)
{
	struct pmem2_source *s = UNTOUCHED;
	rc(pmem2_source_from_fd(&s, fd));
	ptr_state("src", s);
}
CASE(from_fd_minus1) { from_fd(-1); }
CASE(from_fd_closed)
{
	int fd = file_fd(PAGE, O_RDWR);
	close(fd);
	from_fd(fd);
}
CASE(from_fd_intmax) { from_fd(INT32_MAX); }
CASE(from_fd_regular) { from_fd(file_fd(PAGE, O_RDWR)); }
CASE(from_fd_rdonly) { from_fd(file_fd(PAGE, O_RDONLY)); }
CASE(from_fd_wronly) { from_fd(file_fd(PAGE, O_WRONLY)); }
CASE(from_fd_opath) { from_fd(file_fd(PAGE, O_PATH)); }
CASE(from_fd_directory) { from_fd(open(dir, O_RDONLY | O_DIRECTORY)); }
CASE(from_fd_pipe)
{
	int p[2];
	need(pipe(p) == 0, "pipe");
	from_fd(p[0]);
}
CASE(from_fd_socket)
{
	int p[2];
	need(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0, "socketpair");
	from_fd(p[0]);
}
CASE(from_fd_dev_zero) { from_fd(open("/dev/zero", O_RDWR)); }
CASE(from_fd_dev_null) { from_fd(open("/dev/null", O_RDWR)); }
CASE(from_anon_null_src) { rc(pmem2_source_from_anon(NULL, PAGE)); }
static void from_anon(size_t size)
{
	struct pmem2_source *s = NULL;
	rc(pmem2_source_from_anon(&s, size));
	ptr_state("src", s);
}
CASE(from_anon_0) { from_anon(0); }
CASE(from_anon_1) { from_anon(1); }
CASE(from_anon_sizemax) { from_anon(SIZE_MAX); }
CASE(source_delete_null) { rc(pmem2_source_delete(NULL)); }
CASE(source_delete_twice)
{
	struct pmem2_source *s = anon_src(PAGE);
	rc(pmem2_source_delete(&s));
	out(" ");
	rc(pmem2_source_delete(&s));
}
CASE(source_delete_under_live_map)
{
	struct pmem2_source *s = file_src(PAGE);
	struct pmem2_map *m = map_of(s);
	rc(pmem2_source_delete(&s));
	out(" then map_delete=");
	rc(pmem2_map_delete(&m));
}
CASE(get_fd_null_src)
{
	int fd;
	rc(pmem2_source_get_fd(NULL, &fd));
}
CASE(get_fd_null_fd) { rc(pmem2_source_get_fd(file_src(PAGE), NULL)); }
CASE(get_fd_anon_null_fd) { rc(pmem2_source_get_fd(anon_src(PAGE), NULL)); }
CASE(get_fd_anon)
{
	int fd = 12345;
	rc(pmem2_source_get_fd(anon_src(PAGE), &fd));
	out(" fd=%d", fd);
}
CASE(get_fd_file)
{
	int fd = -7;
	rc(pmem2_source_get_fd(file_src(PAGE), &fd));
	out(" fd_valid=%d", fd >= 0);
}
CASE(size_null_src)
{
	size_t n;
	rc(pmem2_source_size(NULL, &n));
}
CASE(size_null_out_file) { rc(pmem2_source_size(file_src(PAGE), NULL)); }
CASE(size_null_out_anon) { rc(pmem2_source_size(anon_src(PAGE), NULL)); }
CASE(size_anon)
{
	size_t n = 0;
	rc(pmem2_source_size(anon_src(12345), &n));
	out(" size=%zu", n);
}
CASE(size_file_5000)
{
	size_t n = 0;
	rc(pmem2_source_size(file_src(5000), &n));
	out(" size=%zu", n);
}
CASE(size_file_closed_fd)
{
	struct pmem2_source *s = file_src(PAGE);
	int fd;
	need(pmem2_source_get_fd(s, &fd) == 0, "get_fd");
	close(fd);
	size_t n = 77;
	rc(pmem2_source_size(s, &n));
	out(" size=%zu", n);
}
CASE(size_opath)
{
	struct pmem2_source *s;
	need(pmem2_source_from_fd(&s, file_fd(PAGE, O_PATH)) == 0, "from_fd O_PATH");
	size_t n = 0;
	rc(pmem2_source_size(s, &n));
	out(" size=%zu", n);
}
CASE(alignment_null_src)
{
	size_t n;
	rc(pmem2_source_alignment(NULL, &n));
}
CASE(alignment_null_out_file) { rc(pmem2_source_alignment(file_src(PAGE), NULL)); }
CASE(alignment_null_out_anon) { rc(pmem2_source_alignment(anon_src(PAGE), NULL)); }
CASE(alignment_file)
{
	size_t n = 0;
	rc(pmem2_source_alignment(file_src(PAGE), &n));
	out(" alignment=%zu", n);
}
CASE(alignment_anon)
{
	size_t n = 0;
	rc(pmem2_source_alignment(anon_src(1), &n));
	out(" alignment=%zu", n);
}

/* device information */
CASE(device_id_null_src)
{
	size_t len = 64;
	rc(pmem2_source_device_id(NULL, NULL, &len));
}
CASE(device_id_anon_null_len) { rc(pmem2_source_device_id(anon_src(PAGE), NULL, NULL)); }
CASE(device_id_anon)
{
	size_t len = 64;
	char id[64] = "";
	rc(pmem2_source_device_id(anon_src(PAGE), id, &len));
	out(" len=%zu", len);
}
CASE(device_id_file_null_len)
{
	char id[64] = "";
	rc(pmem2_source_device_id(file_src(PAGE), id, NULL));
}
CASE(device_id_file_query_null_len) { rc(pmem2_source_device_id(file_src(PAGE), NULL, NULL)); }
CASE(device_id_file)
{
	size_t len = 64;
	char id[64] = "";
	rc(pmem2_source_device_id(file_src(PAGE), id, &len));
	out(" len=%zu", len);
}
CASE(device_id_file_query)
{
	size_t len = 3;
	rc(pmem2_source_device_id(file_src(PAGE), NULL, &len));
	out(" len=%zu", len);
}
CASE(device_usc_null_src)
{
	uint64_t u;
	rc(pmem2_source_device_usc(NULL, &u));
}
CASE(device_usc_anon_null_out) { rc(pmem2_source_device_usc(anon_src(PAGE), NULL)); }
CASE(device_usc_anon)
{
	uint64_t u = 99;
	rc(pmem2_source_device_usc(anon_src(PAGE), &u));
	out(" usc=%llu", (unsigned long long)u);
}
CASE(device_usc_file_null_out) { rc(pmem2_source_device_usc(file_src(PAGE), NULL)); }
CASE(device_usc_file)
{
	uint64_t u = 99;
	rc(pmem2_source_device_usc(file_src(PAGE), &u));
}
CASE(numa_null_src)
{
	int n;
	rc(pmem2_source_numa_node(NULL, &n));
}
CASE(numa_anon_null_out) { rc(pmem2_source_numa_node(anon_src(PAGE), NULL)); }
CASE(numa_anon)
{
	int n = 99;
	rc(pmem2_source_numa_node(anon_src(PAGE), &n));
	out(" numa=%d", n);
}
CASE(numa_file_null_out) { rc(pmem2_source_numa_node(file_src(PAGE), NULL)); }
CASE(numa_file)
{
	int n = 99;
	rc(pmem2_source_numa_node(file_src(PAGE), &n));
	out(" numa=%d", n);
}

static void deep_flush_in(struct pmem2_map *m, ptrdiff_t off, size_t size)
{
	rc(pmem2_deep_flush(m, (char *)pmem2_map_get_address(m) + off, size));
}

/* machine-check-safe I/O */
static char iobuf[2 * PAGE];
typedef int (*mcsafe_fn)(struct pmem2_source *, void *, size_t, size_t);
static void mcsafe(mcsafe_fn f, struct pmem2_source *s, void *buf, size_t size, size_t offset)
{
	rc(f(s, buf, size, offset));
}
#define MCSAFE_CASES(dirname, fn)                                                                  \
	CASE(dirname##_null_src) { mcsafe(fn, NULL, iobuf, 1, 0); }                                \
	CASE(dirname##_anon) { mcsafe(fn, anon_src(PAGE), iobuf, 1, 0); }                          \
	CASE(dirname##_anon_null_buf) { mcsafe(fn, anon_src(PAGE), NULL, 1, 0); }                  \
	CASE(dirname##_null_buf) { mcsafe(fn, file_src(PAGE), NULL, 1, 0); }                       \
	CASE(dirname##_null_buf_size0) { mcsafe(fn, file_src(PAGE), NULL, 0, 0); }                 \
	CASE(dirname##_size0) { mcsafe(fn, file_src(PAGE), iobuf, 0, 0); }                         \
	CASE(dirname##_one) { mcsafe(fn, file_src(PAGE), iobuf, 1, 0); }                           \
	CASE(dirname##_page) { mcsafe(fn, file_src(PAGE), iobuf, PAGE, 0); }                       \
	CASE(dirname##_page_plus1) { mcsafe(fn, file_src(PAGE), iobuf, PAGE + 1, 0); }             \
	CASE(dirname##_at_end) { mcsafe(fn, file_src(PAGE), iobuf, 1, PAGE); }                     \
	CASE(dirname##_size_at_end0) { mcsafe(fn, file_src(PAGE), iobuf, 0, PAGE); }               \
	CASE(dirname##_offset_past_end) { mcsafe(fn, file_src(PAGE), iobuf, 0, PAGE + 1); }        \
	CASE(dirname##_size_sizemax) { mcsafe(fn, file_src(PAGE), iobuf, SIZE_MAX, 0); }           \
	CASE(dirname##_offset_sizemax) { mcsafe(fn, file_src(PAGE), iobuf, 0, SIZE_MAX); }         \
	CASE(dirname##_wrap) { mcsafe(fn, file_src(PAGE), iobuf, 2, SIZE_MAX); }                   \
	CASE(dirname##_empty_file) { mcsafe(fn, file_src(0), iobuf, 1, 0); }                       \
	CASE(dirname##_one_past_end) { mcsafe(fn, file_src(PAGE), iobuf, 1, PAGE + 1); }           \
	CASE(dirname##_int64max_plus1) { mcsafe(fn, file_src(PAGE), iobuf, 0, (size_t)INT64_MAX + 1); }
MCSAFE_CASES(pread, pmem2_source_pread_mcsafe)
MCSAFE_CASES(pwrite, pmem2_source_pwrite_mcsafe)

static struct pmem2_source *fd_src(int open_flags)
{
	struct pmem2_source *s;
	need(pmem2_source_from_fd(&s, file_fd(PAGE, open_flags)) == 0, "from_fd");
	return s;
}
CASE(pwrite_rdonly_fd) { mcsafe(pmem2_source_pwrite_mcsafe, fd_src(O_RDONLY), iobuf, 1, 0); }
CASE(pread_rdonly_fd) { mcsafe(pmem2_source_pread_mcsafe, fd_src(O_RDONLY), iobuf, 1, 0); }
CASE(pread_opath_fd) { mcsafe(pmem2_source_pread_mcsafe, fd_src(O_PATH), iobuf, 1, 0); }
CASE(pwrite_opath_fd) { mcsafe(pmem2_source_pwrite_mcsafe, fd_src(O_PATH), iobuf, 1, 0); }
CASE(alignment_opath)
{
	size_t n = 0;
	rc(pmem2_source_alignment(fd_src(O_PATH), &n));
	out(" alignment=%zu", n);
}
CASE(numa_opath)
{
	int n = 99;
	rc(pmem2_source_numa_node(fd_src(O_PATH), &n));
}
CASE(bb_new_opath)
{
	struct pmem2_badblock_context *b = UNTOUCHED;
	rc(pmem2_badblock_context_new(&b, fd_src(O_PATH)));
	ptr_state("ctx", b);
}
CASE(bb_clear_opath)
{
	struct pmem2_badblock_context *b;
	need(pmem2_badblock_context_new(&b, fd_src(O_PATH)) == 0, "badblock_context_new");
	struct pmem2_badblock bb = {0, PAGE};
	rc(pmem2_badblock_clear(b, &bb));
}
CASE(bb_clear_rdonly)
{
	struct pmem2_badblock_context *b;
	need(pmem2_badblock_context_new(&b, fd_src(O_RDONLY)) == 0, "badblock_context_new");
	struct pmem2_badblock bb = {0, PAGE};
	rc(pmem2_badblock_clear(b, &bb));
}
CASE(deep_flush_wrap) { deep_flush_in(map_of(file_src(PAGE)), 1, SIZE_MAX); }
CASE(deep_flush_anon_wrap) { deep_flush_in(map_of(anon_src(PAGE)), 1, SIZE_MAX); }
CASE(deep_flush_private_wrap)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_sharing(c, PMEM2_PRIVATE) == 0, "set_sharing");
	struct pmem2_map *m;
	need(pmem2_map_new(&m, c, file_src(PAGE)) == 0, "map_new");
	deep_flush_in(m, 1, SIZE_MAX);
}
CASE(deep_flush_private)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_sharing(c, PMEM2_PRIVATE) == 0, "set_sharing");
	struct pmem2_map *m;
	need(pmem2_map_new(&m, c, file_src(PAGE)) == 0, "map_new");
	deep_flush_in(m, 0, PAGE);
}

/* bad blocks */
CASE(bb_new_null_ctx) { rc(pmem2_badblock_context_new(NULL, file_src(PAGE))); }
CASE(bb_new_null_src)
{
	struct pmem2_badblock_context *b = UNTOUCHED;
	rc(pmem2_badblock_context_new(&b, NULL));
}
CASE(bb_new_anon)
{
	struct pmem2_badblock_context *b = UNTOUCHED;
	rc(pmem2_badblock_context_new(&b, anon_src(PAGE)));
	ptr_state("ctx", b);
}
CASE(bb_new_anon_null_ctx) { rc(pmem2_badblock_context_new(NULL, anon_src(PAGE))); }
CASE(bb_new_file)
{
	struct pmem2_badblock_context *b = NULL;
	rc(pmem2_badblock_context_new(&b, file_src(PAGE)));
	ptr_state("ctx", b);
}
static struct pmem2_badblock_context *bb_ctx(void)
{
	struct pmem2_badblock_context *b;
	need(pmem2_badblock_context_new(&b, file_src(PAGE)) == 0, "badblock_context_new");
	return b;
}
CASE(bb_next_null_ctx)
{
	struct pmem2_badblock bb;
	rc(pmem2_badblock_next(NULL, &bb));
}
CASE(bb_next_null_bb) { rc(pmem2_badblock_next(bb_ctx(), NULL)); }
CASE(bb_next_none)
{
	struct pmem2_badblock bb;
	rc(pmem2_badblock_next(bb_ctx(), &bb));
}
CASE(bb_next_after_source_delete)
{
	struct pmem2_source *src = file_src(PAGE);
	struct pmem2_badblock_context *b;
	need(pmem2_badblock_context_new(&b, src) == 0, "badblock_context_new");
	need(pmem2_source_delete(&src) == 0, "source_delete");
	struct pmem2_badblock bb;
	rc(pmem2_badblock_next(b, &bb));
}
CASE(bb_next_twice)
{
	struct pmem2_badblock_context *b = bb_ctx();
	struct pmem2_badblock bb;
	rc(pmem2_badblock_next(b, &bb));
	out(" ");
	rc(pmem2_badblock_next(b, &bb));
}
static void bb_clear(size_t off, size_t len)
{
	struct pmem2_badblock bb = {off, len};
	rc(pmem2_badblock_clear(bb_ctx(), &bb));
}
CASE(bb_clear_null_ctx)
{
	struct pmem2_badblock bb = {0, PAGE};
	rc(pmem2_badblock_clear(NULL, &bb));
}
CASE(bb_clear_null_bb) { rc(pmem2_badblock_clear(bb_ctx(), NULL)); }
CASE(bb_clear_page) { bb_clear(0, PAGE); }
CASE(bb_clear_zero) { bb_clear(0, 0); }
CASE(bb_clear_offset_int64max_plus1) { bb_clear((size_t)INT64_MAX + 1, PAGE); }
CASE(bb_clear_length_int64max_plus1) { bb_clear(0, (size_t)INT64_MAX + 1); }
CASE(bb_clear_both_sizemax) { bb_clear(SIZE_MAX, SIZE_MAX); }
CASE(bb_delete_null) { pmem2_badblock_context_delete(NULL); out("void"); }
CASE(bb_delete_twice)
{
	struct pmem2_badblock_context *b = bb_ctx();
	pmem2_badblock_context_delete(&b);
	ptr_state("ctx", b);
	pmem2_badblock_context_delete(&b);
	ptr_state("ctx", b);
}

/* map_new */
CASE(map_new_null_map)
{
	rc(pmem2_map_new(NULL, cfg_page(), file_src(PAGE)));
}
CASE(map_new_null_cfg)
{
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_map_new(&m, NULL, file_src(PAGE)));
}
CASE(map_new_null_src)
{
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_map_new(&m, cfg_page(), NULL));
}
CASE(map_new_no_granularity)
{
	struct pmem2_config *c;
	need(pmem2_config_new(&c) == 0, "config_new");
	map_new_with(c, file_src(PAGE));
}
CASE(map_new_no_granularity_null_src)
{
	struct pmem2_config *c;
	need(pmem2_config_new(&c) == 0, "config_new");
	map_new_with(c, NULL);
}
CASE(map_new_file_page) { map_new_with(cfg_page(), file_src(PAGE)); }
CASE(map_new_file_5000) { map_new_with(cfg_page(), file_src(5000)); }
CASE(map_new_file_byte) { map_new_with(cfg_gran(PMEM2_GRANULARITY_BYTE), file_src(PAGE)); }
CASE(map_new_file_cache_line) { map_new_with(cfg_gran(PMEM2_GRANULARITY_CACHE_LINE), file_src(PAGE)); }
CASE(map_new_empty_file) { map_new_with(cfg_page(), file_src(0)); }
CASE(map_new_anon_empty) { map_new_with(cfg_page(), anon_src(0)); }
CASE(map_new_anon_1) { map_new_with(cfg_page(), anon_src(1)); }
CASE(map_new_anon_page) { map_new_with(cfg_page(), anon_src(PAGE)); }
CASE(map_new_anon_sizemax) { map_new_with(cfg_page(), anon_src(SIZE_MAX)); }
CASE(map_new_anon_sizemax_minus_page) { map_new_with(cfg_page(), anon_src(SIZE_MAX - PAGE + 1)); }
CASE(map_new_anon_byte) { map_new_with(cfg_gran(PMEM2_GRANULARITY_BYTE), anon_src(PAGE)); }
static struct pmem2_config *cfg_off_len(size_t off, size_t len)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_offset(c, off) == 0, "set_offset");
	need(pmem2_config_set_length(c, len) == 0, "set_length");
	return c;
}
CASE(map_new_offset_1) { map_new_with(cfg_off_len(1, 0), file_src(2 * PAGE)); }
CASE(map_new_offset_page) { map_new_with(cfg_off_len(PAGE, 0), file_src(2 * PAGE)); }
CASE(map_new_offset_eq_size) { map_new_with(cfg_off_len(PAGE, 0), file_src(PAGE)); }
CASE(map_new_offset_past_size) { map_new_with(cfg_off_len(2 * PAGE, 0), file_src(PAGE)); }
CASE(map_new_offset_int64max_aligned) { map_new_with(cfg_off_len((size_t)INT64_MAX - PAGE + 1, 0), file_src(PAGE)); }
CASE(map_new_length_1) { map_new_with(cfg_off_len(0, 1), file_src(PAGE)); }
CASE(map_new_length_page) { map_new_with(cfg_off_len(0, PAGE), file_src(2 * PAGE)); }
CASE(map_new_length_past_size) { map_new_with(cfg_off_len(0, 2 * PAGE), file_src(PAGE)); }
CASE(map_new_length_sizemax) { map_new_with(cfg_off_len(0, SIZE_MAX), file_src(PAGE)); }
CASE(map_new_length_sizemax_aligned) { map_new_with(cfg_off_len(0, SIZE_MAX - PAGE + 1), file_src(PAGE)); }
CASE(map_new_wrap) { map_new_with(cfg_off_len(PAGE, SIZE_MAX - PAGE + 1), file_src(2 * PAGE)); }
CASE(map_new_anon_offset_page) { map_new_with(cfg_off_len(PAGE, 0), anon_src(2 * PAGE)); }
CASE(map_new_anon_offset_1) { map_new_with(cfg_off_len(1, 0), anon_src(2 * PAGE)); }
CASE(map_new_anon_length_past) { map_new_with(cfg_off_len(0, 2 * PAGE), anon_src(PAGE)); }
CASE(map_new_anon_wrap) { map_new_with(cfg_off_len(PAGE, SIZE_MAX - PAGE + 1), anon_src(2 * PAGE)); }
CASE(map_new_private_file)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_sharing(c, PMEM2_PRIVATE) == 0, "set_sharing");
	map_new_with(c, file_src(PAGE));
}
CASE(map_new_private_byte)
{
	struct pmem2_config *c = cfg_gran(PMEM2_GRANULARITY_BYTE);
	need(pmem2_config_set_sharing(c, PMEM2_PRIVATE) == 0, "set_sharing");
	map_new_with(c, file_src(PAGE));
}
static void map_prot(int open_flags, unsigned prot)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_protection(c, prot) == 0, "set_protection");
	struct pmem2_source *s;
	need(pmem2_source_from_fd(&s, file_fd(PAGE, open_flags)) == 0, "from_fd");
	map_new_with(c, s);
}
CASE(map_new_rdonly_fd_rw) { map_prot(O_RDONLY, PMEM2_PROT_READ | PMEM2_PROT_WRITE); }
CASE(map_new_rdonly_fd_r) { map_prot(O_RDONLY, PMEM2_PROT_READ); }
CASE(map_new_rdonly_fd_none) { map_prot(O_RDONLY, PMEM2_PROT_NONE); }
CASE(map_new_rw_fd_exec) { map_prot(O_RDWR, PMEM2_PROT_READ | PMEM2_PROT_EXEC); }
CASE(map_new_opath_fd) { map_prot(O_PATH, PMEM2_PROT_READ); }
CASE(map_new_closed_fd)
{
	struct pmem2_source *s = file_src(PAGE);
	int fd;
	need(pmem2_source_get_fd(s, &fd) == 0, "get_fd");
	close(fd);
	map_new_with(cfg_page(), s);
}

CASE(map_new_config_deleted_first)
{
	struct pmem2_config *c = cfg_page();
	struct pmem2_map *m;
	need(pmem2_map_new(&m, c, file_src(PAGE)) == 0, "map_new");
	rc(pmem2_config_delete(&c));
	out(" then map_delete=");
	rc(pmem2_map_delete(&m));
}

/* map_new in a reservation */
static void map_rsv(size_t rsv_size, size_t rsv_off, size_t file_len)
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_vm_reservation(c, rsv_of(rsv_size), rsv_off) == 0, "set_vm_reservation");
	map_new_with(c, file_src(file_len));
}
CASE(map_rsv_fits) { map_rsv(4 * PAGE, PAGE, PAGE); }
CASE(map_rsv_offset_1) { map_rsv(4 * PAGE, 1, PAGE); }
CASE(map_rsv_overrun) { map_rsv(4 * PAGE, 3 * PAGE, 2 * PAGE); }
CASE(map_rsv_offset_at_end) { map_rsv(4 * PAGE, 4 * PAGE, PAGE); }
CASE(map_rsv_offset_sizemax_aligned) { map_rsv(4 * PAGE, SIZE_MAX - PAGE + 1, PAGE); }
CASE(map_rsv_unaligned_len) { map_rsv(4 * PAGE, 0, 5000); }
CASE(map_rsv_empty) { map_rsv(0, 0, PAGE); }
CASE(map_rsv_occupied)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	(void)map_in(r, PAGE, 2 * PAGE);
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_vm_reservation(c, r, 2 * PAGE) == 0, "set_vm_reservation");
	map_new_with(c, file_src(PAGE));
}
CASE(map_rsv_anon) 
{
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_vm_reservation(c, rsv_of(4 * PAGE), PAGE) == 0, "set_vm_reservation");
	map_new_with(c, anon_src(PAGE));
}

/* map_from_existing */
static void from_existing(struct pmem2_source *s, void *addr, size_t len, int g)
{
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_map_from_existing(&m, s, addr, len, (enum pmem2_granularity)g));
	ptr_state("map", m);
}
static void *scratch(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	need(p != MAP_FAILED, "mmap scratch");
	return p;
}
CASE(from_existing_null_map) { rc(pmem2_map_from_existing(NULL, file_src(PAGE), scratch(PAGE), PAGE, PMEM2_GRANULARITY_PAGE)); }
CASE(from_existing_null_src) { from_existing(NULL, scratch(PAGE), PAGE, PMEM2_GRANULARITY_PAGE); }
CASE(from_existing_ok) { from_existing(file_src(PAGE), scratch(PAGE), PAGE, PMEM2_GRANULARITY_PAGE); }
CASE(from_existing_anon) { from_existing(anon_src(PAGE), scratch(PAGE), PAGE, PMEM2_GRANULARITY_BYTE); }
CASE(from_existing_null_addr) { from_existing(file_src(PAGE), NULL, PAGE, PMEM2_GRANULARITY_PAGE); }
CASE(from_existing_len0) { from_existing(file_src(PAGE), scratch(PAGE), 0, PMEM2_GRANULARITY_PAGE); }
CASE(from_existing_bad_granularity) { from_existing(file_src(PAGE), scratch(PAGE), PAGE, 3); }
CASE(from_existing_granularity_minus1) { from_existing(file_src(PAGE), scratch(PAGE), PAGE, -1); }
CASE(from_existing_wrap) { from_existing(file_src(PAGE), (void *)(UINTPTR_MAX - PAGE + 1), 2 * PAGE, PMEM2_GRANULARITY_PAGE); }
CASE(from_existing_overlap)
{
	void *p = scratch(2 * PAGE);
	struct pmem2_map *m;
	need(pmem2_map_from_existing(&m, file_src(PAGE), p, 2 * PAGE, PMEM2_GRANULARITY_PAGE) == 0, "from_existing");
	from_existing(file_src(PAGE), (char *)p + PAGE, PAGE, PMEM2_GRANULARITY_PAGE);
}
CASE(from_existing_overlaps_map_new)
{
	struct pmem2_map *m = map_of(file_src(PAGE));
	from_existing(file_src(PAGE), pmem2_map_get_address(m), PAGE, PMEM2_GRANULARITY_PAGE);
}
CASE(map_new_overlaps_from_existing)
{
	/* A from_existing registration over a reservation's first page, then a
	 * map_new into that page: the reservation has room, the global registry
	 * does not (FACTS 2.17). */
	struct pmem2_vm_reservation *r = rsv_of(2 * MiB);
	struct pmem2_map *fe;
	need(pmem2_map_from_existing(&fe, file_src(PAGE), pmem2_vm_reservation_get_address(r), PAGE,
				     PMEM2_GRANULARITY_PAGE) == 0, "from_existing");
	struct pmem2_config *c = cfg_page();
	need(pmem2_config_set_vm_reservation(c, r, 0) == 0, "set_vm_reservation");
	map_new_with(c, file_src(PAGE));
}

/* map_delete */
CASE(map_delete_null) { rc(pmem2_map_delete(NULL)); }
CASE(map_delete_null_map)
{
	struct pmem2_map *m = NULL;
	rc(pmem2_map_delete(&m));
}
CASE(map_delete_twice)
{
	struct pmem2_map *m = map_of(file_src(PAGE));
	rc(pmem2_map_delete(&m));
	out(" ");
	rc(pmem2_map_delete(&m));
}
CASE(map_delete_ok)
{
	struct pmem2_map *m = map_of(file_src(PAGE));
	rc(pmem2_map_delete(&m));
	ptr_state("map", m);
}
CASE(map_delete_from_existing)
{
	struct pmem2_map *m;
	need(pmem2_map_from_existing(&m, file_src(PAGE), scratch(PAGE), PAGE, PMEM2_GRANULARITY_PAGE) == 0, "from_existing");
	rc(pmem2_map_delete(&m));
	ptr_state("map", m);
}
CASE(map_delete_in_rsv)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	struct pmem2_map *m = map_in(r, 0, PAGE);
	rc(pmem2_map_delete(&m));
	ptr_state("map", m);
	out(" rsv_delete=");
	rc(pmem2_vm_reservation_delete(&r));
}

/* map getters on NULL */
CASE(map_get_address_null) { ptr_state("addr", pmem2_map_get_address(NULL)); }
CASE(map_get_size_null) { out("size=%zu", pmem2_map_get_size(NULL)); }
CASE(map_get_granularity_null) { out("granularity=%d", (int)pmem2_map_get_store_granularity(NULL)); }
CASE(map_get_persist_fn_null) { ptr_state("fn", (void *)pmem2_get_persist_fn(NULL)); }
CASE(map_get_flush_fn_null) { ptr_state("fn", (void *)pmem2_get_flush_fn(NULL)); }
CASE(map_get_drain_fn_null) { ptr_state("fn", (void *)pmem2_get_drain_fn(NULL)); }
CASE(map_get_memmove_fn_null) { ptr_state("fn", (void *)pmem2_get_memmove_fn(NULL)); }
CASE(map_get_memcpy_fn_null) { ptr_state("fn", (void *)pmem2_get_memcpy_fn(NULL)); }
CASE(map_get_memset_fn_null) { ptr_state("fn", (void *)pmem2_get_memset_fn(NULL)); }
CASE(map_getters_file)
{
	struct pmem2_map *m = map_of(file_src(5000));
	out("size=%zu granularity=%d", pmem2_map_get_size(m), (int)pmem2_map_get_store_granularity(m));
	out(" memcpy_is_memmove=%d", (void *)pmem2_get_memcpy_fn(m) == (void *)pmem2_get_memmove_fn(m));
}
CASE(map_getters_anon)
{
	struct pmem2_map *m = map_of(anon_src(PAGE));
	out("size=%zu granularity=%d", pmem2_map_get_size(m), (int)pmem2_map_get_store_granularity(m));
}

/* deep flush */
CASE(deep_flush_null_map) { rc(pmem2_deep_flush(NULL, iobuf, 1)); }
static void deep_flush(struct pmem2_map *m, ptrdiff_t off, size_t size)
{
	rc(pmem2_deep_flush(m, (char *)pmem2_map_get_address(m) + off, size));
}
CASE(deep_flush_file_ok) { deep_flush(map_of(file_src(PAGE)), 0, PAGE); }
CASE(deep_flush_file_size0) { deep_flush(map_of(file_src(PAGE)), 0, 0); }
CASE(deep_flush_file_before) { deep_flush(map_of(file_src(PAGE)), -1, 1); }
CASE(deep_flush_file_past) { deep_flush(map_of(file_src(PAGE)), 0, PAGE + 1); }
CASE(deep_flush_file_at_end) { deep_flush(map_of(file_src(PAGE)), PAGE, 0); }
CASE(deep_flush_file_null_ptr)
{
	rc(pmem2_deep_flush(map_of(file_src(PAGE)), NULL, 1));
}
CASE(deep_flush_anon) { deep_flush(map_of(anon_src(PAGE)), 0, PAGE); }
CASE(deep_flush_anon_past) { deep_flush(map_of(anon_src(PAGE)), 0, PAGE + 1); }

/* reservations */
CASE(rsv_new_null_ptr) { rc(pmem2_vm_reservation_new(NULL, NULL, PAGE)); }
static void rsv_new(void *addr, size_t size)
{
	struct pmem2_vm_reservation *r = UNTOUCHED;
	rc(pmem2_vm_reservation_new(&r, addr, size));
	ptr_state("rsv", r);
	if (r != NULL)
		out(" size=%zu", pmem2_vm_reservation_get_size(r));
}
CASE(rsv_new_0) { rsv_new(NULL, 0); }
CASE(rsv_new_1) { rsv_new(NULL, 1); }
CASE(rsv_new_page) { rsv_new(NULL, PAGE); }
CASE(rsv_new_sizemax) { rsv_new(NULL, SIZE_MAX); }
CASE(rsv_new_sizemax_aligned) { rsv_new(NULL, SIZE_MAX - PAGE + 1); }
CASE(rsv_new_addr_1) { rsv_new((void *)1, PAGE); }
CASE(rsv_new_addr_occupied)
{
	void *p = scratch(4 * MiB);
	rsv_new((char *)p + 2 * MiB - ((uintptr_t)p & (2 * MiB - 1)), PAGE);
}
CASE(rsv_delete_null) { rc(pmem2_vm_reservation_delete(NULL)); }
CASE(rsv_delete_twice)
{
	struct pmem2_vm_reservation *r = rsv_of(PAGE);
	rc(pmem2_vm_reservation_delete(&r));
	ptr_state("rsv", r);
	out(" ");
	rc(pmem2_vm_reservation_delete(&r));
}
CASE(rsv_delete_with_map)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	(void)map_in(r, 0, PAGE);
	rc(pmem2_vm_reservation_delete(&r));
	ptr_state("rsv", r);
}
/*
 * A reservation that held `n` maps at once, all deleted again before the
 * reservation is. The reference aborts in vm_reservation_delete from 1024 maps
 * on (it does not at 1023); one source serves every map so the case needs one
 * descriptor.
 */
static void rsv_delete_after_maps(size_t n)
{
	struct pmem2_vm_reservation *r = rsv_of(n * PAGE);
	struct pmem2_source *s = file_src(PAGE);
	struct pmem2_config *c = cfg_page();
	struct pmem2_map **maps = calloc(n, sizeof(*maps));
	need(maps != NULL, "calloc");
	for (size_t i = 0; i < n; i++) {
		need(pmem2_config_set_vm_reservation(c, r, i * PAGE) == 0, "set_vm_reservation");
		need(pmem2_map_new(&maps[i], c, s) == 0, "map_new in reservation");
	}
	for (size_t i = 0; i < n; i++)
		need(pmem2_map_delete(&maps[i]) == 0, "map_delete");
	free(maps);
	rc(pmem2_vm_reservation_delete(&r));
	ptr_state("rsv", r);
}
CASE(rsv_delete_after_1023_maps) { rsv_delete_after_maps(1023); }
CASE(rsv_delete_after_1024_maps) { rsv_delete_after_maps(1024); }
CASE(rsv_get_address_null) { ptr_state("addr", pmem2_vm_reservation_get_address(NULL)); }
CASE(rsv_get_size_null) { out("size=%zu", pmem2_vm_reservation_get_size(NULL)); }
CASE(rsv_extend_null) { rc(pmem2_vm_reservation_extend(NULL, PAGE)); }
static void rsv_extend(size_t size)
{
	struct pmem2_vm_reservation *r = rsv_of(PAGE);
	rc(pmem2_vm_reservation_extend(r, size));
	out(" size=%zu", pmem2_vm_reservation_get_size(r));
}
CASE(rsv_extend_0) { rsv_extend(0); }
CASE(rsv_extend_1) { rsv_extend(1); }
CASE(rsv_extend_page) { rsv_extend(PAGE); }
CASE(rsv_extend_4mib) { rsv_extend(4 * MiB); }
CASE(rsv_extend_sizemax) { rsv_extend(SIZE_MAX); }
CASE(rsv_extend_sizemax_aligned) { rsv_extend(SIZE_MAX - PAGE + 1); }
CASE(rsv_shrink_null) { rc(pmem2_vm_reservation_shrink(NULL, 0, PAGE)); }
static void rsv_shrink(size_t rsv_size, size_t off, size_t size)
{
	struct pmem2_vm_reservation *r = rsv_of(rsv_size);
	rc(pmem2_vm_reservation_shrink(r, off, size));
	out(" size=%zu", pmem2_vm_reservation_get_size(r));
}
CASE(rsv_shrink_offset_1) { rsv_shrink(4 * PAGE, 1, PAGE); }
CASE(rsv_shrink_size_1) { rsv_shrink(4 * PAGE, 0, 1); }
CASE(rsv_shrink_offset_past) { rsv_shrink(4 * PAGE, 4 * PAGE, PAGE); }
CASE(rsv_shrink_size_0) { rsv_shrink(4 * PAGE, 0, 0); }
CASE(rsv_shrink_overrun) { rsv_shrink(4 * PAGE, 2 * PAGE, 3 * PAGE); }
CASE(rsv_shrink_wrap) { rsv_shrink(4 * PAGE, PAGE, SIZE_MAX - PAGE + 1); }
CASE(rsv_shrink_middle) { rsv_shrink(4 * PAGE, PAGE, PAGE); }
CASE(rsv_shrink_whole) { rsv_shrink(4 * PAGE, 0, 4 * PAGE); }
CASE(rsv_shrink_front) { rsv_shrink(4 * PAGE, 0, PAGE); }
CASE(rsv_shrink_back) { rsv_shrink(4 * PAGE, 3 * PAGE, PAGE); }
CASE(rsv_shrink_with_map)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	(void)map_in(r, 3 * PAGE, PAGE);
	rc(pmem2_vm_reservation_shrink(r, 2 * PAGE, 2 * PAGE));
}
CASE(rsv_find_null_rsv)
{
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_vm_reservation_map_find(NULL, 0, PAGE, &m));
}
CASE(rsv_find_null_out) { rc(pmem2_vm_reservation_map_find(rsv_of(PAGE), 0, PAGE, NULL)); }
static void rsv_find(size_t off, size_t len)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	struct pmem2_map *placed = map_in(r, PAGE, PAGE);
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_vm_reservation_map_find(r, off, len, &m));
	out(" map=%s", m == NULL ? "NULL" : m == placed ? "placed" : "other");
}
CASE(rsv_find_hit) { rsv_find(0, 2 * PAGE); }
CASE(rsv_find_miss) { rsv_find(2 * PAGE, PAGE); }
CASE(rsv_find_len0_inside) { rsv_find(PAGE + 1, 0); }
CASE(rsv_find_len0_outside) { rsv_find(0, 0); }
CASE(rsv_find_offset_sizemax) { rsv_find(SIZE_MAX, 1); }
CASE(rsv_find_wrap) { rsv_find(2 * PAGE, SIZE_MAX); }
CASE(rsv_find_empty)
{
	struct pmem2_map *m = UNTOUCHED;
	rc(pmem2_vm_reservation_map_find(rsv_of(PAGE), 0, PAGE, &m));
	ptr_state("map", m);
}
typedef int (*find_rel_fn)(struct pmem2_vm_reservation *, struct pmem2_map *, struct pmem2_map **);
typedef int (*find_end_fn)(struct pmem2_vm_reservation *, struct pmem2_map **);
static void find_rel(find_rel_fn f, int which)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	struct pmem2_map *a = map_in(r, 0, PAGE);
	struct pmem2_map *b = map_in(r, 2 * PAGE, PAGE);
	struct pmem2_map *m = UNTOUCHED;
	switch (which) {
	case 0: rc(f(NULL, a, &m)); break;
	case 1: rc(f(r, NULL, &m)); break;
	case 2: rc(f(r, a, NULL)); break;
	case 3: rc(f(r, a, &m)); break;
	case 4: rc(f(r, b, &m)); break;
	case 5: rc(f(r, map_of(file_src(PAGE)), &m)); break;
	}
	if (which >= 3)
		out(" map=%s", m == NULL ? "NULL" : m == a ? "a" : m == b ? "b" : "other");
}
#define FIND_REL_CASES(n, fn)                                                                      \
	CASE(rsv_find_##n##_null_rsv) { find_rel(fn, 0); }                                          \
	CASE(rsv_find_##n##_null_map) { find_rel(fn, 1); }                                          \
	CASE(rsv_find_##n##_null_out) { find_rel(fn, 2); }                                          \
	CASE(rsv_find_##n##_from_a) { find_rel(fn, 3); }                                            \
	CASE(rsv_find_##n##_from_b) { find_rel(fn, 4); }                                            \
	CASE(rsv_find_##n##_foreign_map) { find_rel(fn, 5); }
FIND_REL_CASES(prev, pmem2_vm_reservation_map_find_prev)
FIND_REL_CASES(next, pmem2_vm_reservation_map_find_next)
static void find_end(find_end_fn f, int which)
{
	struct pmem2_vm_reservation *r = rsv_of(4 * PAGE);
	struct pmem2_map *a = NULL, *b = NULL;
	if (which == 3) {
		a = map_in(r, 0, PAGE);
		b = map_in(r, 2 * PAGE, PAGE);
	}
	struct pmem2_map *m = UNTOUCHED;
	switch (which) {
	case 0: rc(f(NULL, &m)); break;
	case 1: rc(f(r, NULL)); break;
	default: rc(f(r, &m)); break;
	}
	if (which >= 2)
		out(" map=%s", m == NULL ? "NULL" : m == a ? "a" : m == b ? "b" : "other");
}
#define FIND_END_CASES(n, fn)                                                                      \
	CASE(rsv_find_##n##_null_rsv) { find_end(fn, 0); }                                          \
	CASE(rsv_find_##n##_null_out) { find_end(fn, 1); }                                          \
	CASE(rsv_find_##n##_empty) { find_end(fn, 2); }                                             \
	CASE(rsv_find_##n##_two_maps) { find_end(fn, 3); }
FIND_END_CASES(first, pmem2_vm_reservation_map_find_first)
FIND_END_CASES(last, pmem2_vm_reservation_map_find_last)

/* persisting */
CASE(persist_page_from_existing)
{
	/* A PAGE map over memory the caller mapped itself (FACTS 12.3). */
	void *p = scratch(2 * PAGE);
	struct pmem2_map *m;
	need(pmem2_map_from_existing(&m, file_src(2 * PAGE), p, 2 * PAGE, PMEM2_GRANULARITY_PAGE) == 0,
	     "from_existing");
	pmem2_get_persist_fn(m)(p, PAGE);
	out("returned");
}
CASE(persist_page_after_user_munmap)
{
	/* msync fails (ENOMEM) on a range the user unmapped under a PAGE map. */
	struct pmem2_map *m = map_of(file_src(2 * PAGE));
	char *a = pmem2_map_get_address(m);
	need(munmap(a + PAGE, PAGE) == 0, "munmap");
	pmem2_get_persist_fn(m)(a, 2 * PAGE);
	out("returned");
}
CASE(err_to_errno_exported)
{
	/* Declared in the header; the reference does not export it. */
	int (*f)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "pmem2_err_to_errno");
	if (f == NULL)
		out("absent");
	else
		out("present %d %d %d", f(PMEM2_E_NOSUPP), f(PMEM2_E_MAP_RANGE), f(-ENOMEM));
}

/* error reporting */
CASE(errormsg_not_null) { out("msg=%s", pmem2_errormsg() == NULL ? "NULL" : "set"); }
CASE(perror_null_fmt_free)
{
	int devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 2);
	pmem2_perror("%s", "x");
	out("void");
}

/* ---- driver --------------------------------------------------------------- */

struct test_case {
	const char *name;
	void (*fn)(void);
	int per_fs; /* creates files: run once per filesystem */
};

#define T(name) {#name, case_##name, 0}
#define F(name) {#name, case_##name, 1}
static const struct test_case cases[] = {
	T(config_new_null), T(config_new_ok), T(config_delete_null), T(config_delete_twice),
	T(config_gran_null_cfg), T(config_gran_byte), T(config_gran_cache_line), T(config_gran_page),
	T(config_gran_3), T(config_gran_minus1), T(config_gran_intmax), T(config_offset_null_cfg),
	T(config_offset_0), T(config_offset_1), T(config_offset_page), T(config_offset_int64max),
	T(config_offset_int64max_plus1), T(config_offset_sizemax), T(config_length_null_cfg),
	T(config_length_sizemax), T(config_sharing_null_cfg), T(config_sharing_shared),
	T(config_sharing_private), T(config_sharing_2), T(config_sharing_minus1),
	T(config_protection_null_cfg), T(config_prot_0), T(config_prot_none), T(config_prot_rwx),
	T(config_prot_bit3), T(config_prot_bit31), T(config_prot_all), T(config_rsv_null_cfg),
	T(config_rsv_null_rsv),

	F(from_fd_null_src), T(from_fd_minus1), F(from_fd_closed), T(from_fd_intmax), F(from_fd_regular),
	F(from_fd_rdonly), F(from_fd_wronly), F(from_fd_opath), F(from_fd_directory), T(from_fd_pipe),
	T(from_fd_socket), T(from_fd_dev_zero), T(from_fd_dev_null), T(from_anon_null_src), T(from_anon_0),
	T(from_anon_1), T(from_anon_sizemax), T(source_delete_null), T(source_delete_twice),
	F(source_delete_under_live_map), T(get_fd_null_src), F(get_fd_null_fd), T(get_fd_anon_null_fd),
	T(get_fd_anon), F(get_fd_file), T(size_null_src), F(size_null_out_file), T(size_null_out_anon),
	T(size_anon), F(size_file_5000), F(size_file_closed_fd), F(size_opath), T(alignment_null_src),
	F(alignment_null_out_file), T(alignment_null_out_anon), F(alignment_file), T(alignment_anon),

	T(device_id_null_src), T(device_id_anon_null_len), T(device_id_anon), F(device_id_file_null_len),
	F(device_id_file_query_null_len), F(device_id_file), F(device_id_file_query),
	T(device_usc_null_src), T(device_usc_anon_null_out), T(device_usc_anon), F(device_usc_file_null_out),
	F(device_usc_file), T(numa_null_src), T(numa_anon_null_out), T(numa_anon), F(numa_file_null_out),
	F(numa_file),

#define MCSAFE_ROWS(d)                                                                             \
	T(d##_null_src), T(d##_anon), T(d##_anon_null_buf), F(d##_null_buf), F(d##_null_buf_size0),  \
	F(d##_size0), F(d##_one), F(d##_page), F(d##_page_plus1), F(d##_at_end), F(d##_size_at_end0), \
	F(d##_offset_past_end), F(d##_size_sizemax), F(d##_offset_sizemax), F(d##_wrap),             \
	F(d##_empty_file), F(d##_one_past_end), F(d##_int64max_plus1)
	MCSAFE_ROWS(pread), MCSAFE_ROWS(pwrite), F(pwrite_rdonly_fd), F(pread_rdonly_fd), F(pread_opath_fd),
	F(pwrite_opath_fd), F(alignment_opath), F(numa_opath), F(bb_new_opath), F(bb_clear_opath),
	F(bb_clear_rdonly), F(deep_flush_private), F(deep_flush_wrap), T(deep_flush_anon_wrap),
	F(deep_flush_private_wrap),

	F(bb_new_null_ctx), T(bb_new_null_src), T(bb_new_anon), T(bb_new_anon_null_ctx), F(bb_new_file),
	T(bb_next_null_ctx), F(bb_next_null_bb), F(bb_next_none), F(bb_next_twice), F(bb_next_after_source_delete), T(bb_clear_null_ctx),
	F(bb_clear_null_bb), F(bb_clear_page), F(bb_clear_zero), F(bb_clear_offset_int64max_plus1),
	F(bb_clear_length_int64max_plus1), F(bb_clear_both_sizemax), T(bb_delete_null), F(bb_delete_twice),

	F(map_new_null_map), F(map_new_null_cfg), T(map_new_null_src), F(map_new_no_granularity),
	T(map_new_no_granularity_null_src), F(map_new_file_page), F(map_new_file_5000), F(map_new_file_byte),
	F(map_new_file_cache_line), F(map_new_empty_file), T(map_new_anon_empty), T(map_new_anon_1),
	T(map_new_anon_page), T(map_new_anon_sizemax), T(map_new_anon_sizemax_minus_page),
	T(map_new_anon_byte), F(map_new_offset_1), F(map_new_offset_page), F(map_new_offset_eq_size),
	F(map_new_offset_past_size), F(map_new_offset_int64max_aligned), F(map_new_length_1),
	F(map_new_length_page), F(map_new_length_past_size), F(map_new_length_sizemax),
	F(map_new_length_sizemax_aligned), F(map_new_wrap), T(map_new_anon_offset_page),
	T(map_new_anon_offset_1), T(map_new_anon_length_past), T(map_new_anon_wrap),
	F(map_new_private_file), F(map_new_private_byte), F(map_new_rdonly_fd_rw), F(map_new_rdonly_fd_r),
	F(map_new_rdonly_fd_none), F(map_new_rw_fd_exec), F(map_new_opath_fd), F(map_new_closed_fd),
	F(map_new_config_deleted_first),

	F(map_rsv_fits), F(map_rsv_offset_1), F(map_rsv_overrun), F(map_rsv_offset_at_end),
	F(map_rsv_offset_sizemax_aligned), F(map_rsv_unaligned_len), F(map_rsv_empty), F(map_rsv_occupied),
	T(map_rsv_anon),

	F(from_existing_null_map), T(from_existing_null_src), F(from_existing_ok), T(from_existing_anon),
	F(from_existing_null_addr), F(from_existing_len0), F(from_existing_bad_granularity),
	F(from_existing_granularity_minus1), F(from_existing_wrap),
	F(from_existing_overlap), F(from_existing_overlaps_map_new), F(map_new_overlaps_from_existing),

	T(map_delete_null), T(map_delete_null_map), F(map_delete_twice), F(map_delete_ok), F(map_delete_from_existing),
	F(map_delete_in_rsv), T(map_get_address_null), T(map_get_size_null), T(map_get_granularity_null),
	T(map_get_persist_fn_null), T(map_get_flush_fn_null), T(map_get_drain_fn_null),
	T(map_get_memmove_fn_null), T(map_get_memcpy_fn_null), T(map_get_memset_fn_null),
	F(map_getters_file), T(map_getters_anon),

	T(deep_flush_null_map), F(deep_flush_file_ok), F(deep_flush_file_size0), F(deep_flush_file_before),
	F(deep_flush_file_past), F(deep_flush_file_at_end), F(deep_flush_file_null_ptr), T(deep_flush_anon),
	T(deep_flush_anon_past),

	T(rsv_new_null_ptr), T(rsv_new_0), T(rsv_new_1), T(rsv_new_page), T(rsv_new_sizemax),
	T(rsv_new_sizemax_aligned), T(rsv_new_addr_1), T(rsv_new_addr_occupied), T(rsv_delete_null),
	T(rsv_delete_twice), F(rsv_delete_with_map), T(rsv_delete_after_1023_maps),
	T(rsv_delete_after_1024_maps), T(rsv_get_address_null), T(rsv_get_size_null),
	T(rsv_extend_null), T(rsv_extend_0), T(rsv_extend_1), T(rsv_extend_page), T(rsv_extend_4mib),
	T(rsv_extend_sizemax), T(rsv_extend_sizemax_aligned), T(rsv_shrink_null), T(rsv_shrink_offset_1),
	T(rsv_shrink_size_1), T(rsv_shrink_offset_past), T(rsv_shrink_size_0), T(rsv_shrink_overrun),
	T(rsv_shrink_wrap), T(rsv_shrink_middle), T(rsv_shrink_whole), T(rsv_shrink_front),
	T(rsv_shrink_back), F(rsv_shrink_with_map), T(rsv_find_null_rsv), T(rsv_find_null_out),
	F(rsv_find_hit), F(rsv_find_miss), F(rsv_find_len0_inside), F(rsv_find_len0_outside),
	F(rsv_find_offset_sizemax), F(rsv_find_wrap), T(rsv_find_empty),
#define FIND_REL_ROWS(n)                                                                           \
	F(rsv_find_##n##_null_rsv), F(rsv_find_##n##_null_map), F(rsv_find_##n##_null_out),           \
	F(rsv_find_##n##_from_a), F(rsv_find_##n##_from_b), F(rsv_find_##n##_foreign_map)
	FIND_REL_ROWS(prev), FIND_REL_ROWS(next),
#define FIND_END_ROWS(n)                                                                           \
	T(rsv_find_##n##_null_rsv), T(rsv_find_##n##_null_out), T(rsv_find_##n##_empty),              \
	F(rsv_find_##n##_two_maps)
	FIND_END_ROWS(first), FIND_END_ROWS(last),

	T(persist_page_from_existing), F(persist_page_after_user_munmap), T(err_to_errno_exported),
	T(errormsg_not_null), T(perror_null_fmt_free),
};

/* Runs one case in a child; prints "<prefix><name>\t<result>". */
static void run(const char *prefix, const struct test_case *tc)
{
	char buf[sizeof(result)];
	pid_t pid;
	const int status = run_child(tc->fn, buf, sizeof(buf), &pid);
	print_outcome(prefix, tc->name, status, buf);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	const char *ext4 = getenv("PMEM2_DIFF_EXT4") ? getenv("PMEM2_DIFF_EXT4") : "/tmp";
	const char *tmpfs = getenv("PMEM2_DIFF_TMPFS") ? getenv("PMEM2_DIFF_TMPFS") : "/dev/shm";
	struct {
		const char *prefix;
		const char *path;
	} fss[] = {{"ext4.", ext4}, {"tmpfs.", tmpfs}};

	/* Which libpmem2 this run is on, so the driver can tell the runs apart. */
	Dl_info info;
	if (dladdr((void *)pmem2_config_new, &info) != 0 && info.dli_fname != NULL)
		printf("#library\t%s\n", info.dli_fname);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct test_case *tc = &cases[i];
		if (only != NULL && strncmp(tc->name, only, strlen(only)) != 0)
			continue;
		if (!tc->per_fs) {
			dir = ext4;
			run("", tc);
			continue;
		}
		for (size_t f = 0; f < 2; f++) {
			dir = fss[f].path;
			run(fss[f].prefix, tc);
		}
	}
	return 0;
}
