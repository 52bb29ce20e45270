/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * async_diff.c -- a differential driver of libpmem2's asynchronous API. Built
 * against a <libpmem2.h> with PMEM2_USE_MINIASYNC and miniasync's headers, run
 * once on the reference library and once on ours (LD_LIBRARY_PATH), it prints a
 * transcript that holds no address and no timing: only codes, states, flags,
 * sizes, offsets relative to the map, and whether the data is what memmove or
 * memset would have produced. The two transcripts must be equal.
 *
 * usage: async_diff MOVER DIR   (MOVER: default, sync, threads, custom)
 * The store granularity is chosen by the caller through PMEM2_FORCE_GRANULARITY.
 */
#define _GNU_SOURCE
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>
#include <libminiasync.h>

#include <fcntl.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAP_SIZE (16u << 20)

static struct pmem2_map *g_map;
static char *g_base;
static char *g_shadow; /* what the map must hold */
static struct vdm *g_user_vdm;
static int g_deterministic; /* polls and states do not depend on timing */

static void die(const char *what)
{
	fprintf(stderr, "async_diff: %s: %s\n", what, pmem2_errormsg());
	exit(2);
}

static long off_of(const void *p)
{
	return p == NULL ? -1 : (long)((const char *)p - g_base);
}

static int check_data(void)
{
	return memcmp(g_base, g_shadow, MAP_SIZE) == 0;
}

/* --- a deterministic user mover: records what it is given ------------------ */

static unsigned g_refuse; /* op_start refuses this many times per operation */
static int g_fail_new, g_corrupt;
static struct vdm_operation g_seen;
static unsigned g_starts, g_news, g_deletes;

struct custom_op { unsigned refused; };

static void *custom_new(struct vdm *v, enum vdm_operation_type t)
{
	(void)v;
	(void)t;
	g_news++;
	if (g_fail_new)
		return NULL;
	return calloc(1, sizeof(struct custom_op));
}

static int custom_start(void *data, const struct vdm_operation *op, struct future_notifier *n)
{
	struct custom_op *c = data;
	g_starts++;
	if (c->refused < g_refuse) {
		c->refused++;
		return 1;
	}
	if (n)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	g_seen = *op;
	switch (op->type) {
	case VDM_OPERATION_MEMCPY: memcpy(op->data.memcpy.dest, op->data.memcpy.src, op->data.memcpy.n); break;
	case VDM_OPERATION_MEMMOVE: memmove(op->data.memmove.dest, op->data.memmove.src, op->data.memmove.n); break;
	case VDM_OPERATION_MEMSET: memset(op->data.memset.str, op->data.memset.c, op->data.memset.n); break;
	default: break;
	}
	return 0;
}

static enum future_state custom_check(void *data, const struct vdm_operation *op)
{
	(void)data;
	(void)op;
	return FUTURE_STATE_COMPLETE;
}

static void custom_delete(void *data, const struct vdm_operation *op, struct vdm_operation_output *out)
{
	g_deletes++;
	out->type = op->type;
	out->result = g_corrupt ? VDM_ERROR_JOB_CORRUPTED : VDM_SUCCESS;
	out->output.memcpy.dest = op->type == VDM_OPERATION_MEMSET ? op->data.memset.str : op->data.memcpy.dest;
	free(data);
}

static int custom_property(void *fut, enum future_property p)
{
	(void)fut;
	return p == FUTURE_PROPERTY_ASYNC ? 7 : 0;
}

static struct vdm g_custom = {custom_new, custom_delete, custom_start, custom_check, 0, custom_property};

/* --- one future, described ------------------------------------------------- */

static const char *vdm_name(const struct vdm *v)
{
	if (v == NULL)
		return "null";
	return v == g_user_vdm ? "user" : "map-default";
}

