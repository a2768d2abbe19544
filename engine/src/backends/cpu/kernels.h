// CPU dot-product kernels, chosen once at run time by the processor's features.
#pragma once

#include "ponder/tensor_types.h"

#include <cstddef>
#include <cstdint>

namespace ponder::cpu {

// Dot of one weight row (n elements of its type) with one activation row in
// vec_dot_activation_type(weight type).
using VecDotFn = float (*)(const void* w, const void* a, int64_t n);

constexpr int kMaxTypes = 40;

// Dots of one weight row with multi_n activation rows (a[0..multi_n)) into out[0..multi_n);
// optional per type.
using VecDotMultiFn = void (*)(const void* w, const void* const* a, int64_t n, float* out);
constexpr int kMaxMulti = 8;
constexpr int kMaxTileRows = 4;
// A register tile: `rows` consecutive weight rows (row r at w + r * row_bytes) against `tokens`
// activation rows, out[r * tokens + t]. Each activation load serves every row of the tile and
// each weight unpack every token.
using VecDotTileFn = void (*)(const void* w, size_t row_bytes, const void* const* a, int64_t n, float* out);
struct DotTile {
    VecDotTileFn fn = nullptr;
    int rows = 0, tokens = 0;
};

// Activation quantization (must give exactly what quantize_row_q8_0 / _q8_K give).
using QuantizeFn = void (*)(const float* x, void* y, int64_t n);

// y[i] += a * x[i] for n half-precision x (attention's weighted sum of cached values).
using AxpyF16Fn = void (*)(float a, const uint16_t* x, float* y, int64_t n);

struct Kernels {
    const char* isa = "scalar";  // "scalar", "avx2", "avx512"
    VecDotFn vec_dot[kMaxTypes] = {};
    int multi_n = 0;  // activation rows the vec_dot_multi kernels take
    VecDotMultiFn vec_dot_multi[kMaxTypes] = {};
    DotTile tile[kMaxTypes] = {};
    AxpyF16Fn axpy_f16 = nullptr;
    QuantizeFn quantize_q8_0 = nullptr, quantize_q8_K = nullptr;
};

// The best kernels this CPU runs (PONDER_SIMD=scalar|avx2|avx512 caps the choice, for tests and
// benchmarks). Types without a SIMD kernel use the scalar reference.
const Kernels& kernels();
Kernels kernels_for(const char* isa);  // "scalar", "avx2", "avx512": that level (or lower if unsupported)
bool cpu_supports(const char* isa);

// Filled in by the per-ISA translation units (compiled with their own -m flags).
void add_avx2_kernels(Kernels& k);
void add_avx512_kernels(Kernels& k);

} // namespace ponder::cpu
