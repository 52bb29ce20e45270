/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmemset_diff.c -- the libpmemset half of the differential harness.
 *
 * libpmemset has no packaged reference, so this program runs on ours only and
 * run_diff.sh compares its lines with pmemset_expected.tsv: the code the man pages
 * and FACTS give for each case, in the order they give. Output and isolation
 * come from diff_harness.h, as for pmem2_diff.c: one forked child per case under
 * alarm(), one "<name>\t<result>" line each, CRASH(<sig>)/HANG for a case that
 * does not return.
 * Files live in $PMEM2_DIFF_EXT4 (default /tmp).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libpmemset.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096u

#include "diff_harness.h"

static const char *dir;

#define S(x) {PMEMSET_E_##x, "PMEMSET_E_" #x}
#define P(x) {PMEM2_E_##x, "PMEM2_E_" #x}
static const struct code_name codes[] = {
	S(UNKNOWN), S(NOSUPP), S(INVALID_PMEM2_SOURCE), S(INVALID_SOURCE_PATH), S(INVALID_SOURCE_TYPE),
	S(CANNOT_ALLOCATE_INTERNAL_STRUCTURE), S(INVALID_OFFSET_VALUE), S(GRANULARITY_NOT_SUPPORTED),
	S(INVALID_PMEM2_MAP), S(PART_EXISTS), S(GRANULARITY_NOT_SET), S(GRANULARITY_MISMATCH),
	S(NO_PART_MAPPED), S(CANNOT_FIND_PART_MAP), S(CANNOT_COALESCE_PARTS), S(LENGTH_UNALIGNED),
	S(PART_NOT_FOUND), S(INVALID_COALESCING_VALUE), S(DEEP_FLUSH_FAIL),
	S(INVALID_SOURCE_FILE_CREATE_FLAGS), S(CANNOT_CREATE_TEMP_FILE), S(CANNOT_TRUNCATE_SOURCE_FILE),
	S(PART_MAP_POSSIBLE_USE_AFTER_DROP), S(CANNOT_FIT_PART_MAP),
	P(NOSUPP), P(FILE_DESCRIPTOR_NOT_SET), P(INVALID_FILE_HANDLE), P(LENGTH_UNALIGNED), P(MAP_RANGE),
};
#undef S
#undef P

static void rc(int code)
{
	rc_from(codes, sizeof(codes) / sizeof(codes[0]), code);
}

static void need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fixture failed: %s: %s\n", what, pmemset_errormsg());
		_exit(91);
	}
}

/* A path in the test directory (unique per child: the pid). */
static const char *path_of(const char *leaf)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/pmemset_diff.%d.%s", dir, (int)getpid(), leaf);
	return p;
}

/* A regular file of `size` bytes; run() removes the child's files afterwards. */
static const char *make_file(const char *leaf, size_t size)
{
	const char *p = path_of(leaf);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	need(fd >= 0 && ftruncate(fd, (off_t)size) == 0, "create file");
	close(fd);
	return p;
}

static struct pmemset_config *cfg_page(void)
{
	struct pmemset_config *c;
	need(pmemset_config_new(&c) == 0, "config_new");
	need(pmemset_config_set_required_store_granularity(c, PMEM2_GRANULARITY_PAGE) == 0, "granularity");
	return c;
}

static struct pmemset *set_new(void)
{
	struct pmemset *s;
	need(pmemset_new(&s, cfg_page()) == 0, "pmemset_new");
	return s;
}

static struct pmemset_source *temp_src(void)
{
	struct pmemset_source *s;
	need(pmemset_source_from_temporary(&s, dir) == 0, "source_from_temporary");
	return s;
}

static struct pmemset_source *file_src(size_t size)
{
	struct pmemset_source *s;
	const char *p = make_file("src", size);
	need(pmemset_source_from_file(&s, p) == 0, "source_from_file");
	return s;
}

static void part_map(struct pmemset *set, struct pmemset_source *src, size_t off, size_t len)
{
	struct pmemset_part *part;
	need(pmemset_part_new(&part, set, src, off, len) == 0, "part_new");
	struct pmemset_part_descriptor d = {NULL, 0};
	rc(pmemset_part_map(&part, NULL, &d));
	ptr_state("part", part);
}

