// SPDX-License-Identifier: BSD-3-Clause
// memops_avx512f.cpp -- the copy/set loop instantiated with 64-byte AVX-512F
// registers (one register per cache line); the only file built with -mavx512f.
// Also the MOVDIR64B variant on top of it.
#include <immintrin.h>

#include "pmem2/arch/x86_64/memops.hpp"

namespace pmem2::arch::x86_64 {
namespace avx512f {

struct Vec : VectorBase<Vec, __m512i, 64, 32> {
	static PMEM2_ALWAYS_INLINE __m512i load(const char *s) noexcept { return _mm512_loadu_si512(s); }
	static PMEM2_ALWAYS_INLINE void store(char *d, __m512i v) noexcept { _mm512_storeu_si512(d, v); }
	static PMEM2_ALWAYS_INLINE void stream(char *d, __m512i v) noexcept
	{
		_mm512_stream_si512(reinterpret_cast<__m512i *>(d), v);
	}
	static PMEM2_ALWAYS_INLINE __m512i splat(unsigned char c) noexcept
	{
		return _mm512_set1_epi8(static_cast<char>(c));
	}
	static PMEM2_ALWAYS_INLINE void sfence() noexcept { _mm_sfence(); }
};

} // namespace avx512f

// The WC workaround is SSE2/AVX-only in the reference (FACTS 4.14).
const IsaVariants &avx512f_variants() noexcept
{
	static constexpr IsaVariants v = make_simd_variants<avx512f::Vec, false>("avx512f");
	return v;
}

const IsaVariants &avx512f_movdir64b_variants() noexcept
{
	static constexpr IsaVariants v = make_simd_variants<Movdir64b<avx512f::Vec>, false>("movdir64b");
	return v;
}

} // namespace pmem2::arch::x86_64
