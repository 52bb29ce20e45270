// SPDX-License-Identifier: BSD-3-Clause
// memops_generic.cpp -- the PMEM_NO_MOVNT copiers: the same loop over 8-byte
// general-purpose "registers" (never a streaming store), and libc plus one flush
// (PMEM_NO_GENERIC_MEMCPY).
#include <cstdint>
#include <cstring>
#include <emmintrin.h>

#include "pmem2/arch/x86_64/memops.hpp"

namespace pmem2::arch::x86_64 {
namespace generic {

struct Vec : VectorBase<Vec, std::uint64_t, 8, 8> {
	static PMEM2_ALWAYS_INLINE std::uint64_t load(const char *s) noexcept
	{
		std::uint64_t v;
		std::memcpy(&v, s, sizeof(v));
		return v;
	}
	static PMEM2_ALWAYS_INLINE void store(char *d, std::uint64_t v) noexcept { std::memcpy(d, &v, sizeof(v)); }
	static PMEM2_ALWAYS_INLINE void stream(char *d, std::uint64_t v) noexcept { store(d, v); }
	static PMEM2_ALWAYS_INLINE std::uint64_t splat(unsigned char c) noexcept
	{
		return 0x0101010101010101ULL * c;
	}
	static PMEM2_ALWAYS_INLINE void sfence() noexcept { _mm_sfence(); }
};

} // namespace generic

const IsaVariants &generic_variants() noexcept
{
	static constexpr IsaVariants v = make_plain_variants<GenericOps, generic::Vec>("generic");
	return v;
}

const IsaVariants &libc_variants() noexcept
{
	static constexpr IsaVariants v = make_plain_variants<LibcOps, generic::Vec>("libc");
	return v;
}

} // namespace pmem2::arch::x86_64