static void map_one(struct pmemset *set, struct pmemset_source *src, size_t len)
{
	struct pmemset_part *part;
	need(pmemset_part_new(&part, set, src, 0, len) == 0, "part_new");
	need(pmemset_part_map(&part, NULL, NULL) == 0, "part_map");
}

#define CASE(name) static void case_##name(void)

/* config */
CASE(config_new_null) { rc(pmemset_config_new(NULL)); }
CASE(config_new_ok)
{
	struct pmemset_config *c = NULL;
	rc(pmemset_config_new(&c));
	ptr_state("cfg", c);
}
CASE(config_delete_null_inner)
{
	struct pmemset_config *c = NULL;
	rc(pmemset_config_delete(&c));
}
static void gran(int g)
{
	struct pmemset_config *c;
	need(pmemset_config_new(&c) == 0, "config_new");
	rc(pmemset_config_set_required_store_granularity(c, (enum pmem2_granularity)g));
}
CASE(config_gran_page) { gran(PMEM2_GRANULARITY_PAGE); }
CASE(config_gran_3) { gran(3); }
CASE(config_gran_minus1) { gran(-1); }
CASE(config_gran_null_cfg) { rc(pmemset_config_set_required_store_granularity(NULL, PMEM2_GRANULARITY_PAGE)); }

/* sets */
CASE(new_no_granularity)
{
	struct pmemset_config *c;
	need(pmemset_config_new(&c) == 0, "config_new");
	struct pmemset *s = UNTOUCHED;
	rc(pmemset_new(&s, c));
	ptr_state("set", s);
}
CASE(new_ok)
{
	struct pmemset *s = NULL;
	rc(pmemset_new(&s, cfg_page()));
	ptr_state("set", s);
}
CASE(new_null_set) { rc(pmemset_new(NULL, cfg_page())); }
CASE(new_null_cfg)
{
	struct pmemset *s = UNTOUCHED;
	rc(pmemset_new(&s, NULL));
}
CASE(delete_null_inner)
{
	struct pmemset *s = NULL;
	rc(pmemset_delete(&s));
}
CASE(delete_with_part_mapped)
{
	struct pmemset *s = set_new();
	map_one(s, temp_src(), PAGE);
	rc(pmemset_delete(&s));
	ptr_state("set", s);
}

