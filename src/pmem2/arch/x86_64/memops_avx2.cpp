// SPDX-License-Identifier: BSD-3-Clause
// memops_avx2.cpp -- the copy/set loop instantiated with 32-byte AVX registers; the
// only file built with -mavx2. Also the MOVDIR64B variant on top of it.
#include <immintrin.h>

#include "pmem2/arch/x86_64/memops.hpp"

namespace pmem2::arch::x86_64 {
namespace avx2 {

struct Vec : VectorBase<Vec, __m256i, 32> {
	static PMEM2_ALWAYS_INLINE __m256i load(const char *s) noexcept
	{
		return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(s));
	}
	static PMEM2_ALWAYS_INLINE void store(char *d, __m256i v) noexcept
	{
		_mm256_storeu_si256(reinterpret_cast<__m256i *>(d), v);
	}
	static PMEM2_ALWAYS_INLINE void stream(char *d, __m256i v) noexcept
	{
		_mm256_stream_si256(reinterpret_cast<__m256i *>(d), v);
	}
	static PMEM2_ALWAYS_INLINE __m256i splat(unsigned char c) noexcept
	{
		return _mm256_set1_epi8(static_cast<char>(c));
	}
	static PMEM2_ALWAYS_INLINE void sfence() noexcept { _mm_sfence(); }
};

} // namespace avx2

const IsaVariants &avx2_variants() noexcept
{
	static constexpr IsaVariants v = make_simd_variants<avx2::Vec, true>("avx2");
	return v;
}

const IsaVariants &avx2_movdir64b_variants() noexcept
{
	static constexpr IsaVariants v = make_simd_variants<Movdir64b<avx2::Vec>, false>("movdir64b");
	return v;
}

} // namespace pmem2::arch::x86_64
