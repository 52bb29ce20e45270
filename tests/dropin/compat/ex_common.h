/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ex_common.h -- stand-in for the helper header of PMDK's example tree, which
 * the log example includes but Debian does not ship. On Linux the examples only
 * need the POSIX declarations (close, ftruncate) it pulls in.
 */
#ifndef PMEM2_TESTS_EX_COMMON_H
#define PMEM2_TESTS_EX_COMMON_H 1

#include <unistd.h>

#endif /* PMEM2_TESTS_EX_COMMON_H */
