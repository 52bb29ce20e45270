// SPDX-License-Identifier: BSD-3-Clause
// memops_sse2.cpp -- the copy/set loop instantiated with 16-byte SSE2 registers (the
// x86-64 baseline; built without extra -m flags).
#include <emmintrin.h>

#include "pmem2/arch/x86_64/memops.hpp"

namespace pmem2::arch::x86_64 {
namespace sse2 {

struct Vec : VectorBase<Vec, __m128i, 16> {
	static constexpr const char *kName = "sse2";
	static PMEM2_ALWAYS_INLINE __m128i load(const char *s) noexcept
	{
		return _mm_loadu_si128(reinterpret_cast<const __m128i *>(s));
	}
	static PMEM2_ALWAYS_INLINE void store(char *d, __m128i v) noexcept
	{
		_mm_storeu_si128(reinterpret_cast<__m128i *>(d), v);
	}
	static PMEM2_ALWAYS_INLINE void stream(char *d, __m128i v) noexcept
	{
		_mm_stream_si128(reinterpret_cast<__m128i *>(d), v);
	}
	static PMEM2_ALWAYS_INLINE __m128i splat(unsigned char c) noexcept
	{
		return _mm_set1_epi8(static_cast<char>(c));
	}
	static PMEM2_ALWAYS_INLINE void sfence() noexcept { _mm_sfence(); }
};

} // namespace sse2

const IsaVariants &sse2_variants() noexcept
{
	static constexpr IsaVariants v = make_simd_variants<sse2::Vec, true>("sse2");
	return v;
}

} // namespace pmem2::arch::x86_64
