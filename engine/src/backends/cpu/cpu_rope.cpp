// Rotary position embedding on the CPU, with the variants the R1 family uses: adjacent or
// half-split pairs, partial rotation (only the first n_rot values of a head), Llama 3.1 frequency
// divisors, and YaRN context extension (DeepSeek-V3). The angles come from rope_frequencies and
// rope_cos_sin (backend.cpp), shared with the GPU backends so every backend rotates alike.
#include "cpu_backend.h"

#include <cassert>

namespace ponder::cpu {


void CpuStream::rope(const Tensor& x, int pos0, const RopeParams& p) {
    assert(x.type == TensorType::F32 && x.dense_rows() && p.n_rot % 2 == 0 && p.n_rot <= x.ne[0]);
    const int half = p.n_rot / 2;
    const float* divisors = p.freq_factors ? reinterpret_cast<const float*>(host_bytes(*p.freq_factors)) : nullptr;
    const std::vector<double> freq = rope_frequencies(p, divisors);
    std::vector<float> cosv(static_cast<size_t>(half)), sinv(static_cast<size_t>(half));
    for (int64_t t = 0; t < x.ne[2]; t++) {
        rope_cos_sin(freq, pos0 + t, p.mscale, cosv.data(), sinv.data());
        for (int64_t h = 0; h < x.ne[1]; h++) {
            float* v = reinterpret_cast<float*>(host_bytes(x) + static_cast<size_t>(h) * x.nb[1] + static_cast<size_t>(t) * x.nb[2]);
            for (int i = 0; i < half; i++) {
                const int a = p.neox ? i : 2 * i, b = p.neox ? i + half : 2 * i + 1;
                const float x0 = v[a], x1 = v[b], c = cosv[static_cast<size_t>(i)], s = sinv[static_cast<size_t>(i)];
                v[a] = x0 * c - x1 * s;
                v[b] = x0 * s + x1 * c;
            }
        }
    }
}

} // namespace ponder::cpu
