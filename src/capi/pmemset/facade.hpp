// SPDX-License-Identifier: BSD-3-Clause
// facade.hpp -- what every exported pmemset_* function uses: handle <-> core
// object conversion and one translator from a core result to the C return code
// plus libpmemset's own thread-local message. No exception crosses the ABI.
#pragma once

#include <utility>

#include <libpmemset.h>

#include "capi/entry.hpp"
#include "pmemset/config.hpp"
#include "pmemset/set.hpp"
#include "pmemset/source.hpp"

// Marks a definition as one of the library's exported C entry points.
#define PMEMSET_API extern "C" __attribute__((visibility("default")))

namespace libpmemset::capi {

// Opaque C handles are the core objects, reinterpreted; only pointers the facade
// produced come back.
inline Config *core(pmemset_config *h) noexcept { return reinterpret_cast<Config *>(h); }
inline Set *core(pmemset *h) noexcept { return reinterpret_cast<Set *>(h); }
inline Source *core(pmemset_source *h) noexcept { return reinterpret_cast<Source *>(h); }
inline Part *core(pmemset_part *h) noexcept { return reinterpret_cast<Part *>(h); }
inline PartMap *core(struct pmemset_part_map *h) noexcept { return reinterpret_cast<PartMap *>(h); }
inline pmemset_config *handle(Config *c) noexcept { return reinterpret_cast<pmemset_config *>(c); }
inline pmemset *handle(Set *c) noexcept { return reinterpret_cast<pmemset *>(c); }
inline pmemset_source *handle(Source *c) noexcept { return reinterpret_cast<pmemset_source *>(c); }
inline pmemset_part *handle(Part *c) noexcept { return reinterpret_cast<pmemset_part *>(c); }
inline struct pmemset_part_map *handle(PartMap *c) noexcept { return reinterpret_cast<struct pmemset_part_map *>(c); }

using pmem2::capi_common::null_argument;
using pmem2::capi_common::report;

// Runs body (returning int or Status); no exception escapes.
template <class Body> int guarded(Body &&body) noexcept
{
	return pmem2::capi_common::guarded<PMEMSET_E_UNKNOWN>(std::forward<Body>(body));
}

// Stores a created object in *out (after success only) and returns the code.
template <class Core, class Handle>
int deliver(pmem2::common::Result<std::unique_ptr<Core>> made, Handle **out) noexcept
{
	if (!made)
		return report(made.error());
	*out = handle(made.value().release());
	return 0;
}

} // namespace libpmemset::capi