static void describe(const char *tag, struct pmem2_future *f)
{
	struct vdm_operation_future *op = &f->data.op.fut;
	struct pmem2_persist_future *fin = &f->data.fin.fut.persist;
	printf("  %s: chain st=%d ds=%zu os=%zu task=%s hp=%s | op flags=%lu st=%d ds=%zu os=%zu task=%s hp=%s"
	       " vdm=%s data=%s type=%d pad=%u out.type=%d out.result=%d",
	       tag, FUTURE_STATE(f), f->base.context.data_size, f->base.context.output_size,
	       f->base.task ? "set" : "null", f->base.has_property ? "set" : "null",
	       (unsigned long)(uintptr_t)f->data.op.flags, FUTURE_STATE(op), op->base.context.data_size,
	       op->base.context.output_size, op->base.task ? "set" : "null",
	       op->base.has_property ? "set" : "null", vdm_name(op->data.vdm), op->data.data ? "set" : "null",
	       op->data.operation.type, op->data.operation.padding, op->output.type, op->output.result);
	if (op->data.operation.type == VDM_OPERATION_MEMSET)
		printf(" str=%ld c=%d n=%zu opflags=%lu", off_of(op->data.operation.data.memset.str),
		       op->data.operation.data.memset.c, op->data.operation.data.memset.n,
		       (unsigned long)op->data.operation.data.memset.flags);
	else
		printf(" dest=%ld n=%zu opflags=%lu", off_of(op->data.operation.data.memcpy.dest),
		       op->data.operation.data.memcpy.n, (unsigned long)op->data.operation.data.memcpy.flags);
	if (FUTURE_STATE(op) == FUTURE_STATE_COMPLETE && op->output.result == VDM_SUCCESS)
		printf(" out.dest=%ld", off_of(op->output.output.memcpy.dest));
	printf(" | fin flags=%lu map=%s st=%d ds=%zu os=%zu task=%s hp=%s ptr=%ld size=%zu"
	       " | map=%s,%s,%s,%s init=%s,%s | output.dest=%ld\n",
	       (unsigned long)(uintptr_t)f->data.fin.flags, fin->data.map == g_map ? "map" : "other",
	       FUTURE_STATE(fin), fin->base.context.data_size, fin->base.context.output_size,
	       fin->base.task ? "set" : "null", fin->base.has_property ? "set" : "null", off_of(fin->data.ptr),
	       fin->data.size, f->data.op.map ? "set" : "null", f->data.op.map_arg ? "set" : "null",
	       f->data.fin.map ? "set" : "null", f->data.fin.map_arg ? "set" : "null",
	       f->data.op.init ? "set" : "null", f->data.fin.init ? "set" : "null", off_of(f->output.dest));
}

static void wake_nothing(void *data)
{
	(void)data;
}

/* Polls to completion: busy (FUTURE_BUSY_POLL) or step by step with a notifier. */
static void run(struct pmem2_future *f, int step_by_step, int deterministic)
{
	if (!step_by_step) {
		FUTURE_BUSY_POLL(f);
		return;
	}
	unsigned polls = 0, bad = 0;
	int used = -1;
	enum future_state s;
	do {
		struct future_notifier n;
		memset(&n, 0xa5, sizeof(n));
		n.waker.data = NULL;
		n.waker.wake = wake_nothing;
		n.poller.ptr_to_monitor = NULL;
		s = future_poll(FUTURE_AS_RUNNABLE(f), &n);
		if (s != FUTURE_STATE_COMPLETE && s != FUTURE_STATE_RUNNING && s != FUTURE_STATE_IDLE)
			bad++;
		if (polls == 0)
			used = (int)n.notifier_used;
		polls++;
	} while (s != FUTURE_STATE_COMPLETE);
	if (deterministic)
		printf("  polls=%u notifier=%d bad=%u\n", polls, used, bad);
	else
		printf("  bad=%u\n", bad);
}

enum fn { MEMCPY, MEMMOVE, MEMSET };
static const char *fn_name[] = {"memcpy", "memmove", "memset"};

