// SPDX-License-Identifier: BSD-3-Clause
// errors.cpp -- pmem2_errormsg, pmem2_perror, pmem2_err_to_errno.
#include <cerrno>
#include <cstdarg>
#include <cstdio>

#include "capi/pmem2/facade.hpp"


PMEM2_API const char *pmem2_errormsg(void)
{
	return pmem2::common::last_error();
}

PMEM2_API int pmem2_err_to_errno(int err)
{
	if (err > 0)
		return EINVAL; // not a pmem2 return code (the reference aborts)
	if (err == PMEM2_E_NOSUPP)
		return ENOTSUP;
	if (err <= PMEM2_E_UNKNOWN)
		return EINVAL;
	return -err;
}

PMEM2_API void pmem2_perror(const char *format, ...)
{
	if (format != nullptr) {
		va_list ap;
		va_start(ap, format);
		vfprintf(stderr, format, ap);
		va_end(ap);
	}
	fprintf(stderr, ": %s\n", pmem2::common::last_error());
}

