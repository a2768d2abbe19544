#include "kernels.h"

#include "quant.h"

#include <cpuid.h>
#include <cstdlib>
#include <cstring>

namespace ponder::cpu {

namespace {

template <TensorType T> float scalar_dot(const void* w, const void* a, int64_t n) { return vec_dot_scalar(T, w, a, n); }

void axpy_f16_scalar(float a, const uint16_t* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += a * fp16_to_fp32(x[i]);
}

void add_scalar_kernels(Kernels& k) {
    k.axpy_f16 = axpy_f16_scalar;
    k.quantize_q8_0 = [](const float* x, void* y, int64_t n) { quantize_row_q8_0(x, static_cast<block_q8_0*>(y), n); };
    k.quantize_q8_K = [](const float* x, void* y, int64_t n) { quantize_row_q8_K(x, static_cast<block_q8_K*>(y), n); };
#define PONDER_SCALAR(T) k.vec_dot[static_cast<int>(TensorType::T)] = scalar_dot<TensorType::T>
    PONDER_SCALAR(F32); PONDER_SCALAR(F16); PONDER_SCALAR(BF16); PONDER_SCALAR(Q4_0); PONDER_SCALAR(Q4_1);
    PONDER_SCALAR(Q5_0); PONDER_SCALAR(Q5_1); PONDER_SCALAR(Q8_0); PONDER_SCALAR(Q2_K); PONDER_SCALAR(Q3_K);
    PONDER_SCALAR(Q4_K); PONDER_SCALAR(Q5_K); PONDER_SCALAR(Q6_K);
#undef PONDER_SCALAR
}

int level(const char* isa) {
    if (!std::strcmp(isa, "avx512")) return 2;
    if (!std::strcmp(isa, "avx2")) return 1;
    return 0;
}

} // namespace

bool cpu_supports(const char* isa) {
    __builtin_cpu_init();
    // F16C from CPUID directly: clang 14's __builtin_cpu_supports does not know it.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C);
    bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
    if (!std::strcmp(isa, "avx2")) return avx2;
    if (!std::strcmp(isa, "avx512"))
        return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
    return !std::strcmp(isa, "scalar");
}

Kernels kernels_for(const char* isa) {
    Kernels k;
    add_scalar_kernels(k);
    int want = level(isa);
    if (want >= 1 && cpu_supports("avx2")) {
        add_avx2_kernels(k);
        k.isa = "avx2";
    }
    if (want >= 2 && cpu_supports("avx512")) {
        add_avx512_kernels(k);
        k.isa = "avx512";
    }
    return k;
}

const Kernels& kernels() {
    static const Kernels k = [] {
        const char* cap = std::getenv("PONDER_SIMD");
        return kernels_for(cap && *cap ? cap : "avx512");
    }();
    return k;
}

} // namespace ponder::cpu
