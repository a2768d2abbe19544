// The per-token loops are unrolled (#pragma GCC unroll) so the accumulator arrays live in
// registers instead of on the stack.
// Dot products of one weight row with N activation rows at once (prompt processing): the weight
// block is unpacked once and kept in registers for all N (4 with AVX2's 16 vector registers,
// 8 with AVX-512's 32). Included by kernels_avx2.cpp and
// kernels_avx512.cpp, each compiled for its instruction set (internal linkage per file).
#pragma once

#include "quant.h"
#include "kernels.h"
#include "x86_common.h"

#include <cstring>
#include <immintrin.h>

namespace ponder::cpu {
namespace {


// acc + madd(p, s): pairs of int16 products summed into int32 lanes (one instruction with VNNI).
inline __m256i madd_acc(__m256i acc, __m256i p, __m256i s) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpwssd_epi32(acc, p, s);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, s));
#endif
}

// acc + the dot of signed bytes x and y in groups of 4 (VNNI: one instruction).
inline __m256i dot_i8_acc(__m256i acc, __m256i ax, __m256i sy) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(acc, ax, sy);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1)));
#endif
}

template <int kMulti>
void dotn_q4_k(const void* w, const void* const* a, int64_t n, float* out) {
    const block_q4_K* x = static_cast<const block_q4_K*>(w);
    const block_q8_K* y[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) y[t] = static_cast<const block_q8_K*>(a[t]);
    const __m256i low = _mm256_set1_epi8(0xF);
    __m256 acc[kMulti], acc_m[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) acc[t] = acc_m[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        uint32_t sm[4];
        unpack_k4_scales(x[b].scales, sm);
        const uint8_t* sc = reinterpret_cast<const uint8_t*>(sm);
        __m256i sumi[kMulti];
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) sumi[t] = _mm256_setzero_si256();
        #pragma GCC unroll 8
        for (int c = 0; c < 4; c++) {
            __m256i bytes = load256(x[b].qs + 32 * c);
            __m256i lo = _mm256_and_si256(bytes, low), hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low);
            __m256i s0 = _mm256_set1_epi16(sc[2 * c]), s1 = _mm256_set1_epi16(sc[2 * c + 1]);
            #pragma GCC unroll 8
            for (int t = 0; t < kMulti; t++) {
                sumi[t] = madd_acc(sumi[t], _mm256_maddubs_epi16(lo, load256(y[t][b].qs + 64 * c)), s0);
                sumi[t] = madd_acc(sumi[t], _mm256_maddubs_epi16(hi, load256(y[t][b].qs + 64 * c + 32)), s1);
            }
        }
        __m128i m8 = _mm_set_epi32(0, 0, static_cast<int>(sm[3]), static_cast<int>(sm[2]));
        __m256i m16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
        const float d = _cvtsh_ss(x[b].d), dmin = _cvtsh_ss(x[b].dmin);
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) {
            __m256i mins = _mm256_madd_epi16(load256(y[t][b].bsums), m16);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(y[t][b].d * d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
            acc_m[t] = _mm256_fmadd_ps(_mm256_set1_ps(y[t][b].d * dmin), _mm256_cvtepi32_ps(mins), acc_m[t]);
        }
    }
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) out[t] = hsum(acc[t]) - hsum(acc_m[t]);
}