static struct pmem2_future start(enum fn fn, char *dest, const char *src, int c, size_t len, unsigned flags)
{
	switch (fn) {
	case MEMCPY:
		memmove(g_shadow + (dest - g_base), src >= g_base && src < g_base + MAP_SIZE ?
			g_shadow + (src - g_base) : src, len);
		return pmem2_memcpy_async(g_map, dest, src, len, flags);
	case MEMMOVE:
		memmove(g_shadow + (dest - g_base), src >= g_base && src < g_base + MAP_SIZE ?
			g_shadow + (src - g_base) : src, len);
		return pmem2_memmove_async(g_map, dest, src, len, flags);
	default:
		memset(g_shadow + (dest - g_base), c, len);
		return pmem2_memset_async(g_map, dest, c, len, flags);
	}
}

static void one(enum fn fn, size_t dest_off, const char *src, size_t len, unsigned flags, int step)
{
	int c = (int)(len * 31 + flags) & 0xff;
	printf("%s dest=%zu len=%zu flags=0x%x step=%d\n", fn_name[fn], dest_off, len, flags, step);
	struct pmem2_future f = start(fn, g_base + dest_off, src, c, len, flags);
	if (g_deterministic || FUTURE_STATE(&f.data.op.fut) != FUTURE_STATE_RUNNING)
		describe("new", &f);
	printf("  has_property=%d\n", future_has_property(FUTURE_AS_RUNNABLE(&f), FUTURE_PROPERTY_ASYNC));
	run(&f, step, g_deterministic);
	describe("done", &f);
	printf("  has_property=%d data=%s\n", future_has_property(FUTURE_AS_RUNNABLE(&f), FUTURE_PROPERTY_ASYNC),
	       check_data() ? "ok" : "WRONG");
}

static const unsigned flag_values[] = {
	0, PMEM2_F_MEM_NODRAIN, PMEM2_F_MEM_NONTEMPORAL, PMEM2_F_MEM_TEMPORAL, PMEM2_F_MEM_WC, PMEM2_F_MEM_WB,
	PMEM2_F_MEM_NOFLUSH, PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_TEMPORAL |
	PMEM2_F_MEM_WC | PMEM2_F_MEM_WB | PMEM2_F_MEM_NOFLUSH, 0x80000000u, 0xffffffffu};
static const size_t lengths[] = {0, 1, 7, 8, 63, 64, 65, 255, 256, 257, 4095, 4096, 4097,
				 65536 + 3, 1u << 20, (3u << 20) + 5};

static void sweep(const char *src)
{
	unsigned k = 0;
	for (int fn = MEMCPY; fn <= MEMSET; fn++)
		for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++)
			for (size_t fl = 0; fl < sizeof(flag_values) / sizeof(flag_values[0]); fl++, k++) {
				/* big lengths: fewer flag values, they only cost time */
				if (lengths[l] > 65536 && fl % 3 != 0)
					continue;
				size_t dest = 4096 + (k * 67) % 4096;
				one((enum fn)fn, dest, src + (k * 13) % 64, lengths[l], flag_values[fl], (int)(k & 1));
			}
}

static void overlapping(void)
{
	static const long shifts[] = {1, -1, 8, -8, 64, -64, 4097, -4097};
	static const size_t lens[] = {1, 100, 4096, 300000};
	for (size_t s = 0; s < sizeof(shifts) / sizeof(shifts[0]); s++)
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			size_t dest = (8u << 20) + 123;
			printf("overlap shift=%ld ", shifts[s]);
			one(MEMMOVE, dest, g_base + dest + shifts[s], lens[l], 0, (int)(l & 1));
		}
}

/* Futures created here, polled by another thread. */
#define OTHER 64
static struct pmem2_future g_other[OTHER];
static void *poll_all(void *arg)
{
	(void)arg;
	for (int i = 0; i < OTHER; i++)
		FUTURE_BUSY_POLL(&g_other[i]);
	return NULL;
}

static void other_thread(const char *src)
{
	for (int i = 0; i < OTHER; i++)
		g_other[i] = start(i % 3, g_base + (10u << 20) + (size_t)i * 8192, src + i, i, 5000 + (size_t)i, 0);
	pthread_t t;
	if (pthread_create(&t, NULL, poll_all, NULL) != 0)
		die("pthread_create");
	pthread_join(t, NULL);
	int complete = 0;
	for (int i = 0; i < OTHER; i++)
		complete += FUTURE_STATE(&g_other[i]) == FUTURE_STATE_COMPLETE &&
			    g_other[i].data.op.fut.output.result == VDM_SUCCESS;
	printf("other thread: %d of %d complete, data=%s\n", complete, OTHER, check_data() ? "ok" : "WRONG");
}

