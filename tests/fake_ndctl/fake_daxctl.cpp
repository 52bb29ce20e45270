// SPDX-License-Identifier: BSD-3-Clause
// fake_daxctl.cpp -- the libdaxctl.so.1 half of the test double: dax devices of the
// regions scripted through fake_ndctl.h.
#include <daxctl/libdaxctl.h>

#include "model.hpp"

extern "C" {

void daxctl_set_log_fn(daxctl_ctx *, void (*)(daxctl_ctx *, int, const char *, int, const char *, const char *, va_list))
{
}

daxctl_dev *daxctl_dev_get_first(daxctl_region *r) { return r->devs.empty() ? nullptr : &r->devs.front(); }
daxctl_dev *daxctl_dev_get_next(daxctl_dev *d) { return d->next; }
const char *daxctl_dev_get_devname(daxctl_dev *d) { return d->devname.c_str(); }

} // extern "C"
