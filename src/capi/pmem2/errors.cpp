// SPDX-License-Identifier: BSD-3-Clause
// errors.cpp -- pmem2_errormsg, pmem2_perror, pmem2_err_to_errno.
#include <cstdarg>

#include "capi/pmem2/facade.hpp"

PMEM2_API const char *pmem2_errormsg(void)
{
	return pmem2::common::last_error();
}

PMEM2_API int pmem2_err_to_errno(int err)
{
	return pmem2::capi_common::err_to_errno(err, {PMEM2_E_NOSUPP});
}

PMEM2_API void pmem2_perror(const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	pmem2::common::print_with_last_error(format, ap);
	va_end(ap);
}