/* A thousand futures outstanding at once, polled round robin. */
static void thousand(const char *src)
{
	enum { N = 1000 };
	static struct pmem2_future f[N];
	for (int i = 0; i < N; i++)
		f[i] = start(i % 3, g_base + (12u << 20) + (size_t)i * 4096, src + i % 64, i & 0xff,
			     1 + (size_t)(i * 37) % 4000, 0);
	int pending = N, rounds = 0;
	while (pending > 0) {
		pending = 0;
		for (int i = 0; i < N; i++)
			pending += future_poll(FUTURE_AS_RUNNABLE(&f[i]), NULL) != FUTURE_STATE_COMPLETE;
		rounds++;
	}
	int ok = 0;
	for (int i = 0; i < N; i++)
		ok += f[i].data.op.fut.output.result == VDM_SUCCESS && f[i].output.dest == g_base + (12u << 20) +
			(size_t)i * 4096;
	printf("thousand: %d ok, data=%s", ok, check_data() ? "ok" : "WRONG");
	if (g_deterministic)
		printf(" rounds=%d", rounds);
	printf("\n");
}

/* The chain protocol: a caller's map function, lazy init and its own persist step. */
static int g_map_calls, g_init_calls;
static void user_map(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	struct vdm_operation_output *out = future_context_get_output(lhs);
	g_map_calls++;
	/* rhs is the chain itself when the operation is the last entry: its state then
	 * depends on how many polls a threaded mover needed. */
	printf("  map: lhs.state=%d out.dest=%ld rhs.data_size=%zu rhs.state=%d arg=%s\n", lhs->state,
	       off_of(out->output.memcpy.dest), rhs->data_size, g_deterministic ? (int)rhs->state : -1,
	       arg == &g_map_calls ? "ok" : "bad");
}
static void user_init(void *fut, struct future_context *chain, void *arg)
{
	union pmem2_finalize_future *fin = fut;
	struct pmem2_future_data *d = future_context_get_data(chain);
	g_init_calls++;
	printf("  init: chain.data_size=%zu arg=%s\n", chain->data_size, arg == &g_init_calls ? "ok" : "bad");
	*fin = pmem2_persist_future(g_map, d->op.fut.data.operation.data.memcpy.dest,
				    d->op.fut.data.operation.data.memcpy.n);
}

static void chain_protocol(const char *src)
{
	printf("chain protocol\n");
	struct pmem2_future f = start(MEMCPY, g_base + 100, src, 0, 1000, 0);
	f.data.op.map = user_map;
	f.data.op.map_arg = &g_map_calls;
	f.data.fin.init = user_init;
	f.data.fin.init_arg = &g_init_calls;
	FUTURE_BUSY_POLL(&f);
	describe("done", &f);
	printf("  map_calls=%d init_calls=%d data=%s\n", g_map_calls, g_init_calls, check_data() ? "ok" : "WRONG");

	/* A finished future polled again stays complete and does nothing. */
	printf("  repoll=%d\n", future_poll(FUTURE_AS_RUNNABLE(&f), NULL));

	/* The caller's own persist step (the header's inline helpers). */
	f = start(MEMSET, g_base + 5000, NULL, 'q', 777, 0);
	f.data.fin.fut = pmem2_persist_future(g_map, g_base + 5000, 777);
	FUTURE_BUSY_POLL(&f);
	describe("inline-fin", &f);
	printf("  data=%s\n", check_data() ? "ok" : "WRONG");
}