/* sources */
CASE(from_pmem2_null)
{
	struct pmemset_source *s = UNTOUCHED;
	rc(pmemset_source_from_pmem2(&s, NULL));
	ptr_state("src", s);
}
CASE(from_pmem2_anon)
{
	struct pmem2_source *p;
	need(pmem2_source_from_anon(&p, PAGE) == 0, "pmem2_source_from_anon");
	struct pmemset_source *s = UNTOUCHED;
	rc(pmemset_source_from_pmem2(&s, p));
	ptr_state("src", s);
}
CASE(from_pmem2_file)
{
	const char *path = make_file("p2", PAGE);
	int fd = open(path, O_RDWR);
	unlink(path);
	struct pmem2_source *p;
	need(pmem2_source_from_fd(&p, fd) == 0, "pmem2_source_from_fd");
	struct pmemset_source *s = NULL;
	rc(pmemset_source_from_pmem2(&s, p));
	ptr_state("src", s);
}
CASE(from_pmem2_null_src) { rc(pmemset_source_from_pmem2(NULL, NULL)); }
static void from_file(const char *path)
{
	struct pmemset_source *s = UNTOUCHED;
	rc(pmemset_source_from_file(&s, path));
	ptr_state("src", s);
}
CASE(from_file_null) { from_file(NULL); }
CASE(from_file_missing) { from_file(path_of("missing")); }
CASE(from_file_not_a_directory)
{
	const char *p = make_file("plain", PAGE);
	char below[600];
	snprintf(below, sizeof(below), "%s/below", p);
	from_file(below);
	unlink(p);
}
CASE(from_file_ok)
{
	const char *p = make_file("ok", PAGE);
	from_file(p);
	unlink(p);
}
CASE(from_file_null_src) { rc(pmemset_source_from_file(NULL, "/nonexistent")); }
static void xfrom_file(const char *path, unsigned flags)
{
	struct pmemset_source *s = UNTOUCHED;
	rc(pmemset_xsource_from_file(&s, path, flags));
	ptr_state("src", s);
}
CASE(xfrom_file_bad_flag) { xfrom_file(make_file("x", PAGE), 1u << 3); }
CASE(xfrom_file_bit31) { xfrom_file(make_file("x", PAGE), 1u << 31); }
CASE(xfrom_file_null_and_bad_flag) { xfrom_file(NULL, 1u << 3); }
CASE(xfrom_file_missing_no_flags) { xfrom_file(path_of("missing"), 0); }
CASE(xfrom_file_missing_create_if_needed)
{
	xfrom_file(path_of("created"), PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
	unlink(path_of("created"));
}
CASE(xfrom_file_create_always)
{
	xfrom_file(path_of("always"), PMEMSET_SOURCE_FILE_CREATE_ALWAYS);
	unlink(path_of("always"));
}
static void from_temp(const char *d)
{
	struct pmemset_source *s = UNTOUCHED;
	rc(pmemset_source_from_temporary(&s, d));
	ptr_state("src", s);
}
CASE(temporary_null) { from_temp(NULL); }
CASE(temporary_missing_dir) { from_temp(path_of("nodir")); }
CASE(temporary_ok) { from_temp(dir); }
CASE(temporary_file_as_dir)
{
	const char *p = make_file("notdir", PAGE);
	from_temp(p);
	unlink(p);
}
CASE(source_delete_null_inner)
{
	struct pmemset_source *s = NULL;
	rc(pmemset_source_delete(&s));
}
CASE(source_delete_twice)
{
	struct pmemset_source *s = temp_src();
	rc(pmemset_source_delete(&s));
	out(" ");
	rc(pmemset_source_delete(&s));
}

/* parts */
CASE(part_new_ok)
{
	struct pmemset_part *p = NULL;
	rc(pmemset_part_new(&p, set_new(), temp_src(), 0, PAGE));
	ptr_state("part", p);
}
CASE(part_new_no_range_check)
{
	struct pmemset_part *p = NULL;
	rc(pmemset_part_new(&p, set_new(), file_src(PAGE), SIZE_MAX, SIZE_MAX));
	ptr_state("part", p);
}
CASE(part_new_file_vanished)
{
	const char *path = make_file("vanish", PAGE);
	struct pmemset_source *s;
	need(pmemset_source_from_file(&s, path) == 0, "source_from_file");
	unlink(path);
	struct pmemset_part *p = UNTOUCHED;
	rc(pmemset_part_new(&p, set_new(), s, 0, PAGE));
}
CASE(part_map_source_deleted)
{
	/* Misuse: the source is deleted while a part made from it is alive. */
	struct pmemset_source *src = temp_src();
	struct pmemset_part *p;
	need(pmemset_part_new(&p, set_new(), src, 0, PAGE) == 0, "part_new");
	need(pmemset_source_delete(&src) == 0, "source_delete");
	rc(pmemset_part_map(&p, NULL, NULL));
}
CASE(part_delete_null_inner)
{
	struct pmemset_part *p = NULL;
	rc(pmemset_part_delete(&p));
}

/* part_map */
CASE(part_map_temp_page) { part_map(set_new(), temp_src(), 0, PAGE); }
CASE(part_map_temp_sizemax) { part_map(set_new(), temp_src(), 0, SIZE_MAX); }
CASE(part_map_temp_unaligned) { part_map(set_new(), temp_src(), 0, 5000); }
CASE(part_map_temp_offset_int64max_plus1) { part_map(set_new(), temp_src(), (size_t)INT64_MAX + 1, PAGE); }
CASE(part_map_temp_empty_whole) { part_map(set_new(), temp_src(), 0, 0); }
CASE(part_map_file_offset_int64max_plus1) { part_map(set_new(), file_src(PAGE), (size_t)INT64_MAX + 1, PAGE); }
CASE(part_map_file_past_end) { part_map(set_new(), file_src(PAGE), 0, 2 * PAGE); }
CASE(part_map_file_unaligned_offset) { part_map(set_new(), file_src(2 * PAGE), 1, PAGE); }
CASE(part_map_file_whole) { part_map(set_new(), file_src(2 * PAGE), 0, 0); }
CASE(part_map_null_part) { rc(pmemset_part_map(NULL, NULL, NULL)); }
CASE(part_map_consumed_part)
{
	struct pmemset_part *p;
	need(pmemset_part_new(&p, set_new(), temp_src(), 0, PAGE) == 0, "part_new");
	need(pmemset_part_map(&p, NULL, NULL) == 0, "part_map");
	rc(pmemset_part_map(&p, NULL, NULL));
}
CASE(part_map_reservation_full)
{
	struct pmem2_vm_reservation *r;
	need(pmem2_vm_reservation_new(&r, NULL, PAGE) == 0, "vm_reservation_new");
	struct pmemset_config *c = cfg_page();
	pmemset_config_set_reservation(c, r);
	struct pmemset *s;
	need(pmemset_new(&s, c) == 0, "pmemset_new");
	part_map(s, temp_src(), 0, 2 * PAGE);
}

/* queries on a set */
CASE(granularity_nothing_mapped)
{
	enum pmem2_granularity g = (enum pmem2_granularity)77;
	rc(pmemset_get_store_granularity(set_new(), &g));
}
CASE(granularity_nothing_mapped_null_g) { rc(pmemset_get_store_granularity(set_new(), NULL)); }
CASE(granularity_after_map)
{
	struct pmemset *s = set_new();
	map_one(s, temp_src(), PAGE);
	enum pmem2_granularity g = (enum pmem2_granularity)77;
	rc(pmemset_get_store_granularity(s, &g));
	out(" g=%d", (int)g);
}
CASE(by_address_miss)
{
	struct pmemset_part_map *m = UNTOUCHED;
	rc(pmemset_part_map_by_address(set_new(), &m, (void *)(uintptr_t)PAGE));
}
CASE(first_part_map_empty)
{
	struct pmemset_part_map *m = UNTOUCHED;
	pmemset_first_part_map(set_new(), &m);
	ptr_state("pmap", m);
}
CASE(remove_range_no_overlap)
{
	struct pmemset *s = set_new();
	map_one(s, temp_src(), PAGE);
	rc(pmemset_remove_range(s, (void *)(uintptr_t)PAGE, PAGE));
}
CASE(remove_range_referenced)
{
	struct pmemset *s = set_new();
	map_one(s, temp_src(), PAGE);
	struct pmemset_part_map *m;
	pmemset_first_part_map(s, &m);
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(m);
	rc(pmemset_remove_range(s, d.addr, d.size));
}
CASE(remove_part_map_referenced_twice)
{
	struct pmemset *s = set_new();
	map_one(s, temp_src(), PAGE);
	struct pmemset_part_map *m, *again;
	pmemset_first_part_map(s, &m);
	pmemset_first_part_map(s, &again);
	rc(pmemset_remove_part_map(s, &m));
}
CASE(remove_part_map_other_set)
{
	struct pmemset *a = set_new(), *b = set_new();
	map_one(b, temp_src(), PAGE);
	struct pmemset_part_map *m;
	pmemset_first_part_map(b, &m);
	rc(pmemset_remove_part_map(a, &m));
}
CASE(remove_part_map_ok)
{
	struct pmemset *s = set_new();
	map_one(s, temp_src(), PAGE);
	struct pmemset_part_map *m;
	pmemset_first_part_map(s, &m);
	rc(pmemset_remove_part_map(s, &m));
	ptr_state("pmap", m);
}
static void coalescing(int v)
{
	rc(pmemset_set_contiguous_part_coalescing(set_new(), (enum pmemset_coalescing)v));
}
CASE(coalescing_full) { coalescing(PMEMSET_COALESCING_FULL); }
CASE(coalescing_3) { coalescing(3); }
CASE(coalescing_minus1) { coalescing(-1); }
CASE(deep_flush_empty_set) { rc(pmemset_deep_flush(set_new(), (void *)(uintptr_t)PAGE, PAGE)); }
CASE(persist_nothing_mapped)
{
	/* FACTS 11.17: with no part ever mapped the reference calls a NULL pointer. */
	char buf[64];
	rc(pmemset_persist(set_new(), buf, sizeof(buf)));
}
CASE(err_to_errno)
{
	out("%d %d %d", pmemset_err_to_errno(PMEMSET_E_NOSUPP), pmemset_err_to_errno(PMEMSET_E_PART_NOT_FOUND),
	    pmemset_err_to_errno(-ENOMEM));
}

struct test_case {
	const char *name;
	void (*fn)(void);
};
#define T(name) {"pmemset_" #name, case_##name}
static const struct test_case cases[] = {
	T(config_new_null), T(config_new_ok), T(config_delete_null_inner), T(config_gran_page), T(config_gran_3),
	T(config_gran_minus1), T(config_gran_null_cfg), T(new_no_granularity), T(new_ok), T(new_null_set),
	T(new_null_cfg), T(delete_null_inner), T(delete_with_part_mapped), T(from_pmem2_null),
	T(from_pmem2_anon), T(from_pmem2_file), T(from_pmem2_null_src), T(from_file_null), T(from_file_missing),
	T(from_file_not_a_directory), T(from_file_ok), T(from_file_null_src), T(xfrom_file_bad_flag),
	T(xfrom_file_bit31), T(xfrom_file_null_and_bad_flag), T(xfrom_file_missing_no_flags),
	T(xfrom_file_missing_create_if_needed), T(xfrom_file_create_always), T(temporary_null),
	T(temporary_missing_dir), T(temporary_ok), T(temporary_file_as_dir), T(source_delete_null_inner),
	T(source_delete_twice), T(part_new_ok), T(part_new_no_range_check), T(part_new_file_vanished),
	T(part_delete_null_inner), T(part_map_source_deleted), T(part_map_temp_page), T(part_map_temp_sizemax), T(part_map_temp_unaligned),
	T(part_map_temp_offset_int64max_plus1), T(part_map_temp_empty_whole),
	T(part_map_file_offset_int64max_plus1), T(part_map_file_past_end), T(part_map_file_unaligned_offset),
	T(part_map_file_whole), T(part_map_null_part), T(part_map_consumed_part), T(part_map_reservation_full),
	T(granularity_nothing_mapped), T(granularity_nothing_mapped_null_g), T(granularity_after_map), T(by_address_miss), T(first_part_map_empty),
	T(remove_range_no_overlap), T(remove_range_referenced), T(remove_part_map_referenced_twice),
	T(remove_part_map_other_set), T(remove_part_map_ok), T(coalescing_full), T(coalescing_3),
	T(coalescing_minus1), T(deep_flush_empty_set), T(persist_nothing_mapped), T(err_to_errno),
};

/* Runs one case in a child, removes the files it left, prints its line. */
static void run(const struct test_case *tc)
{
	char buf[sizeof(result)];
	pid_t pid;
	const int status = run_child(tc->fn, buf, sizeof(buf), &pid);
	char pattern[512];
	snprintf(pattern, sizeof(pattern), "%s/pmemset_diff.%d.*", dir, (int)pid);
	glob_t files;
	if (glob(pattern, 0, NULL, &files) == 0) {
		for (size_t i = 0; i < files.gl_pathc; i++)
			unlink(files.gl_pathv[i]);
		globfree(&files);
	}
	print_outcome("", tc->name, status, buf);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	dir = getenv("PMEM2_DIFF_EXT4") ? getenv("PMEM2_DIFF_EXT4") : "/tmp";
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (only == NULL || strncmp(cases[i].name, only, strlen(only)) == 0)
			run(&cases[i]);
	return 0;
}
