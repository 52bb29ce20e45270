/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemset.h -- the public interface of libpmemset.so.1 (version node
 * LIBPMEMSET_1.0): a set of part mappings made with libpmem2, managed as one
 * object, with persistence primitives and events.
 *
 * Every constant and structure layout equals PMDK's part_new/part_map API
 * generation of libpmemset (x86-64 LP64); a program built against that header
 * runs unchanged with this library. Valid C99 and C++.
 *
 * Error codes: functions returning int give 0 on success, and on failure a
 * negative PMEMSET_E_* code, a negative errno value (-ENOMEM, -EINVAL for a NULL
 * object or out-pointer, ...) or, where noted, a PMEM2_E_* code passed through
 * from libpmem2. The message of the last failure of the calling thread is
 * returned by pmemset_errormsg(); libpmem2's own message stays in
 * pmem2_errormsg().
 *
 * Thread safety: a set may be used from several threads at once (an internal
 * reader-writer lock guards its part maps; reference counts are atomic). Configs,
 * sources and parts are plain objects owned by one thread at a time. Event
 * callbacks run without any library lock held, so a callback may call back into
 * the set.
 */
#ifndef LIBPMEMSET_H
#define LIBPMEMSET_H 1

#include <stddef.h>
#include <stdint.h>

#include <libpmem2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- error codes ---- */

#define PMEMSET_E_UNKNOWN				(-200000)
#define PMEMSET_E_NOSUPP				(-200001)
#define PMEMSET_E_INVALID_PMEM2_SOURCE			(-200002)
#define PMEMSET_E_INVALID_SOURCE_PATH			(-200003)
#define PMEMSET_E_INVALID_SOURCE_TYPE			(-200004)
#define PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE	(-200005)
#define PMEMSET_E_INVALID_OFFSET_VALUE			(-200006)
#define PMEMSET_E_GRANULARITY_NOT_SUPPORTED		(-200007)
#define PMEMSET_E_INVALID_PMEM2_MAP			(-200008)
#define PMEMSET_E_PART_EXISTS				(-200009)
#define PMEMSET_E_GRANULARITY_NOT_SET			(-200010)
#define PMEMSET_E_GRANULARITY_MISMATCH			(-200011)
#define PMEMSET_E_NO_PART_MAPPED			(-200012)
#define PMEMSET_E_CANNOT_FIND_PART_MAP			(-200013)
#define PMEMSET_E_CANNOT_COALESCE_PARTS			(-200014)
#define PMEMSET_E_LENGTH_UNALIGNED			(-200015)
#define PMEMSET_E_PART_NOT_FOUND			(-200016)
#define PMEMSET_E_INVALID_COALESCING_VALUE		(-200017)
#define PMEMSET_E_DEEP_FLUSH_FAIL			(-200018)
#define PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS	(-200019)
#define PMEMSET_E_CANNOT_CREATE_TEMP_FILE		(-200020)
#define PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE		(-200021)
#define PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP	(-200022)
#define PMEMSET_E_CANNOT_FIT_PART_MAP			(-200023)

/* ---- opaque objects ---- */

struct pmemset;
struct pmemset_config;
struct pmemset_source;
struct pmemset_part;
struct pmemset_part_map;
/* Declared for pmemset_extras only; never defined. */
struct pmemset_part_shutdown_state_data;

/* ---- configuration (see pmemset_config_new(3)) ---- */

/* Allocates an empty config (no granularity, reservation or callback); -ENOMEM. */
int pmemset_config_new(struct pmemset_config **cfg);
/* Frees *cfg and sets it to NULL; NULL *cfg is a no-op. Always 0 (-EINVAL for cfg NULL). */
int pmemset_config_delete(struct pmemset_config **cfg);

/* The largest store granularity the set may accept (BYTE, CACHE_LINE or PAGE);
 * PMEMSET_E_GRANULARITY_NOT_SUPPORTED for another value. Required by pmemset_new. */
int pmemset_config_set_required_store_granularity(struct pmemset_config *cfg,
	enum pmem2_granularity g);
/* Restricts every part mapping of the set to rsv (owned by the caller, which must
 * outlive the set; the set never resizes it). NULL removes the restriction. */
void pmemset_config_set_reservation(struct pmemset_config *cfg,
	struct pmem2_vm_reservation *rsv);

/* ---- events (see pmemset_config_set_event_callback(3)) ---- */

