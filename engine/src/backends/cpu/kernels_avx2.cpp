// AVX2 + FMA + F16C dot products. Compiled with -mavx2 -mfma -mf16c; only called after
// cpu_supports("avx2"). Each kernel computes what vec_dot_scalar computes (tests compare them).
#include "kernels.h"

#include "quant.h"
#include "x86_common.h"
#include "x86_multi.h"

#include <cstring>
#include <immintrin.h>

namespace ponder::cpu {

namespace {

inline __m256i hsum_pairs(__m256i x16) { return _mm256_madd_epi16(x16, _mm256_set1_epi16(1)); }

// Signed int8 x signed int8 -> 8 int32 sums of 4 products each.
inline __m256i dot_i8(__m256i x, __m256i y) {
    __m256i ax = _mm256_sign_epi8(x, x);
    __m256i sy = _mm256_sign_epi8(y, x);
    return hsum_pairs(_mm256_maddubs_epi16(ax, sy));
}

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

template <bool kFive>
inline float dot_k4_k5(const void* w, const void* a, int64_t n) {
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i low = _mm256_set1_epi8(0xF), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps(), acc_m = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        const uint8_t *scales, *qs;
        uint16_t d16, dmin16;
        __m256i qh = _mm256_setzero_si256();
        if constexpr (kFive) {
            const block_q5_K& x = static_cast<const block_q5_K*>(w)[b];
            scales = x.scales, qs = x.qs, d16 = x.d, dmin16 = x.dmin;
            qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qh));
        } else {
            const block_q4_K& x = static_cast<const block_q4_K*>(w)[b];
            scales = x.scales, qs = x.qs, d16 = x.d, dmin16 = x.dmin;
        }
        _mm_prefetch(reinterpret_cast<const char*>(qs) + 8 * 144, _MM_HINT_T0);  // a few blocks ahead
        _mm_prefetch(reinterpret_cast<const char*>(qs) + 8 * 144 + 64, _MM_HINT_T0);
        uint32_t sm[4];
        unpack_k4_scales(scales, sm);
        const uint8_t* sc = reinterpret_cast<const uint8_t*>(sm);
        const int8_t* q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * c));
            __m256i lo = _mm256_and_si256(bytes, low);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low);
            if constexpr (kFive) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4));
            }
            __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c)));
            __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64 * c + 32)));
            p0 = _mm256_madd_epi16(p0, _mm256_set1_epi16(sc[2 * c]));
            p1 = _mm256_madd_epi16(p1, _mm256_set1_epi16(sc[2 * c + 1]));
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1));
        }
        const float dy = y[b].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(dy * h(d16)), _mm256_cvtepi32_ps(sumi), acc);
        acc_m = _mm256_fmadd_ps(_mm256_set1_ps(dy * h(dmin16)), _mm256_cvtepi32_ps(mins_dot(y[b].bsums, sm + 2)), acc_m);
    }
    return hsum(acc) - hsum(acc_m);
}

float dot_q4_k(const void* w, const void* a, int64_t n) { return dot_k4_k5<false>(w, a, n); }
float dot_q5_k(const void* w, const void* a, int64_t n) { return dot_k4_k5<true>(w, a, n); }

float dot_q6_k(const void* w, const void* a, int64_t n) {
    const block_q6_K* x = static_cast<const block_q6_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i low = _mm256_set1_epi8(0xF), three = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        _mm_prefetch(reinterpret_cast<const char*>(x + b + 6), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + b + 6) + 64, _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + b + 6) + 128, _MM_HINT_T0);
        const int8_t* sc = x[b].scales;
        const int8_t* q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        // the -32 of every quant, applied through the activation sums: 32 * sum_g sc[g] * bsums[g]
        __m256i offset = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sc))),
                                           _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].bsums)));
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
        sumi = _mm256_sub_epi32(sumi, _mm256_slli_epi32(offset, 5));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum(acc);
}

void axpy_f16(float a, const uint16_t* x, float* y, int64_t n) {
    const __m256 va = _mm256_set1_ps(a);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, xv, _mm256_loadu_ps(y + i)));
    }
    for (; i < n; i++) y[i] += a * h(x[i]);
}

// 32 bits to 32 bytes: byte e is 0xFF when bit e is set.
inline __m256i bytes_from_bits(const uint8_t* p) {
    uint32_t bits;
    std::memcpy(&bits, p, 4);
    // byte e of the register gets byte e/8 of the bits, then keeps only bit e%8
    const __m256i spread = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    const __m256i select = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ull));
    __m256i v = _mm256_and_si256(_mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(bits)), spread), select);
    return _mm256_cmpeq_epi8(v, select);
}