template <int kMulti>
void dotn_q6_k(const void* w, const void* const* a, int64_t n, float* out) {
    const block_q6_K* x = static_cast<const block_q6_K*>(w);
    const block_q8_K* y[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) y[t] = static_cast<const block_q8_K*>(a[t]);
    const __m256i low = _mm256_set1_epi8(0xF), three = _mm256_set1_epi8(3);
    __m256 acc[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        const int8_t* sc = x[b].scales;
        __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sc)));
        __m256i sumi[kMulti];
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++)  // the -32 offset through the activation sums
            sumi[t] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(_mm256_madd_epi16(sc16, load256(y[t][b].bsums)), 5));
        #pragma GCC unroll 8
        for (int half = 0; half < 2; half++) {
            const uint8_t* ql = x[b].ql + 64 * half;
            __m256i qh = load256(x[b].qh + 32 * half), l0 = load256(ql), l1 = load256(ql + 32);
            __m256i parts[4] = {
                _mm256_or_si256(_mm256_and_si256(l0, low), _mm256_slli_epi16(_mm256_and_si256(qh, three), 4)),
                _mm256_or_si256(_mm256_and_si256(l1, low), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), three), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), three), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), three), 4)),
            };
            #pragma GCC unroll 8
            for (int p = 0; p < 4; p++) {
                int g = 8 * half + 2 * p;
                __m256i s = _mm256_set_m128i(_mm_set1_epi16(sc[g + 1]), _mm_set1_epi16(sc[g]));
                #pragma GCC unroll 8
                for (int t = 0; t < kMulti; t++)
                    sumi[t] = madd_acc(sumi[t], _mm256_maddubs_epi16(parts[p], load256(y[t][b].qs + 128 * half + 32 * p)), s);
            }
        }
        const float d = _cvtsh_ss(x[b].d);
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(y[t][b].d * d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) out[t] = hsum(acc[t]);
}

template <int kMulti>
void dotn_q8_0(const void* w, const void* const* a, int64_t n, float* out) {
    const block_q8_0* x = static_cast<const block_q8_0*>(w);
    const block_q8_0* y[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) y[t] = static_cast<const block_q8_0*>(a[t]);
    __m256 acc[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        __m256i qx = load256(x[b].qs);
        __m256i ax = _mm256_sign_epi8(qx, qx);
        const float d = _cvtsh_ss(x[b].d);
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) {
            __m256i dot = dot_i8_acc(_mm256_setzero_si256(), ax, _mm256_sign_epi8(load256(y[t][b].qs), qx));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * _cvtsh_ss(y[t][b].d)), _mm256_cvtepi32_ps(dot), acc[t]);
        }
    }
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) out[t] = hsum(acc[t]);
}

// Two weight rows x N activation rows: each activation load serves both rows, each weight
// unpack all N tokens. out[r * N + t].
template <int kMulti>
void dot2n_q4_k(const void* w, size_t row_bytes, const void* const* a, int64_t n, float* out) {
    const block_q4_K* x[2] = {static_cast<const block_q4_K*>(w),
                              reinterpret_cast<const block_q4_K*>(static_cast<const uint8_t*>(w) + row_bytes)};
    const block_q8_K* y[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) y[t] = static_cast<const block_q8_K*>(a[t]);
    const __m256i low = _mm256_set1_epi8(0xF);
    __m256 acc[2][kMulti];
    #pragma GCC unroll 8
    for (int r = 0; r < 2; r++)
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) acc[r][t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK_K; b++) {
        uint32_t sm[2][4];
        unpack_k4_scales(x[0][b].scales, sm[0]);
        unpack_k4_scales(x[1][b].scales, sm[1]);
        __m256i sumi[2][kMulti];
        #pragma GCC unroll 8
        for (int r = 0; r < 2; r++)
            #pragma GCC unroll 8
            for (int t = 0; t < kMulti; t++) sumi[r][t] = _mm256_setzero_si256();
        #pragma GCC unroll 8
        for (int c = 0; c < 4; c++) {
            __m256i lo[2], hi[2], s0[2], s1[2];
            #pragma GCC unroll 8
            for (int r = 0; r < 2; r++) {
                __m256i bytes = load256(x[r][b].qs + 32 * c);
                lo[r] = _mm256_and_si256(bytes, low);
                hi[r] = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low);
                const uint8_t* sc = reinterpret_cast<const uint8_t*>(sm[r]);
                s0[r] = _mm256_set1_epi16(sc[2 * c]);
                s1[r] = _mm256_set1_epi16(sc[2 * c + 1]);
            }
            #pragma GCC unroll 8
            for (int t = 0; t < kMulti; t++) {
                __m256i y0 = load256(y[t][b].qs + 64 * c), y1 = load256(y[t][b].qs + 64 * c + 32);
                #pragma GCC unroll 8
                for (int r = 0; r < 2; r++) {
                    sumi[r][t] = madd_acc(sumi[r][t], _mm256_maddubs_epi16(lo[r], y0), s0[r]);
                    sumi[r][t] = madd_acc(sumi[r][t], _mm256_maddubs_epi16(hi[r], y1), s1[r]);
                }
            }
        }
        #pragma GCC unroll 8
        for (int r = 0; r < 2; r++) {
            __m128i m8 = _mm_set_epi32(0, 0, static_cast<int>(sm[r][3]), static_cast<int>(sm[r][2]));
            __m256i m16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
            const float d = _cvtsh_ss(x[r][b].d), dmin = _cvtsh_ss(x[r][b].dmin);
            #pragma GCC unroll 8
            for (int t = 0; t < kMulti; t++) {
                __m256i mins = _mm256_madd_epi16(load256(y[t][b].bsums), m16);
                acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(y[t][b].d * d), _mm256_cvtepi32_ps(sumi[r][t]), acc[r][t]);
                acc[r][t] = _mm256_fnmadd_ps(_mm256_set1_ps(y[t][b].d * dmin), _mm256_cvtepi32_ps(mins), acc[r][t]);
            }
        }
    }
    #pragma GCC unroll 8
    for (int r = 0; r < 2; r++)
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) out[r * kMulti + t] = hsum(acc[r][t]);
}

