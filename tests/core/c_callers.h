/* SPDX-License-Identifier: BSD-3-Clause */
/* c_callers.h -- C-compiled wrappers passing raw ints where the API takes enums. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmem2_config;
struct pmem2_map;
struct pmem2_source;

int c_set_granularity(struct pmem2_config *cfg, int g);
int c_set_sharing(struct pmem2_config *cfg, int sharing);
int c_map_from_existing(struct pmem2_map **map, const struct pmem2_source *src, void *addr, size_t len, int g);

#ifdef __cplusplus
}
#endif
