// SPDX-License-Identifier: BSD-3-Clause
// errors.cpp -- pmemset_errormsg, pmemset_perror, pmemset_err_to_errno.
#include <cstdarg>
#include <cstdio>

#include "capi/pmemset/facade.hpp"

PMEMSET_API const char *pmemset_errormsg(void)
{
	return pmem2::common::last_error();
}

PMEMSET_API int pmemset_err_to_errno(int err)
{
	if (err > 0)
		return EINVAL; // not a return code of the library (the reference aborts)
	if (err == PMEMSET_E_NOSUPP || err == PMEM2_E_NOSUPP)
		return ENOTSUP;
	if (err <= PMEM2_E_UNKNOWN) // PMEMSET_E_* (<= -200000) and PMEM2_E_* (<= -100000)
		return EINVAL;
	return -err;
}

PMEMSET_API void pmemset_perror(const char *format, ...)
{
	if (format != nullptr) {
		va_list ap;
		va_start(ap, format);
		vfprintf(stderr, format, ap);
		va_end(ap);
	}
	fprintf(stderr, ": %s\n", pmem2::common::last_error());
}
