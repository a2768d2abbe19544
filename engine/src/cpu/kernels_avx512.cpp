// AVX-512 (F, BW, VL, VNNI) dot products for the formats that dominate Q4_K_M / Q8_0 files.
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni (+ AVX2 flags); only called after
// cpu_supports("avx512").
#include "kernels.h"

#include "../quant.h"

// GCC 12's own AVX-512 headers (_mm512_undefined_ps inside _mm512_cvtph_ps) trip these.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

namespace ponder::cpu {

namespace {

inline float h(uint16_t v) { return _cvtsh_ss(v); }

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

float dot_f16(const void* w, const void* a, int64_t n) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const float* y = static_cast<const float*>(a);
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 w0 = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)));
        __m512 w1 = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + 16)));
        s0 = _mm512_fmadd_ps(w0, _mm512_loadu_ps(y + i), s0);
        s1 = _mm512_fmadd_ps(w1, _mm512_loadu_ps(y + i + 16), s1);
    }
    float sum = hsum512(_mm512_add_ps(s0, s1));
    for (; i < n; i++) sum += h(x[i]) * y[i];
    return sum;
}

inline float hsum256(__m256 acc) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// VNNI: unsigned x signed int8, 4 products summed into each int32 lane.
inline __m256i dpbusd(__m256i acc, __m256i u, __m256i s) { return _mm256_dpbusd_epi32(acc, u, s); }

float dot_q8_0(const void* w, const void* a, int64_t n) {
    const block_q8_0* x = static_cast<const block_q8_0*>(w);
    const block_q8_0* y = static_cast<const block_q8_0*>(a);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs));
        __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].qs));
        // |x| * sign(y, x) keeps the product's sign with an unsigned left operand
        __m256i s = dpbusd(_mm256_setzero_si256(), _mm256_abs_epi8(qx), _mm256_sign_epi8(qy, qx));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h(x[b].d) * h(y[b].d)), _mm256_cvtepi32_ps(s), acc);
    }
    return hsum256(acc);
}

inline void unpack_k4_scales(const uint8_t* q, uint8_t sc[8], uint8_t m[8]) {
    for (int j = 0; j < 8; j++) {
        if (j < 4) {
            sc[j] = q[j] & 63;
            m[j] = q[j + 4] & 63;
        } else {
            sc[j] = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
            m[j] = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
        }
    }
}

float dot_q4_k(const void* w, const void* a, int64_t n) {
    const block_q4_K* x = static_cast<const block_q4_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i low = _mm256_set1_epi8(0xF);
    __m256 acc = _mm256_setzero_ps();
    float acc_m = 0;
    for (int64_t b = 0; b < n / QK_K; b++) {
        uint8_t sc[8], m[8];
        unpack_k4_scales(x[b].scales, sc, m);
        const uint8_t* q4 = x[b].qs;
        const int8_t* q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q4 + 32 * c));
            __m256i lo = _mm256_and_si256(bytes, low);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low);
            __m256i d0 = dpbusd(_mm256_setzero_si256(), lo, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c)));
            __m256i d1 = dpbusd(_mm256_setzero_si256(), hi, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_mullo_epi32(d0, _mm256_set1_epi32(sc[2 * c])));
            sumi = _mm256_add_epi32(sumi, _mm256_mullo_epi32(d1, _mm256_set1_epi32(sc[2 * c + 1])));
        }
        int mins = 0;
        for (int g = 0; g < 8; g++) mins += (y[b].bsums[2 * g] + y[b].bsums[2 * g + 1]) * m[g];
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h(x[b].d)), _mm256_cvtepi32_ps(sumi), acc);
        acc_m += y[b].d * h(x[b].dmin) * static_cast<float>(mins);
    }
    return hsum256(acc) - acc_m;
}

float dot_q6_k(const void* w, const void* a, int64_t n) {
    const block_q6_K* x = static_cast<const block_q6_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i low = _mm256_set1_epi8(0xF), three = _mm256_set1_epi8(3);
    float sum = 0;
    for (int64_t b = 0; b < n / QK_K; b++) {
        const int8_t* sc = x[b].scales;
        const int8_t* q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        int offset = 0;
        for (int g = 0; g < 16; g++) offset += sc[g] * y[b].bsums[g];
        for (int half = 0; half < 2; half++) {
            const uint8_t* ql = x[b].ql + 64 * half;
            __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qh + 32 * half));
            __m256i l0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
            __m256i l1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
            __m256i parts[4] = {
                _mm256_or_si256(_mm256_and_si256(l0, low), _mm256_slli_epi16(_mm256_and_si256(qh, three), 4)),
                _mm256_or_si256(_mm256_and_si256(l1, low),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), three), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), three), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), three), 4)),
            };
            for (int p = 0; p < 4; p++) {
                int g = 8 * half + 2 * p;
                __m256i yv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 128 * half + 32 * p));
                __m256i dp = dpbusd(_mm256_setzero_si256(), parts[p], yv);  // lanes 0-3: first 16, 4-7: next 16
                __m256i s = _mm256_set_m128i(_mm_set1_epi32(sc[g + 1]), _mm_set1_epi32(sc[g]));
                sumi = _mm256_add_epi32(sumi, _mm256_mullo_epi32(dp, s));
            }
        }
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sumi), _mm256_extracti128_si256(sumi, 1));
        s4 = _mm_hadd_epi32(s4, s4);
        s4 = _mm_hadd_epi32(s4, s4);
        int total = _mm_cvtsi128_si32(s4) - 32 * offset;
        sum += y[b].d * h(x[b].d) * static_cast<float>(total);
    }
    return sum;
}

} // namespace

void add_avx512_kernels(Kernels& k) {
    k.vec_dot[static_cast<int>(TensorType::F32)] = dot_f32;
    k.vec_dot[static_cast<int>(TensorType::F16)] = dot_f16;
    k.vec_dot[static_cast<int>(TensorType::Q8_0)] = dot_q8_0;
    k.vec_dot[static_cast<int>(TensorType::Q4_K)] = dot_q4_k;
    k.vec_dot[static_cast<int>(TensorType::Q6_K)] = dot_q6_k;
}

} // namespace ponder::cpu
