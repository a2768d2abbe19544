// AVX2 + FMA + F16C dot products. Compiled with -mavx2 -mfma -mf16c; only called after
// cpu_supports("avx2"). Each kernel computes what vec_dot_scalar computes (tests compare them).
#include "kernels.h"

#include "../quant.h"

#include <immintrin.h>

namespace ponder::cpu {

namespace {

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline __m256i hsum_pairs(__m256i x16) { return _mm256_madd_epi16(x16, _mm256_set1_epi16(1)); }

// Signed int8 x signed int8 -> 8 int32 sums of 4 products each.
inline __m256i dot_i8(__m256i x, __m256i y) {
    __m256i ax = _mm256_sign_epi8(x, x);
    __m256i sy = _mm256_sign_epi8(y, x);
    return hsum_pairs(_mm256_maddubs_epi16(ax, sy));
}

inline float h(uint16_t v) { return _cvtsh_ss(v); }

float dot_f32(const void* w, const void* a, int64_t n) {
    const float* x = static_cast<const float*>(w);
    const float* y = static_cast<const float*>(a);
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), s1);
    }
    float sum = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

float dot_f16(const void* w, const void* a, int64_t n) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const float* y = static_cast<const float*>(a);
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i + 8)));
        s0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(y + i), s0);
        s1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(y + i + 8), s1);
    }
    float sum = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; i++) sum += h(x[i]) * y[i];
    return sum;
}

float dot_q8_0(const void* w, const void* a, int64_t n) {
    const block_q8_0* x = static_cast<const block_q8_0*>(w);
    const block_q8_0* y = static_cast<const block_q8_0*>(a);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs));
        __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].qs));
        __m256 d = _mm256_set1_ps(h(x[b].d) * h(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8(qx, qy)), acc);
    }
    return hsum(acc);
}

float dot_q4_0(const void* w, const void* a, int64_t n) {
    const block_q4_0* x = static_cast<const block_q4_0*>(w);
    const block_q8_0* y = static_cast<const block_q8_0*>(a);
    const __m256i low = _mm256_set1_epi8(0xF), eight = _mm256_set1_epi8(8);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        __m128i qs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[b].qs));
        // elements 0..15 are the low nibbles, 16..31 the high ones
        __m256i q = _mm256_set_m128i(_mm_srli_epi16(qs, 4), qs);
        q = _mm256_sub_epi8(_mm256_and_si256(q, low), eight);
        __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].qs));
        __m256 d = _mm256_set1_ps(h(x[b].d) * h(y[b].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8(q, qy)), acc);
    }
    return hsum(acc);
}

// Sum over a super-block of the K-quants: scale-weighted unsigned x signed products.
// q: 32 unsigned quants (< 64), y: 32 activations, sc: per-16-lane int16 scales.
inline __m256i scaled_dot_u8(__m256i q, __m256i y, __m256i sc) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(q, y), sc);
}

inline int mins_dot(const int16_t* bsums, const uint8_t* mins8) {
    int s = 0;
    for (int g = 0; g < 8; g++) s += (bsums[2 * g] + bsums[2 * g + 1]) * mins8[g];
    return s;
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
            __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c));
            __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 32));
            sumi = _mm256_add_epi32(sumi, scaled_dot_u8(lo, y0, _mm256_set1_epi16(sc[2 * c])));
            sumi = _mm256_add_epi32(sumi, scaled_dot_u8(hi, y1, _mm256_set1_epi16(sc[2 * c + 1])));
        }
        float d = y[b].d * h(x[b].d), dmin = y[b].d * h(x[b].dmin);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
        acc_m += dmin * static_cast<float>(mins_dot(y[b].bsums, m));
    }
    return hsum(acc) - acc_m;
}

float dot_q5_k(const void* w, const void* a, int64_t n) {
    const block_q5_K* x = static_cast<const block_q5_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i low = _mm256_set1_epi8(0xF), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float acc_m = 0;
    for (int64_t b = 0; b < n / QK_K; b++) {
        uint8_t sc[8], m[8];
        unpack_k4_scales(x[b].scales, sc, m);
        const uint8_t* q5 = x[b].qs;
        const int8_t* q8 = y[b].qs;
        __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qh));
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q5 + 32 * c));
            __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4);
            __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4);
            __m256i lo = _mm256_or_si256(_mm256_and_si256(bytes, low), h0);
            __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bytes, 4), low), h1);
            __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c));
            __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 32));
            sumi = _mm256_add_epi32(sumi, scaled_dot_u8(lo, y0, _mm256_set1_epi16(sc[2 * c])));
            sumi = _mm256_add_epi32(sumi, scaled_dot_u8(hi, y1, _mm256_set1_epi16(sc[2 * c + 1])));
        }
        float d = y[b].d * h(x[b].d), dmin = y[b].d * h(x[b].dmin);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
        acc_m += dmin * static_cast<float>(mins_dot(y[b].bsums, m));
    }
    return hsum(acc) - acc_m;
}

float dot_q6_k(const void* w, const void* a, int64_t n) {
    const block_q6_K* x = static_cast<const block_q6_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i low = _mm256_set1_epi8(0xF), three = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        const int8_t* sc = x[b].scales;
        const int8_t* q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        int offset = 0;  // the -32 of every quant, applied through the activation sums
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
                int g = 8 * half + 2 * p;  // scale index of this part's first 16 elements
                __m256i s = _mm256_set_m128i(_mm_set1_epi16(sc[g + 1]), _mm_set1_epi16(sc[g]));
                __m256i yv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 128 * half + 32 * p));
                sumi = _mm256_add_epi32(sumi, scaled_dot_u8(parts[p], yv, s));
            }
        }
        float d = y[b].d * h(x[b].d);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
        acc = _mm256_sub_ps(acc, _mm256_setr_ps(d * 32.f * static_cast<float>(offset), 0, 0, 0, 0, 0, 0, 0));
    }
    return hsum(acc);
}

} // namespace

void add_avx2_kernels(Kernels& k) {
    k.vec_dot[static_cast<int>(TensorType::F32)] = dot_f32;
    k.vec_dot[static_cast<int>(TensorType::F16)] = dot_f16;
    k.vec_dot[static_cast<int>(TensorType::Q8_0)] = dot_q8_0;
    k.vec_dot[static_cast<int>(TensorType::Q4_0)] = dot_q4_0;
    k.vec_dot[static_cast<int>(TensorType::Q4_K)] = dot_q4_k;
    k.vec_dot[static_cast<int>(TensorType::Q5_K)] = dot_q5_k;
    k.vec_dot[static_cast<int>(TensorType::Q6_K)] = dot_q6_k;
}

} // namespace ponder::cpu
