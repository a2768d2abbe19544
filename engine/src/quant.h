// Quantized block formats as GGUF stores them, and the scalar reference math on them:
// dequantization (bit-exact with the format definitions) and dot products against quantized
// activations (Q8_0 / Q8_1 blocks for the 32-element formats, Q8_K for the K-quants), as the fast
// paths use. The SIMD kernels in cpu/ must agree with these.
#pragma once

#include "ponder/tensor_types.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ponder {

constexpr int QK = 32;     // elements per block of the 32-element formats
constexpr int QK_K = 256;  // elements per K-quant super-block

// Half-precision scale fields are stored as raw IEEE binary16 bits.
struct block_q4_0 { uint16_t d; uint8_t qs[QK / 2]; };
struct block_q4_1 { uint16_t d, m; uint8_t qs[QK / 2]; };
struct block_q5_0 { uint16_t d; uint8_t qh[4]; uint8_t qs[QK / 2]; };
struct block_q5_1 { uint16_t d, m; uint8_t qh[4]; uint8_t qs[QK / 2]; };
struct block_q8_0 { uint16_t d; int8_t qs[QK]; };
struct block_q2_K { uint8_t scales[QK_K / 16]; uint8_t qs[QK_K / 4]; uint16_t d, dmin; };
struct block_q3_K { uint8_t hmask[QK_K / 8]; uint8_t qs[QK_K / 4]; uint8_t scales[12]; uint16_t d; };
struct block_q4_K { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[QK_K / 2]; };
struct block_q5_K { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[QK_K / 8]; uint8_t qs[QK_K / 2]; };
struct block_q6_K { uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16]; uint16_t d; };
// Activations for Q4_1/Q5_1 (whose offset m multiplies the sum of the activations): half scale
// d, half s = d * sum(qs) computed before rounding d, as the GGUF Q8_1 format defines.
struct block_q8_1 { uint16_t d, s; int8_t qs[QK]; };
// Activations for the K-quant dot products: float scale, int8 values, sums of each 16.
struct block_q8_K { float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16]; };

// Keep in sync with tensor_types.cpp (bytes per block).
static_assert(sizeof(block_q4_0) == 18 && sizeof(block_q4_1) == 20 && sizeof(block_q5_0) == 22 &&
              sizeof(block_q5_1) == 24 && sizeof(block_q8_0) == 34 && sizeof(block_q8_1) == 36);
static_assert(sizeof(block_q2_K) == 84 && sizeof(block_q3_K) == 110 && sizeof(block_q4_K) == 144 &&
              sizeof(block_q5_K) == 176 && sizeof(block_q6_K) == 210 && sizeof(block_q8_K) == 292);

float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);  // round to nearest even
inline float bf16_to_fp32(uint16_t h) {
    uint32_t u = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
uint16_t fp32_to_bf16(float f);  // round to nearest even

// Types the CPU engine computes with.
bool tensor_type_supported(TensorType t);

// Dequantizes n elements (a multiple of the block size) of type t.
void dequantize_row(TensorType t, const void* src, float* dst, int64_t n);

// The activation format a weight type's dot product takes (Q8_0, Q8_1 or Q8_K; F32 for float types).
TensorType vec_dot_activation_type(TensorType weight);
// Bytes of n activations quantized to that format.
size_t activation_row_bytes(TensorType weight, int64_t n);
void quantize_row_q8_0(const float* x, block_q8_0* y, int64_t n);
void quantize_row_q8_K(const float* x, block_q8_K* y, int64_t n);
void quantize_row_q8_1(const float* x, block_q8_1* y, int64_t n);
// Quantizes (or copies, for float weight types) one activation row for `weight`'s dot product.
void quantize_activation_row(TensorType weight, const float* x, void* y, int64_t n);

// Scalar reference: dot of one weight row (n elements of type t) with one activation row in
// vec_dot_activation_type(t). The SIMD kernels are tested against these.
float vec_dot_scalar(TensorType t, const void* w, const void* a, int64_t n);

} // namespace ponder