/* Bytes reserved for the payload union of struct pmemset_event_context. */
#define PMEMSET_EVENT_CONTEXT_SIZE (64)

enum pmemset_event {
	PMEMSET_EVENT_COPY,		/* before pmemset_memcpy: data.copy */
	PMEMSET_EVENT_MOVE,		/* before pmemset_memmove: data.move */
	PMEMSET_EVENT_SET,		/* before pmemset_memset: data.set */
	PMEMSET_EVENT_FLUSH,		/* before pmemset_flush/persist: data.flush */
	PMEMSET_EVENT_DRAIN,		/* after pmemset_drain/persist/mem* without NODRAIN: no payload */
	PMEMSET_EVENT_PERSIST,		/* reserved, never fired */
	PMEMSET_EVENT_BAD_BLOCK,	/* reserved, never fired */
	PMEMSET_EVENT_REMOVE_RANGE,	/* first thing in pmemset_remove_range: data.remove_range */
	PMEMSET_EVENT_PART_ADD,		/* after a successful pmemset_part_map: data.part_add */
	PMEMSET_EVENT_PART_REMOVE,	/* before a whole part map is unmapped: data.part_remove */
};

struct pmemset_event_copy {
	void *src;
	void *dest;
	size_t len;
	unsigned flags;
};

struct pmemset_event_move {
	void *src;
	void *dest;
	size_t len;
	unsigned flags;
};

struct pmemset_event_set {
	void *dest;
	int value;
	size_t len;
	unsigned flags;
};

struct pmemset_event_flush {
	void *addr;
	size_t len;
};

struct pmemset_event_persist {
	void *addr;
	size_t len;
};

struct pmemset_event_bad_block {
	void *addr;
	size_t len;
};

struct pmemset_event_remove_range {
	void *addr;
	size_t len;
};

struct pmemset_event_part_remove {
	void *addr;
	size_t len;
};

/* The whole (possibly coalesced) part map and the pmem2 source of the new part;
 * src is valid during the callback only. */
struct pmemset_event_part_add {
	void *addr;
	size_t len;
	struct pmem2_source *src;
};

/* A tagged union: `type` says which member of `data` is meaningful. Valid only
 * during the callback. */
struct pmemset_event_context {
	enum pmemset_event type;
	union {
		char _data[PMEMSET_EVENT_CONTEXT_SIZE];
		struct pmemset_event_copy copy;
		struct pmemset_event_move move;
		struct pmemset_event_set set;
		struct pmemset_event_flush flush;
		struct pmemset_event_persist persist;
		struct pmemset_event_bad_block bad_block;
		struct pmemset_event_remove_range remove_range;
		struct pmemset_event_part_remove part_remove;
		struct pmemset_event_part_add part_add;
	} data;
};

/* Called synchronously, on the thread making the pmemset_* call, with no library
 * lock held. The return value is ignored by every event of this version. */
typedef int pmemset_event_callback(struct pmemset *set,
	struct pmemset_event_context *ctx, void *arg);

/* Installs callback (NULL: none) and its argument in cfg. */
void pmemset_config_set_event_callback(struct pmemset_config *cfg,
	pmemset_event_callback *callback, void *arg);

/* ---- the set (see pmemset_new(3)) ---- */

/* Creates a set from a copy of cfg. PMEMSET_E_GRANULARITY_NOT_SET when cfg has no
 * granularity, -ENOMEM. *set is NULL on failure. */
int pmemset_new(struct pmemset **set, struct pmemset_config *cfg);
/* Unmaps every part map (no events, references ignored), deletes the reservations
 * the set made, frees *set and sets it to NULL. NULL *set is a no-op. Always 0. */
int pmemset_delete(struct pmemset **set);

/* ---- sources (see pmemset_source_from_file(3)) ---- */

/* Flags of pmemset_xsource_from_file. */
#define PMEMSET_SOURCE_FILE_CREATE_ALWAYS	(1U << 0)	/* O_CREAT|O_TRUNC, mode 0644 & ~umask */
#define PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED	(1U << 1)	/* O_CREAT, mode 0644 & ~umask */
#define PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED	(1U << 2)	/* grow the file at part map time */
#define PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS \
	(PMEMSET_SOURCE_FILE_CREATE_ALWAYS | \
	PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED | \
	PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED)