// Q8_0, kRows weight rows x N tokens. The weights are made unsigned (x + 128) so one multiply-add
// instruction serves any sign; 128 * sum(y) is taken off per block through the activations' sums.
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
template <int kRows, int kMulti>
void dotrn_q8_0(const void* w, size_t row_bytes, const void* const* a, int64_t n, float* out) {
    const block_q8_0* x[kRows];
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; r++) x[r] = reinterpret_cast<const block_q8_0*>(static_cast<const uint8_t*>(w) + r * row_bytes);
    const block_q8_0* y[kMulti];
    #pragma GCC unroll 8
    for (int t = 0; t < kMulti; t++) y[t] = static_cast<const block_q8_0*>(a[t]);
    const __m256i bias = _mm256_set1_epi8(static_cast<char>(0x80)), ones = _mm256_set1_epi8(1);
    __m256 acc[kRows][kMulti];
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; r++)
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) acc[r][t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / QK; b++) {
        __m256i ux[kRows];
        __m256 dx[kRows];
        #pragma GCC unroll 8
        for (int r = 0; r < kRows; r++) {
            ux[r] = _mm256_xor_si256(load256(x[r][b].qs), bias);
            dx[r] = _mm256_set1_ps(_cvtsh_ss(x[r][b].d));
        }
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) {
            __m256i yv = load256(y[t][b].qs);
            // the products start from -128 * sum(y), which the +128 bias of the weights adds back
            __m256i start = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(dot_i8_acc(_mm256_setzero_si256(), ones, yv), 7));
            const __m256 dy = _mm256_set1_ps(_cvtsh_ss(y[t][b].d));
            #pragma GCC unroll 8
            for (int r = 0; r < kRows; r++) {
                __m256 dot = _mm256_mul_ps(_mm256_cvtepi32_ps(dot_i8_acc(start, ux[r], yv)), dy);
                acc[r][t] = _mm256_fmadd_ps(dot, dx[r], acc[r][t]);
            }
        }
    }
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; r++)
        #pragma GCC unroll 8
        for (int t = 0; t < kMulti; t++) out[r * kMulti + t] = hsum(acc[r][t]);
}
#endif

template <int N, int N2>
inline void add_multi_kernels(Kernels& k) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    // Needs VNNI: without it the unsigned x signed multiply-add saturates at 16 bits for x + 128.
    k.tile[static_cast<int>(TensorType::Q8_0)] = {dotrn_q8_0<4, 4>, 4, 4};
#endif
    k.tile[static_cast<int>(TensorType::Q4_K)] = {dot2n_q4_k<N2>, 2, N2};
    k.multi_n = N;
    k.vec_dot_multi[static_cast<int>(TensorType::Q4_K)] = dotn_q4_k<N>;
    k.vec_dot_multi[static_cast<int>(TensorType::Q6_K)] = dotn_q6_k<N>;
    k.vec_dot_multi[static_cast<int>(TensorType::Q8_0)] = dotn_q8_0<N>;
}

} // namespace
} // namespace ponder::cpu