/* The map's default mover used directly through miniasync's vdm_* helpers. */
static void direct_default_mover(const char *src)
{
	struct pmem2_future f = pmem2_memcpy_async(g_map, g_base, g_base, 0, 0);
	struct vdm *v = f.data.op.fut.data.vdm;
	FUTURE_BUSY_POLL(&f);
	printf("default mover: caps=%u durable=%d has_property=%s\n", v->capabilities,
	       vdm_is_supported(v, VDM_F_MEM_DURABLE), v->has_property ? "set" : "null");
	for (unsigned fl = 0; fl <= VDM_F_MEM_DURABLE; fl++) {
		memcpy(g_shadow + 300000, src, 5000);
		struct vdm_operation_future o = vdm_memcpy(v, g_base + 300000, (void *)src, 5000, fl);
		FUTURE_BUSY_POLL(&o);
		memset(g_shadow + 400000, 'm', 3000);
		struct vdm_operation_future s = vdm_memset(v, g_base + 400000, 'm', 3000, fl);
		FUTURE_BUSY_POLL(&s);
		printf("  vdm flags=%u memcpy result=%d out=%ld memset result=%d out=%ld data=%s\n", fl,
		       o.output.result, off_of(o.output.output.memcpy.dest), s.output.result,
		       off_of(s.output.output.memset.str), check_data() ? "ok" : "WRONG");
	}
}

static void custom_cases(const char *src)
{
	g_refuse = 3;
	g_starts = g_news = g_deletes = 0;
	one(MEMCPY, 777, src, 333, PMEM2_F_MEM_NONTEMPORAL, 1);
	printf("  refusing mover: news=%u starts=%u deletes=%u seen type=%d n=%zu flags=%lu\n", g_news, g_starts,
	       g_deletes, g_seen.type, g_seen.data.memcpy.n, (unsigned long)g_seen.data.memcpy.flags);
	g_refuse = 0;
	g_corrupt = 1;
	one(MEMSET, 999, NULL, 0, 0, 1);
	g_corrupt = 0;
	g_fail_new = 1;
	printf("failing op_new (nothing is copied)\n");
	struct pmem2_future f = pmem2_memmove_async(g_map, g_base + 2000, src, 100, 0);
	describe("new", &f);
	printf("  has_property=%d\n", future_has_property(FUTURE_AS_RUNNABLE(&f), FUTURE_PROPERTY_ASYNC));
	FUTURE_BUSY_POLL(&f);
	describe("done", &f);
	printf("  data=%s\n", check_data() ? "ok" : "WRONG");
	g_fail_new = 0;
}

/* sizeof and offsetof of every member of struct pmem2_future, as this header lays it out. */
#define L(expr) printf("%-58s size=%zu offset=%zu\n", #expr, sizeof(((struct pmem2_future *)0)->expr), \
		       offsetof(struct pmem2_future, expr))