/* Wraps pmem2_src (borrowed: it and its fd must outlive the source and its parts).
 * PMEMSET_E_INVALID_PMEM2_SOURCE for NULL; PMEM2_E_FILE_DESCRIPTOR_NOT_SET for an
 * anonymous pmem2 source; -ENOMEM. */
int pmemset_source_from_pmem2(struct pmemset_source **src,
	struct pmem2_source *pmem2_src);
/* Opens the existing file read-write. PMEMSET_E_INVALID_SOURCE_PATH for NULL or a
 * missing file; -errno from stat/open; PMEM2_E_* from pmem2_source_from_fd. */
int pmemset_source_from_file(struct pmemset_source **src, const char *file);
/* As pmemset_source_from_file, with PMEMSET_SOURCE_FILE_* flags;
 * PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS for unknown bits. */
int pmemset_xsource_from_file(struct pmemset_source **src, const char *file,
	unsigned flags);
/* An unnamed file of size 0 (mode 0600) in directory dir, grown as parts need;
 * it disappears when the source is deleted. PMEMSET_E_INVALID_SOURCE_PATH for NULL
 * or a missing dir; PMEMSET_E_CANNOT_CREATE_TEMP_FILE; -ENOMEM. */
int pmemset_source_from_temporary(struct pmemset_source **src, const char *dir);
/* Frees *src and closes the files the library opened (mappings stay valid); sets
 * *src to NULL. NULL *src is a no-op. Always 0. */
int pmemset_source_delete(struct pmemset_source **src);

/* ---- parts and part maps (see pmemset_part_new(3), pmemset_part_map(3)) ---- */

/* Address and size in bytes of a whole part map. */
struct pmemset_part_descriptor {
	void *addr;
	size_t size;
};

enum pmemset_part_state {
	PMEMSET_PART_STATE_INDETERMINATE,
	PMEMSET_PART_STATE_OK,
	PMEMSET_PART_STATE_OK_BUT_INTERRUPTED,
	PMEMSET_PART_STATE_CORRUPTED,
};

/* Optional inputs/outputs of pmemset_part_map; accepted and ignored by this
 * version (pass NULL). */
struct pmemset_extras {
	const struct pmemset_part_shutdown_state_data *sds_in;
	struct pmemset_part_shutdown_state_data *sds_out;
	enum pmemset_part_state *state;
};

/* Describes `length` bytes (0: the whole source size) at byte `offset` of src, to
 * be mapped into set. The source path is checked again here:
 * PMEMSET_E_INVALID_SOURCE_PATH, -errno from stat(2), -ENOMEM. */
int pmemset_part_new(struct pmemset_part **part, struct pmemset *set,
	struct pmemset_source *src, size_t offset, size_t length);
/* Frees an unmapped part; sets *part to NULL. Always 0. */
int pmemset_part_delete(struct pmemset_part **part);

/* Maps *part_ptr into its set and consumes it (*part_ptr = NULL); stores the
 * whole resulting part map in *desc when desc is not NULL. Errors:
 * PMEMSET_E_INVALID_OFFSET_VALUE, PMEMSET_E_LENGTH_UNALIGNED,
 * PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE, PMEMSET_E_INVALID_PMEM2_MAP,
 * PMEMSET_E_GRANULARITY_MISMATCH, PMEMSET_E_CANNOT_COALESCE_PARTS,
 * PMEMSET_E_CANNOT_FIT_PART_MAP, PMEM2_E_* from pmem2_source_size or
 * pmem2_vm_reservation_new, -ENOMEM. Fires PMEMSET_EVENT_PART_ADD on success. */
int pmemset_part_map(struct pmemset_part **part_ptr,
	struct pmemset_extras *extra, struct pmemset_part_descriptor *desc);

/* Drops a reference taken by first/next/by_address; sets *pmap to NULL. */
void pmemset_part_map_drop(struct pmemset_part_map **pmap);
/* The part map containing addr, with a reference taken;
 * PMEMSET_E_CANNOT_FIND_PART_MAP when there is none. */
int pmemset_part_map_by_address(struct pmemset *set,
	struct pmemset_part_map **pmap, void *addr);
/* The part map of lowest address, with a reference taken; NULL if none. */
void pmemset_first_part_map(struct pmemset *set, struct pmemset_part_map **pmap);
/* The part map following cur by address, with a reference taken; NULL if none. */
void pmemset_next_part_map(struct pmemset *set, struct pmemset_part_map *cur,
	struct pmemset_part_map **next);
