// bench_kernels: single-thread dot-product kernel speed per tensor type and instruction set,
// on a weight matrix the size of R1-Distill-Qwen-1.5B's FFN (8960 x 1536), as GB/s of weights.
#include "backends/cpu/kernels.h"
#include "make_model.h"
#include "quant.h"

#include <chrono>
#include <cstdio>
#include <random>

using namespace ponder;

int main() {
    const int64_t rows = 8960, cols = 1536;
    std::mt19937_64 rng(1);
    std::vector<float> x(cols);
    std::normal_distribution<float> normal(0, 1);
    for (float& v : x) v = normal(rng);
    const char* types[] = {"F16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"};
    std::printf("%-6s %10s %10s %10s   (GB/s of weights, 1 thread)\n", "type", "scalar", "avx2", "avx512");
    for (const char* name : types) {
        TensorType t{};
        for (uint32_t id = 0; id < 64; id++)
            if (tensor_type_traits(id) && tensor_type_traits(id)->name == std::string(name)) t = static_cast<TensorType>(id);
        std::vector<uint8_t> w = test::random_weight(t, cols, rows, 0.05f, rng);
        std::vector<uint8_t> a(activation_row_bytes(t, cols));
        quantize_activation_row(t, x.data(), a.data(), cols);
        const size_t row_bytes = w.size() / rows;
        std::printf("%-6s", name);
        for (const char* isa : {"scalar", "avx2", "avx512"}) {
            if (!cpu::cpu_supports(isa)) {
                std::printf(" %10s", "-");
                continue;
            }
            cpu::Kernels k = cpu::kernels_for(isa);
            volatile float sink = 0;
            double best = 1e30;
            for (int rep = 0; rep < (std::string(isa) == "scalar" ? 1 : 5); rep++) {
                auto t0 = std::chrono::steady_clock::now();
                for (int64_t r = 0; r < rows; r++) sink = sink + k.vec_dot[static_cast<int>(t)](w.data() + r * row_bytes, a.data(), cols);
                best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            std::printf(" %10.2f", static_cast<double>(w.size()) / best / 1e9);
        }
        // Several activation rows at once (prompt processing), where the type has such a kernel.
        cpu::Kernels best = cpu::kernels();
        if (cpu::VecDotMultiFn dn = best.vec_dot_multi[static_cast<int>(t)]) {
            const int m = best.multi_n;
            std::vector<uint8_t> an(a.size() * static_cast<size_t>(m));
            const void* ptrs[cpu::kMaxMulti];
            for (int k = 0; k < m; k++) {
                std::copy(a.begin(), a.end(), an.begin() + static_cast<ptrdiff_t>(static_cast<size_t>(k) * a.size()));
                ptrs[k] = an.data() + static_cast<size_t>(k) * a.size();
            }
            double best_s = 1e30;
            float o[cpu::kMaxMulti];
            for (int rep = 0; rep < 5; rep++) {
                auto t0 = std::chrono::steady_clock::now();
                for (int64_t r = 0; r < rows; r++) dn(w.data() + r * row_bytes, ptrs, cols, o);
                best_s = std::min(best_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            std::printf("   x%d tokens (%s): %.2f GB/s per token-row", m, best.isa, m * static_cast<double>(w.size()) / best_s / 1e9);
        }
        std::printf("\n");
    }
    return 0;
}
