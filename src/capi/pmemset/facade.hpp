// SPDX-License-Identifier: BSD-3-Clause
// facade.hpp -- what every exported pmemset_* function uses: handle <-> core
// object conversion and one translator from a core result to the C return code
// plus libpmemset's own thread-local message. No exception crosses the ABI.
#pragma once

#include <cerrno>
#include <new>
#include <type_traits>

#include <libpmemset.h>

#include "common/errormsg.hpp"
#include "common/result.hpp"
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

// Records a failure's message for pmemset_errormsg() and returns its code.
inline int report(const pmem2::common::Error &e) noexcept
{
	pmem2::common::set_last_error(e.message.c_str());
	return e.code;
}
inline int report(const pmem2::common::Status &s) noexcept { return s ? 0 : report(s.error()); }

// Records the message of a bad argument and returns -EINVAL.
inline int null_argument(const char *what) noexcept
{
	pmem2::common::set_last_error(what);
	return -EINVAL;
}

// Runs body (returning int or Status) with allocation failure mapped to -ENOMEM.
template <class Body> int guarded(Body &&body) noexcept
{
	try {
		if constexpr (std::is_same_v<decltype(body()), int>)
			return body();
		else
			return report(body());
	} catch (const std::bad_alloc &) {
		pmem2::common::set_last_error("out of memory");
		return -ENOMEM;
	} catch (...) {
		pmem2::common::set_last_error("internal error");
		return PMEMSET_E_UNKNOWN;
	}
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
