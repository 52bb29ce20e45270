// SPDX-License-Identifier: BSD-3-Clause
// facade.hpp -- the machinery every exported pmem2_* function uses: opaque
// handle <-> core object conversion, and one translator from a core result to
// the C return code plus the thread-local message. No exception crosses the ABI.
#pragma once

#include <utility>

#include <libpmem2.h>

#include "capi/entry.hpp"

namespace pmem2::map {
struct Map;
}
namespace pmem2::source {
struct Source;
}
namespace pmem2::config {
struct Config;
}
namespace pmem2::vm {
class Reservation;
}

// Marks a definition as one of the library's exported C entry points.
#define PMEM2_API extern "C" __attribute__((visibility("default")))

namespace pmem2::capi {

// Opaque C handles are the core objects themselves, reinterpreted; only the facade
// converts, and only pointers it produced come back.
template <class Core, class Handle> Core *core(Handle *h) noexcept { return reinterpret_cast<Core *>(h); }
template <class Core, class Handle> const Core *core(const Handle *h) noexcept
{
	return reinterpret_cast<const Core *>(h);
}
template <class Handle, class Core> Handle *handle(Core *c) noexcept { return reinterpret_cast<Handle *>(c); }

inline map::Map *core(pmem2_map *h) noexcept { return core<map::Map>(h); }
inline source::Source *core(pmem2_source *h) noexcept { return core<source::Source>(h); }
inline const source::Source *core(const pmem2_source *h) noexcept { return core<source::Source>(h); }
inline config::Config *core(pmem2_config *h) noexcept { return core<config::Config>(h); }
inline const config::Config *core(const pmem2_config *h) noexcept { return core<config::Config>(h); }
inline vm::Reservation *core(pmem2_vm_reservation *h) noexcept { return core<vm::Reservation>(h); }

using capi_common::enum_arg;
using capi_common::null_argument;
using capi_common::report;

// Runs body (which returns a Status or int); no exception escapes.
template <class Body> int guarded(Body &&body) noexcept
{
	return capi_common::guarded<PMEM2_E_UNKNOWN>(std::forward<Body>(body));
}

} // namespace pmem2::capi
