/* SPDX-License-Identifier: BSD-3-Clause */
/* page_size.c [expected] -- prints the page size the (emulated) system reports, so
 * the cross suites' logs say which page size the suite ran with; with an argument,
 * fails unless it is that size. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	printf("page size %ld\n", page);
	if (argc > 1 && page != atol(argv[1])) {
		printf("FAIL: expected %s\n", argv[1]);
		return 1;
	}
	return page > 0 && (page & (page - 1)) == 0 ? 0 : 1;
}