// Q4_1, Q5_0, Q5_1: x = d * q (+ m), q from nibbles (+ a fifth bit). Q4_1/Q5_1 take Q8_1
// activations, whose s = d * sum(q) carries the offset term.
template <TensorType T>
float dot_q4_1_q5(const void* w, const void* a, int64_t n) {
    const uint8_t* p = static_cast<const uint8_t*>(w);
    const __m256i low = _mm256_set1_epi8(0xF);
    __m256 acc = _mm256_setzero_ps();
    float offsets = 0;
    constexpr size_t bb = T == TensorType::Q4_1 ? sizeof(block_q4_1) : T == TensorType::Q5_0 ? sizeof(block_q5_0) : sizeof(block_q5_1);
    for (int64_t b = 0; b < n / QK; b++, p += bb) {
        const uint8_t* qs;
        float d, m = 0;
        __m256i high = _mm256_setzero_si256();
        if constexpr (T == TensorType::Q4_1) {
            auto* x = reinterpret_cast<const block_q4_1*>(p);
            qs = x->qs, d = h(x->d), m = h(x->m);
        } else if constexpr (T == TensorType::Q5_0) {
            auto* x = reinterpret_cast<const block_q5_0*>(p);
            qs = x->qs, d = h(x->d);
            high = _mm256_and_si256(bytes_from_bits(x->qh), _mm256_set1_epi8(0x10));
        } else {
            auto* x = reinterpret_cast<const block_q5_1*>(p);
            qs = x->qs, d = h(x->d), m = h(x->m);
            high = _mm256_and_si256(bytes_from_bits(x->qh), _mm256_set1_epi8(0x10));
        }
        __m128i q16 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
        __m256i q = _mm256_or_si256(_mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q16, 4), q16), low), high);
        if constexpr (T == TensorType::Q5_0) {
            const block_q8_0& y = static_cast<const block_q8_0*>(a)[b];
            __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.qs));
            q = _mm256_sub_epi8(q, _mm256_set1_epi8(16));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * h(y.d)), _mm256_cvtepi32_ps(dot_i8(q, qy)), acc);
        } else {
            const block_q8_1& y = static_cast<const block_q8_1*>(a)[b];
            __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.qs));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * h(y.d)), _mm256_cvtepi32_ps(hsum_pairs(_mm256_maddubs_epi16(q, qy))), acc);
            offsets += m * h(y.s);
        }
    }
    return hsum(acc) + offsets;
}

// 16 int16 lanes: the first 8 get scale a, the last 8 scale b (one per 16 elements).
inline __m256i pair_scales(int a, int b) { return _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(b)), _mm_set1_epi16(static_cast<int16_t>(a))); }

float dot_q2_k(const void* w, const void* a, int64_t n) {
    const block_q2_K* x = static_cast<const block_q2_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i three = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps(), acc_m = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        const uint8_t* sc = x[b].scales;  // low nibble: scale, high nibble: min, per 16 elements
        const int8_t* q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int half = 0; half < 2; half++) {
            __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs + 32 * half));
            for (int j = 0; j < 4; j++) {
                int g = 8 * half + 2 * j;
                __m256i v = _mm256_and_si256(_mm256_srli_epi16(q, 2 * j), three);
                __m256i p = _mm256_maddubs_epi16(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 128 * half + 32 * j)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, pair_scales(sc[g] & 0xF, sc[g + 1] & 0xF)));
            }
        }
        __m128i s8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sc));
        __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(s8, 4), _mm_set1_epi8(0xF)));
        __m256i md = _mm256_madd_epi16(mins, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].bsums)));
        const float dy = y[b].d;
        acc = _mm256_fmadd_ps(_mm256_set1_ps(dy * h(x[b].d)), _mm256_cvtepi32_ps(sumi), acc);
        acc_m = _mm256_fmadd_ps(_mm256_set1_ps(dy * h(x[b].dmin)), _mm256_cvtepi32_ps(md), acc_m);
    }
    return hsum(acc) - hsum(acc_m);
}

float dot_q3_k(const void* w, const void* a, int64_t n) {
    const block_q3_K* x = static_cast<const block_q3_K*>(w);
    const block_q8_K* y = static_cast<const block_q8_K*>(a);
    const __m256i three = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        // signed 6-bit scales, unpacked as the format defines (see quant.cpp)
        uint32_t aux[4];
        std::memcpy(aux, x[b].scales, 12);
        const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f, tmp = aux[2];
        aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
        aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
        aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
        aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
        __m256i sc16 = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(aux))),
                                        _mm256_set1_epi16(32));
        alignas(32) int16_t sc[16];
        _mm256_store_si256(reinterpret_cast<__m256i*>(sc), sc16);
        const int8_t* q8 = y[b].qs;
        __m256i hm = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].hmask));
        __m256i sumi = _mm256_setzero_si256();
        for (int half = 0; half < 2; half++) {
            __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs + 32 * half));
            for (int j = 0; j < 4; j++) {
                int g = 8 * half + 2 * j;
                // v = low 2 bits + 4 * high bit, in 0..7; the value is v - 4
                __m256i hb = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hm, 4 * half + j), one), 2);
                __m256i v = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 2 * j), three), hb);
                __m256i p = _mm256_maddubs_epi16(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 128 * half + 32 * j)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, pair_scales(sc[g], sc[g + 1])));
            }
        }
        // the -4 offset through the activation sums: 4 * sum_g sc[g] * bsums[g]
        __m256i off = _mm256_madd_epi16(sc16, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].bsums)));
        sumi = _mm256_sub_epi32(sumi, _mm256_slli_epi32(off, 2));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[b].d * h(x[b].d)), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum(acc);
}