/* Address and size of pmap ({NULL, 0} for NULL). */
struct pmemset_part_descriptor pmemset_descriptor_part_map(
	struct pmemset_part_map *pmap);

/* Unmaps the whole part map *part (the caller's own reference may still be
 * held, no other) and sets *part to NULL. PMEMSET_E_PART_NOT_FOUND,
 * PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP. Fires PMEMSET_EVENT_PART_REMOVE. */
int pmemset_remove_part_map(struct pmemset *set, struct pmemset_part_map **part);
/* Unmaps every part (pmem2 mapping) of the set intersecting [addr, addr+len);
 * part maps are trimmed or split accordingly. No intersection returns 0.
 * PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP when an intersecting part map is
 * referenced; PMEM2_E_* from pmem2_map_delete. Fires PMEMSET_EVENT_REMOVE_RANGE,
 * then PMEMSET_EVENT_PART_REMOVE for each part map removed whole. */
int pmemset_remove_range(struct pmemset *set, void *addr, size_t len);

enum pmemset_coalescing {
	PMEMSET_COALESCING_NONE,		/* each part map gets its own place */
	PMEMSET_COALESCING_OPPORTUNISTIC,	/* right after the previous one if possible */
	PMEMSET_COALESCING_FULL,		/* right after the previous one, or fail */
};

/* PMEMSET_E_INVALID_COALESCING_VALUE for a value outside the enum. */
int pmemset_set_contiguous_part_coalescing(struct pmemset *set,
	enum pmemset_coalescing value);

/* The effective granularity shared by every part map of the set;
 * PMEMSET_E_NO_PART_MAPPED before the first part map. */
int pmemset_get_store_granularity(struct pmemset *set, enum pmem2_granularity *g);

/* ---- persistence (libpmem2's functions for the set's granularity) ---- */

/* Flags of the mem functions; same values as PMEM2_F_MEM_*. */
#define PMEMSET_F_MEM_NODRAIN		(1U << 0)
#define PMEMSET_F_MEM_NONTEMPORAL	(1U << 1)
#define PMEMSET_F_MEM_TEMPORAL		(1U << 2)
#define PMEMSET_F_MEM_WC		(1U << 3)
#define PMEMSET_F_MEM_WB		(1U << 4)
#define PMEMSET_F_MEM_NOFLUSH		(1U << 5)
#define PMEMSET_F_MEM_VALID_FLAGS \
	(PMEMSET_F_MEM_NODRAIN | \
	PMEMSET_F_MEM_NONTEMPORAL | \
	PMEMSET_F_MEM_TEMPORAL | \
	PMEMSET_F_MEM_WC | \
	PMEMSET_F_MEM_WB | \
	PMEMSET_F_MEM_NOFLUSH)

/* 0 on success; PMEMSET_E_NO_PART_MAPPED while no part was ever mapped (the set
 * has no persistence functions yet). Events: FLUSH before flush and persist,
 * DRAIN after drain and persist. */
int pmemset_persist(struct pmemset *set, void *ptr, size_t size);
int pmemset_flush(struct pmemset *set, void *ptr, size_t size);
int pmemset_drain(struct pmemset *set);
/* Deep flush of every part of the set intersecting [ptr, ptr+size);
 * PMEMSET_E_DEEP_FLUSH_FAIL. */
int pmemset_deep_flush(struct pmemset *set, void *ptr, size_t size);

/* Return pmemdest; NULL (with the message set) while no part was ever mapped.
 * Events: COPY/MOVE/SET before, DRAIN after unless PMEMSET_F_MEM_NODRAIN. */
void *pmemset_memcpy(struct pmemset *set, void *pmemdest, void *src, size_t len,
	unsigned flags);
void *pmemset_memmove(struct pmemset *set, void *pmemdest, void *src, size_t len,
	unsigned flags);
void *pmemset_memset(struct pmemset *set, void *pmemdest, int c, size_t len,
	unsigned flags);

/* ---- errors ---- */

/* The calling thread's last libpmemset error message ("" before any). */
const char *pmemset_errormsg(void);
/* Prints format (printf-style), ": " and pmemset_errormsg() to stderr. */
void pmemset_perror(const char *format, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* The errno value for a libpmemset (or libpmem2) return code: NOSUPP gives
 * ENOTSUP, library-specific codes EINVAL, -errno codes errno. */
int pmemset_err_to_errno(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBPMEMSET_H */
