/* SPDX-License-Identifier: BSD-3-Clause */
/* c_callers.c -- calls made the way a C program makes them: any int in an enum
 * parameter is legal C, so out-of-range values are passed from here, not from C++. */
#include <libpmem2.h>

#include "c_callers.h"

int c_set_granularity(struct pmem2_config *cfg, int g)
{
	return pmem2_config_set_required_store_granularity(cfg, (enum pmem2_granularity)g);
}

int c_set_sharing(struct pmem2_config *cfg, int sharing)
{
	return pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)sharing);
}

int c_map_from_existing(struct pmem2_map **map, const struct pmem2_source *src, void *addr, size_t len, int g)
{
	return pmem2_map_from_existing(map, src, addr, len, (enum pmem2_granularity)g);
}
