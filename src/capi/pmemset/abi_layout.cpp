// SPDX-License-Identifier: BSD-3-Clause
// abi_layout.cpp -- compile-time proof that the public structures have the
// reference layout (x86-64 LP64; values in tests/abi/facts/libpmemset.constants).
#include <cstddef>

#include <libpmemset.h>

#define PMEMSET_LAYOUT(type, size) static_assert(sizeof(struct type) == (size), #type)
#define PMEMSET_FIELD(type, field, off) \
	static_assert(offsetof(struct type, field) == (off), #type "." #field)

PMEMSET_LAYOUT(pmemset_part_descriptor, 16);
PMEMSET_FIELD(pmemset_part_descriptor, addr, 0);
PMEMSET_FIELD(pmemset_part_descriptor, size, 8);
PMEMSET_LAYOUT(pmemset_extras, 24);
PMEMSET_FIELD(pmemset_extras, sds_in, 0);
PMEMSET_FIELD(pmemset_extras, sds_out, 8);
PMEMSET_FIELD(pmemset_extras, state, 16);
PMEMSET_LAYOUT(pmemset_event_copy, 32);
PMEMSET_FIELD(pmemset_event_copy, src, 0);
PMEMSET_FIELD(pmemset_event_copy, dest, 8);
PMEMSET_FIELD(pmemset_event_copy, len, 16);
PMEMSET_FIELD(pmemset_event_copy, flags, 24);
PMEMSET_LAYOUT(pmemset_event_move, 32);
PMEMSET_FIELD(pmemset_event_move, src, 0);
PMEMSET_FIELD(pmemset_event_move, dest, 8);
PMEMSET_FIELD(pmemset_event_move, len, 16);
PMEMSET_FIELD(pmemset_event_move, flags, 24);
PMEMSET_LAYOUT(pmemset_event_set, 32);
PMEMSET_FIELD(pmemset_event_set, dest, 0);
PMEMSET_FIELD(pmemset_event_set, value, 8);
PMEMSET_FIELD(pmemset_event_set, len, 16);
PMEMSET_FIELD(pmemset_event_set, flags, 24);
PMEMSET_LAYOUT(pmemset_event_flush, 16);
PMEMSET_LAYOUT(pmemset_event_persist, 16);
PMEMSET_LAYOUT(pmemset_event_bad_block, 16);
PMEMSET_LAYOUT(pmemset_event_remove_range, 16);
PMEMSET_LAYOUT(pmemset_event_part_remove, 16);
PMEMSET_LAYOUT(pmemset_event_part_add, 24);
PMEMSET_FIELD(pmemset_event_part_add, addr, 0);
PMEMSET_FIELD(pmemset_event_part_add, len, 8);
PMEMSET_FIELD(pmemset_event_part_add, src, 16);
PMEMSET_LAYOUT(pmemset_event_context, 72);
PMEMSET_FIELD(pmemset_event_context, type, 0);
PMEMSET_FIELD(pmemset_event_context, data, 8);
static_assert(sizeof(((struct pmemset_event_context *)nullptr)->data) == PMEMSET_EVENT_CONTEXT_SIZE,
	"event payload union");
