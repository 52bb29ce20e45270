/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmemset_log.c -- an append-only log whose storage is several files, mapped by
 * libpmemset as one contiguous address range (FULL part coalescing), so records
 * may straddle file boundaries without the program knowing where they are.
 *
 *   pmemset_log <dir> [files] [pages-per-file]
 *
 * Creates the files in <dir> (growing them as parts are mapped), appends
 * records with pmemset_memcpy and publishes each with a persisted 8-byte
 * header update, then maps the files again in a fresh set and checks every
 * record. Exits 0 when all records read back intact; removes its files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#define LOG_MAGIC 0x474f4c5445534d50ULL /* "PMSETLOG" */

struct log_header {
	uint64_t magic;
	uint64_t used; /* bytes of records after the header */
};

struct record_header {
	uint64_t len;
	uint64_t checksum;
};

static uint64_t checksum(const unsigned char *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

struct events {
	unsigned parts_added;
	unsigned drains;
};

static int on_event(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct events *ev = arg;
	(void)set;
	if (ctx->type == PMEMSET_EVENT_PART_ADD)
		ev->parts_added++;
	else if (ctx->type == PMEMSET_EVENT_DRAIN)
		ev->drains++;
	return 0;
}

/* Maps every file into one set as one part map, described by *whole. */
static int open_log(char **paths, int nfiles, size_t file_size, unsigned flags,
	struct events *ev, struct pmemset **set_out, struct pmemset_config **cfg_out,
	struct pmemset_source **srcs, struct pmemset_part_descriptor *whole)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg)) {
		pmemset_perror("pmemset_config_new");
		return -1;
	}
	*cfg_out = cfg; /* the caller frees what was made, also on failure */
	if (pmemset_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE)) {
		pmemset_perror("config");
		return -1;
	}
	pmemset_config_set_event_callback(cfg, on_event, ev);
	if (pmemset_new(&set, cfg)) {
		pmemset_perror("pmemset_new");
		return -1;
	}
	*set_out = set;
	if (pmemset_set_contiguous_part_coalescing(set, PMEMSET_COALESCING_FULL)) {
		pmemset_perror("coalescing");
		return -1;
	}
	for (int i = 0; i < nfiles; i++) {
		struct pmemset_part *part;
		int ret = flags ? pmemset_xsource_from_file(&srcs[i], paths[i], flags)
				: pmemset_source_from_file(&srcs[i], paths[i]);
		if (ret || pmemset_part_new(&part, set, srcs[i], 0, file_size) ||
			pmemset_part_map(&part, NULL, whole)) {
			pmemset_perror("mapping %s", paths[i]);
			return -1;
		}
	}
	return 0;
}

static void close_log(struct pmemset **set, struct pmemset_config **cfg,
	struct pmemset_source **srcs, int nfiles)
{
	pmemset_delete(set);
	for (int i = 0; i < nfiles; i++)
		pmemset_source_delete(&srcs[i]);
	pmemset_config_delete(cfg);
}

/* Fills a fresh log with records; returns how many were written (0: failure). */
static unsigned write_log(char **paths, int nfiles, size_t file_size)
{
	struct events ev = {0, 0};
	struct pmemset *set = NULL;
	struct pmemset_config *cfg = NULL;
	struct pmemset_source *srcs[64] = {NULL};
	struct pmemset_part_descriptor whole = {NULL, 0};
	unsigned written = 0;
	if (open_log(paths, nfiles, file_size,
		    PMEMSET_SOURCE_FILE_CREATE_ALWAYS | PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED, &ev,
		    &set, &cfg, srcs, &whole) == 0) {
		if (whole.size != file_size * (size_t)nfiles) {
			fprintf(stderr, "files not coalesced: %zu bytes in one range\n", whole.size);
		} else {
			struct log_header *log = whole.addr;
			unsigned char *data = (unsigned char *)(log + 1);
			size_t capacity = whole.size - sizeof(*log);
			unsigned char payload[1000];
			log->magic = LOG_MAGIC;
			log->used = 0;
			pmemset_persist(set, log, sizeof(*log));
			for (;;) {
				size_t len = 37 + (written * 131) % (sizeof(payload) - 37);
				if (log->used + sizeof(struct record_header) + len > capacity)
					break;
				for (size_t i = 0; i < len; i++)
					payload[i] = (unsigned char)(written * 7 + i);
				struct record_header rh = {len, checksum(payload, len)};
				unsigned char *at = data + log->used;
				/* The record first (no fence per copy), one drain for both... */
				pmemset_memcpy(set, at, &rh, sizeof(rh), PMEMSET_F_MEM_NODRAIN);
				pmemset_memcpy(set, at + sizeof(rh), payload, len, PMEMSET_F_MEM_NODRAIN);
				pmemset_drain(set);
				/* ...then publish it with one 8-byte store, persisted. */
				log->used += sizeof(rh) + len;
				pmemset_persist(set, &log->used, sizeof(log->used));
				written++;
			}
			printf("wrote %u records (%llu bytes) across %d files mapped at %p (+%zu); "
			       "events: %u parts added, %u drains\n",
				written, (unsigned long long)log->used, nfiles, whole.addr, whole.size,
				ev.parts_added, ev.drains);
		}
	}
	close_log(&set, &cfg, srcs, nfiles);
	return written;
}

/* Maps the files again in a new set; returns the number of intact records. */
static unsigned verify_log(char **paths, int nfiles, size_t file_size)
{
	struct events ev = {0, 0};
	struct pmemset *set = NULL;
	struct pmemset_config *cfg = NULL;
	struct pmemset_source *srcs[64] = {NULL};
	struct pmemset_part_descriptor whole = {NULL, 0};
	unsigned read_back = 0;
	if (open_log(paths, nfiles, file_size, 0, &ev, &set, &cfg, srcs, &whole) == 0) {
		struct log_header *log = whole.addr;
		unsigned char *data = (unsigned char *)(log + 1);
		if (log->magic != LOG_MAGIC) {
			fprintf(stderr, "bad magic\n");
		} else {
			uint64_t off = 0;
			while (off < log->used) {
				struct record_header rh;
				memcpy(&rh, data + off, sizeof(rh));
				if (checksum(data + off + sizeof(rh), rh.len) != rh.checksum) {
					fprintf(stderr, "record %u corrupt\n", read_back);
					break;
				}
				off += sizeof(rh) + rh.len;
				read_back++;
			}
			printf("read back %u records intact\n", read_back);
		}
	}
	close_log(&set, &cfg, srcs, nfiles);
	return read_back;
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <dir> [files] [pages-per-file]\n", argv[0]);
		return 2;
	}
	int nfiles = argc > 2 ? atoi(argv[2]) : 4;
	long pages = argc > 3 ? atol(argv[3]) : 2;
	if (nfiles < 1 || nfiles > 64 || pages < 1) {
		fprintf(stderr, "files must be 1..64, pages at least 1\n");
		return 2;
	}
	size_t file_size = (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
	char *paths[64];
	for (int i = 0; i < nfiles; i++) {
		paths[i] = malloc(strlen(argv[1]) + 32);
		sprintf(paths[i], "%s/pmemset-log.%d.%d", argv[1], (int)getpid(), i);
	}
	unsigned written = write_log(paths, nfiles, file_size);
	unsigned intact = written ? verify_log(paths, nfiles, file_size) : 0;
	for (int i = 0; i < nfiles; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	return (written > 0 && intact == written) ? 0 : 1;
}