// Largest |x| of n floats (n a multiple of 8).
inline float abs_max(const float* x, int n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
    __m128 r = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    r = _mm_max_ps(r, _mm_movehl_ps(r, r));
    r = _mm_max_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

// 8 floats * id, rounded half to even (as nearbyint), clamped to +-127, as int32.
inline __m256i round_scale(const float* x, __m256 id) {
    __m256 v = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x), id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-127.f)), _mm256_set1_ps(127.f));
    return _mm256_cvtps_epi32(v);
}

// 32 int32 (four vectors) to 32 int8 in order.
inline __m256i pack_i32_to_i8(__m256i a, __m256i b, __m256i c, __m256i d) {
    __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);  // lane-interleaved
    __m256i abcd = _mm256_packs_epi16(ab, cd);
    return _mm256_permutevar8x32_epi32(abcd, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

void quantize_q8_0(const float* x, void* out, int64_t n) {
    block_q8_0* y = static_cast<block_q8_0*>(out);
    for (int64_t b = 0; b < n / QK; b++, x += QK) {
        float d = abs_max(x, QK) / 127.f, id = d != 0 ? 1.f / d : 0.f;  // as quantize_row_q8_0
        y[b].d = fp32_to_fp16(d);
        __m256 vid = _mm256_set1_ps(id);
        __m256i q = pack_i32_to_i8(round_scale(x, vid), round_scale(x + 8, vid), round_scale(x + 16, vid), round_scale(x + 24, vid));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[b].qs), q);
    }
}

void quantize_q8_K(const float* x, void* out, int64_t n) {
    block_q8_K* y = static_cast<block_q8_K*>(out);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        float d = abs_max(x, QK_K) / 127.f, id = d != 0 ? 1.f / d : 0.f;  // as quantize_row_q8_K
        y[b].d = d;
        __m256 vid = _mm256_set1_ps(id);
        for (int j = 0; j < QK_K; j += 32) {
            __m256i q = pack_i32_to_i8(round_scale(x + j, vid), round_scale(x + j + 8, vid), round_scale(x + j + 16, vid),
                                       round_scale(x + j + 24, vid));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[b].qs + j), q);
            // sums of each 16: widen to int16 and add pairs
            __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), q);  // 16 sums of 2
            __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1));  // 8 sums of 4
            alignas(32) int32_t s[8];
            _mm256_store_si256(reinterpret_cast<__m256i*>(s), s32);
            y[b].bsums[j / 16] = static_cast<int16_t>(s[0] + s[1] + s[2] + s[3]);
            y[b].bsums[j / 16 + 1] = static_cast<int16_t>(s[4] + s[5] + s[6] + s[7]);
        }
    }
}

} // namespace

void add_avx2_kernels(Kernels& k) {
    k.quantize_q8_0 = quantize_q8_0;
    k.quantize_q8_K = quantize_q8_K;
    add_multi_kernels<4, 4>(k);
    k.vec_dot[static_cast<int>(TensorType::Q4_1)] = dot_q4_1_q5<TensorType::Q4_1>;
    k.vec_dot[static_cast<int>(TensorType::Q5_0)] = dot_q4_1_q5<TensorType::Q5_0>;
    k.vec_dot[static_cast<int>(TensorType::Q5_1)] = dot_q4_1_q5<TensorType::Q5_1>;
    k.vec_dot[static_cast<int>(TensorType::Q2_K)] = dot_q2_k;
    k.vec_dot[static_cast<int>(TensorType::Q3_K)] = dot_q3_k;
    k.axpy_f16 = axpy_f16;
    k.vec_dot[static_cast<int>(TensorType::F32)] = dot_f32;
    k.vec_dot[static_cast<int>(TensorType::F16)] = dot_f16;
    k.vec_dot[static_cast<int>(TensorType::Q8_0)] = dot_q8_0;
    k.vec_dot[static_cast<int>(TensorType::Q4_0)] = dot_q4_0;
    k.vec_dot[static_cast<int>(TensorType::Q4_K)] = dot_q4_k;
    k.vec_dot[static_cast<int>(TensorType::Q5_K)] = dot_q5_k;
    k.vec_dot[static_cast<int>(TensorType::Q6_K)] = dot_q6_k;
}

} // namespace ponder::cpu
