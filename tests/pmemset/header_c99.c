/* SPDX-License-Identifier: BSD-3-Clause */
/* header_c99.c -- libpmemset.h compiles as strict C99 and its types are usable. */
#include <libpmemset.h>

int pmemset_header_c99_probe(struct pmemset_event_context *ctx);

int pmemset_header_c99_probe(struct pmemset_event_context *ctx)
{
	struct pmemset_part_descriptor d = {0, 0};
	pmemset_event_callback *cb = 0;
	(void)cb;
	return (int)ctx->data.part_add.len + (int)d.size + (int)sizeof(ctx->data._data);
}
