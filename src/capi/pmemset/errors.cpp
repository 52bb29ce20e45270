// SPDX-License-Identifier: BSD-3-Clause
// errors.cpp -- pmemset_errormsg, pmemset_perror, pmemset_err_to_errno.
#include <cstdarg>

#include "capi/pmemset/facade.hpp"

PMEMSET_API const char *pmemset_errormsg(void)
{
	return pmem2::common::last_error();
}

PMEMSET_API int pmemset_err_to_errno(int err)
{
	// PMEM2_E_* codes pass through some calls unchanged, so they map too.
	return pmem2::capi_common::err_to_errno(err, {PMEMSET_E_NOSUPP, PMEM2_E_NOSUPP});
}

PMEMSET_API void pmemset_perror(const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	pmem2::common::print_with_last_error(format, ap);
	va_end(ap);
}
