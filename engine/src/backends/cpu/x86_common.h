// Helpers shared by the x86 kernel files (each compiled for its own instruction set, so these
// have internal linkage and are compiled once per file).
#pragma once

#include <cstdint>
#include <cstring>
#include <immintrin.h>

namespace ponder::cpu {
namespace {

inline float h(uint16_t v) { return _cvtsh_ss(v); }  // half-precision scale to float

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// The 8 six-bit scales (bytes 0-7) and mins (bytes 8-15) of a Q4_K/Q5_K super-block, unpacked
// from its 12 packed bytes with whole-word masks.
inline void unpack_k4_scales(const uint8_t* packed, uint32_t out[4]) {
    const uint32_t kmask1 = 0x3f3f3f3f, kmask2 = 0x0f0f0f0f, kmask3 = 0x03030303;
    uint32_t u[3];
    std::memcpy(u, packed, 12);
    out[0] = u[0] & kmask1;                                           // scales 0-3
    out[1] = (u[2] & kmask2) | (((u[0] >> 6) & kmask3) << 4);         // scales 4-7
    out[2] = u[1] & kmask1;                                           // mins 0-3
    out[3] = ((u[2] >> 4) & kmask2) | (((u[1] >> 6) & kmask3) << 4);  // mins 4-7
}

// sum over g of (bsums[2g] + bsums[2g+1]) * mins[g], as 8 int32 lanes
inline __m256i mins_dot(const int16_t* bsums, const uint32_t* mins) {
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bsums));
    __m128i m8 = _mm_set_epi32(0, 0, static_cast<int>(mins[1]), static_cast<int>(mins[0]));
    // each min twice: 16 int16 lanes matching the 16 bsums
    __m256i m16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
    return _mm256_madd_epi16(b, m16);
}

} // namespace
} // namespace ponder::cpu