static void layout(void)
{
	printf("sizeof(struct pmem2_future)=%zu align=%zu\n", sizeof(struct pmem2_future),
	       _Alignof(struct pmem2_future));
	L(base); L(base.task); L(base.has_property); L(base.context); L(base.context.data_size);
	L(base.context.output_size); L(base.context.state); L(base.context.padding);
	L(data); L(data.op); L(data.op.map); L(data.op.map_arg); L(data.op.init); L(data.op.init_arg);
	L(data.op.flags); L(data.op.fut); L(data.op.fut.base); L(data.op.fut.data); L(data.op.fut.data.data);
	L(data.op.fut.data.vdm); L(data.op.fut.data.operation); L(data.op.fut.data.operation.data);
	L(data.op.fut.data.operation.data.memcpy.dest); L(data.op.fut.data.operation.data.memcpy.src);
	L(data.op.fut.data.operation.data.memcpy.n); L(data.op.fut.data.operation.data.memcpy.flags);
	L(data.op.fut.data.operation.data.memmove.dest); L(data.op.fut.data.operation.data.memmove.flags);
	L(data.op.fut.data.operation.data.memset.str); L(data.op.fut.data.operation.data.memset.c);
	L(data.op.fut.data.operation.data.memset.n); L(data.op.fut.data.operation.data.memset.flags);
	L(data.op.fut.data.operation.data.flush.dest); L(data.op.fut.data.operation.data.flush.n);
	L(data.op.fut.data.operation.data.flush.flags); L(data.op.fut.data.operation.data.data);
	L(data.op.fut.data.operation.type); L(data.op.fut.data.operation.padding);
	L(data.op.fut.output); L(data.op.fut.output.type); L(data.op.fut.output.result);
	L(data.op.fut.output.output); L(data.op.fut.output.output.memcpy.dest);
	L(data.op.fut.output.output.memset.str); L(data.op.fut.output.output.flush.unused);
	L(data.fin); L(data.fin.map); L(data.fin.map_arg); L(data.fin.init); L(data.fin.init_arg);
	L(data.fin.flags); L(data.fin.fut); L(data.fin.fut.persist); L(data.fin.fut.persist.base);
	L(data.fin.fut.persist.data); L(data.fin.fut.persist.data.map); L(data.fin.fut.persist.data.ptr);
	L(data.fin.fut.persist.data.size); L(data.fin.fut.persist.output);
	L(data.fin.fut.persist.output.unused); L(data.fin.fut.pad); L(data.fin.fut.pad.data);
	L(output); L(output.dest);
	printf("sizeof(union pmem2_finalize_future)=%zu sizeof(struct pmem2_persist_future)=%zu\n",
	       sizeof(union pmem2_finalize_future), sizeof(struct pmem2_persist_future));
}
#undef L

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "layout") == 0) {
		layout();
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s default|sync|threads|custom DIR\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mover = argv[1];
	struct data_mover_sync *dms = NULL;
	struct data_mover_threads *dmt = NULL;
	g_deterministic = strcmp(mover, "threads") != 0;
	if (strcmp(mover, "sync") == 0) {
		dms = data_mover_sync_new();
		g_user_vdm = data_mover_sync_get_vdm(dms);
	} else if (strcmp(mover, "threads") == 0) {
		dmt = data_mover_threads_default();
		g_user_vdm = data_mover_threads_get_vdm(dmt);
	} else if (strcmp(mover, "custom") == 0) {
		g_user_vdm = &g_custom;
	} else if (strcmp(mover, "default") != 0) {
		fprintf(stderr, "unknown mover %s\n", mover);
		return 2;
	}
	if ((strcmp(mover, "sync") == 0 || strcmp(mover, "threads") == 0) && g_user_vdm == NULL)
		die("miniasync mover");

	char path[4096];
	snprintf(path, sizeof(path), "%s/async_diff.XXXXXX", argv[2]);
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, MAP_SIZE) != 0)
		die("file");
	unlink(path);
	struct pmem2_config *cfg;
	struct pmem2_source *psrc;
	if (pmem2_config_new(&cfg) || pmem2_source_from_fd(&psrc, fd) ||
	    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE))
		die("config");
	printf("set_vdm(NULL vdm)=%d\n", pmem2_config_set_vdm(cfg, NULL));
	if (g_user_vdm != NULL)
		printf("set_vdm=%d\n", pmem2_config_set_vdm(cfg, g_user_vdm));
	if (pmem2_map_new(&g_map, cfg, psrc))
		die("map_new");
	printf("granularity=%d\n", pmem2_map_get_store_granularity(g_map));
	g_base = pmem2_map_get_address(g_map);
	g_shadow = calloc(1, MAP_SIZE);
	char *src = malloc(4u << 20);
	if (g_shadow == NULL || src == NULL)
		die("malloc");
	for (size_t i = 0; i < (4u << 20); i++)
		src[i] = (char)(i * 2654435761u >> 13);

	printf("sizeof(struct pmem2_future)=%zu\n", sizeof(struct pmem2_future));
	if (strcmp(mover, "custom") == 0) {
		custom_cases(src);
	} else {
		sweep(src);
		overlapping();
		other_thread(src);
		thousand(src);
		chain_protocol(src);
		if (g_user_vdm == NULL)
			direct_default_mover(src);
	}
	printf("end data=%s\n", check_data() ? "ok" : "WRONG");
	pmem2_map_delete(&g_map);
	pmem2_source_delete(&psrc);
	pmem2_config_delete(&cfg);
	if (dms)
		data_mover_sync_delete(dms);
	if (dmt)
		data_mover_threads_delete(dmt);
	close(fd);
	free(src);
	free(g_shadow);
	return 0;
}
