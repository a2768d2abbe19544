// AVX-512 (F, BW, VL, VNNI) dot products for the formats that dominate Q4_K_M / Q8_0 files.
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni (+ AVX2 flags); only called after
// cpu_supports("avx512").
#include "kernels.h"

#include "quant.h"
#include "x86_common.h"
#include "x86_multi.h"

// GCC 12's own AVX-512 headers (_mm512_undefined_ps inside _mm512_cvtph_ps) trip these.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <cstring>
#include <immintrin.h>

namespace ponder::cpu {

namespace {


// (GCC 12's _mm512_reduce_add_ps trips -Wuninitialized inside its own header.)
inline float hsum512(__m512 v) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    float s = 0;
    for (float x : lanes) s += x;
    return s;
}

float dot_f32(const void* w, const void* a, int64_t n) {
    const float* x = static_cast<const float*>(w);
    const float* y = static_cast<const float*>(a);
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16), s1);
    }
    float sum = hsum512(_mm512_add_ps(s0, s1));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

float dot_q8_0(const void* w, const void* a, int64_t n) {
    const block_q8_0* x = static_cast<const block_q8_0*>(w);
    const block_q8_0* y = static_cast<const block_q8_0*>(a);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        _mm_prefetch(reinterpret_cast<const char*>(x + b + 16), _MM_HINT_T0);
        __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs));
        __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].qs));
        // |x| * sign(y, x) keeps the product's sign with an unsigned left operand
        __m256i s = dot_i8_acc(_mm256_setzero_si256(), _mm256_abs_epi8(qx), _mm256_sign_epi8(qy, qx));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h(x[b].d) * h(y[b].d)), _mm256_cvtepi32_ps(s), acc);
    }
    return hsum(acc);
}

// Q4_K with VNNI: each 32-element sub-block's products summed by one dpbusd, its 6-bit scale
// applied to the int32 sums, all 256 elements of a super-block in 512-bit registers.
float dot_q4_k(const void* w, const void* a, int64_t n) {
    const block_q4_K* x = static_cast<const block_q4_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m512i low = _mm512_set1_epi8(0xF);
    __m512 acc = _mm512_setzero_ps();
    __m256 acc_m = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        _mm_prefetch(reinterpret_cast<const char*>(x + b + 8), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + b + 8) + 64, _MM_HINT_T0);
        uint32_t sm[4];
        unpack_k4_scales(x[b].scales, sm);
        const uint8_t* sc = reinterpret_cast<const uint8_t*>(sm);
        const uint8_t* q4 = x[b].qs;
        const int8_t* q8 = y[b].qs;
        __m512i sumi = _mm512_setzero_si512();
        for (int c = 0; c < 4; c += 2) {
            // 64 bytes: chunks c and c+1; low nibbles are sub-blocks 2c, 2c+2, high ones 2c+1, 2c+3
            __m512i bytes = _mm512_loadu_si512(q4 + 32 * c);
            __m512i lo = _mm512_and_si512(bytes, low);
            __m512i hi = _mm512_and_si512(_mm512_srli_epi16(bytes, 4), low);
            // activations in the same order: [c lo | c+1 lo] and [c hi | c+1 hi]
            __m512i ylo = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c))),
                                             _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 64)), 1);
            __m512i yhi = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 32))),
                                             _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 96)), 1);
            __m512i dlo = _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, ylo);
            __m512i dhi = _mm512_dpbusd_epi32(_mm512_setzero_si512(), hi, yhi);
            __m512i slo = _mm512_inserti64x4(_mm512_set1_epi32(sc[2 * c]), _mm256_set1_epi32(sc[2 * c + 2]), 1);
            __m512i shi = _mm512_inserti64x4(_mm512_set1_epi32(sc[2 * c + 1]), _mm256_set1_epi32(sc[2 * c + 3]), 1);
            sumi = _mm512_add_epi32(sumi, _mm512_add_epi32(_mm512_mullo_epi32(dlo, slo), _mm512_mullo_epi32(dhi, shi)));
        }
        __m256i mins = mins_dot(y[b].bsums, sm + 2);
        const float dy = y[b].d;
        acc = _mm512_fmadd_ps(_mm512_set1_ps(dy * h(x[b].d)), _mm512_cvtepi32_ps(sumi), acc);
        acc_m = _mm256_fmadd_ps(_mm256_set1_ps(dy * h(x[b].dmin)), _mm256_cvtepi32_ps(mins), acc_m);
    }
    return hsum512(acc) - hsum(acc_m);
}

} // namespace

void add_avx512_kernels(Kernels& k) {
    add_multi_kernels<8, 8>(k);
    k.vec_dot[static_cast<int>(TensorType::F32)] = dot_f32;
    k.vec_dot[static_cast<int>(TensorType::Q8_0)] = dot_q8_0;
    k.vec_dot[static_cast<int>(TensorType::Q4_K)] = dot_q4_k;
}

} // namespace ponder::cpu
