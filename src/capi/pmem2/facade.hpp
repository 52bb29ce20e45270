// SPDX-License-Identifier: BSD-3-Clause
// facade.hpp -- the machinery every exported pmem2_* function uses: opaque
// handle <-> core object conversion, and one translator from a core result to
// the C return code plus the thread-local message. No exception crosses the ABI.
#pragma once

#include <cerrno>
#include <cstring>
#include <new>
#include <type_traits>

#include <libpmem2.h>

#include "common/errormsg.hpp"
#include "common/result.hpp"

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

// Records a failure's message for pmem2_errormsg() and returns its code.
inline int report(const common::Error &e) noexcept
{
	common::set_last_error(e.message.c_str());
	return e.code;
}

inline int report(const common::Status &s) noexcept { return s ? 0 : report(s.error()); }

// Runs body (which returns a Status or int) with allocation failure mapped to -ENOMEM.
template <class Body> int guarded(Body &&body) noexcept
{
	try {
		if constexpr (std::is_same_v<decltype(body()), int>)
			return body();
		else
			return report(body());
	} catch (const std::bad_alloc &) {
		common::set_last_error("out of memory");
		return -ENOMEM;
	} catch (...) {
		common::set_last_error("internal error");
		return PMEM2_E_UNKNOWN;
	}
}

// The value a C caller passed in a C enum parameter, read as an int. A C enum holds
// any int, but in C++ reading an enum without a fixed underlying type outside its
// enumerators' range is undefined, so the bytes are copied out instead of loaded.
template <class Enum> int enum_arg(const Enum &e) noexcept
{
	static_assert(std::is_enum_v<Enum> && sizeof(Enum) == sizeof(int), "C enums are int-sized");
	int v;
	std::memcpy(&v, &e, sizeof(v));
	return v;
}

// The message for a NULL argument the reference would have dereferenced.
inline int null_argument(const char *what) noexcept
{
	common::set_last_error(what);
	return -EINVAL;
}

} // namespace pmem2::capi
