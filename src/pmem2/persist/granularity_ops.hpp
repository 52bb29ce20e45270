// SPDX-License-Identifier: BSD-3-Clause
// granularity_ops.hpp -- the functions a map hands out, one immutable table per
// store granularity, filled once at load time. pmem2_get_*_fn return these
// pointers unchanged: no guard, no indirection on the hot path.
#pragma once

#include <cstddef>

#include "pmem2/types.hpp"

namespace pmem2::persist {

using PersistFn = void (*)(const void *ptr, std::size_t size);
using FlushFn = void (*)(const void *ptr, std::size_t size);
using DrainFn = void (*)();
using MemmoveFn = void *(*)(void *dest, const void *src, std::size_t len, unsigned flags);
using MemsetFn = void *(*)(void *dest, int c, std::size_t len, unsigned flags);

struct GranularityOps {
	PersistFn persist;
	FlushFn flush;
	DrainFn drain;
	MemmoveFn memmove; // also memcpy: overlap-safe
	MemsetFn memset;
};

// The table for g; the same object for every map of that granularity.
const GranularityOps &ops_for(Granularity g) noexcept;

} // namespace pmem2::persist
