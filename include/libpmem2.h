/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmem2.h -- entry header of libpmem2, the low-level persistent memory
 * library. The synchronous API lives in <libpmem2/base.h>. The asynchronous
 * functions of PMDK 1.12/1.13 (pmem2_*_async, pmem2_config_set_vdm) use
 * miniasync's types: define PMEM2_USE_MINIASYNC before including this header
 * to get them from <libpmem2/async.h> (which needs <libminiasync/vdm.h>).
 */
#ifndef LIBPMEM2_H
#define LIBPMEM2_H 1

#include <libpmem2/base.h>
#ifdef PMEM2_USE_MINIASYNC
#include <libpmem2/async.h>
#endif

#endif /* LIBPMEM2_H */
