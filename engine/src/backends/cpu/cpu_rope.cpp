// Rotary position embedding on the CPU, with the variants the R1 family uses: adjacent or
// half-split pairs, partial rotation (only the first n_rot values of a head), Llama 3.1 frequency
// divisors, and YaRN context extension (DeepSeek-V3). Angles are computed in double from the
// position, never accumulated, so long contexts lose no precision.
#include "cpu_backend.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ponder::cpu {

namespace {

// YaRN's correction dimension: the pair index whose wavelength spans `rotations` turns over the
// original context.
double yarn_dim(const RopeParams& p, double rotations) {
    return p.n_rot * std::log(p.yarn.orig_ctx / (rotations * 2 * M_PI)) / (2 * std::log(static_cast<double>(p.freq_base)));
}

// Frequency of pair i (radians per position).
std::vector<double> frequencies(const RopeParams& p) {
    const int half = p.n_rot / 2;
    const float* divisors = p.freq_factors ? reinterpret_cast<const float*>(host_bytes(*p.freq_factors)) : nullptr;
    std::vector<double> f(static_cast<size_t>(half));
    // YaRN: pairs below `low` (fast, short wavelengths) keep their frequency, pairs above `high`
    // are interpolated (divided by the factor), a linear ramp in between. The range is clamped to
    // [0, n_rot - 1] as DeepSeek-V3's reference code does.
    const bool yarn = p.yarn.factor > 1 && p.yarn.orig_ctx > 0;
    double low = 0, high = 1;
    if (yarn) {
        low = std::max(0.0, std::floor(yarn_dim(p, p.yarn.beta_fast)));
        high = std::min(static_cast<double>(p.n_rot - 1), std::ceil(yarn_dim(p, p.yarn.beta_slow)));
    }
    for (int i = 0; i < half; i++) {
        double freq = std::pow(static_cast<double>(p.freq_base), -2.0 * i / p.n_rot);
        if (divisors) freq /= divisors[i];
        if (yarn) {
            const double ramp = std::clamp((i - low) / std::max(high - low, 0.001), 0.0, 1.0);
            freq = freq / p.yarn.factor * ramp + freq * (1 - ramp);
        }
        f[static_cast<size_t>(i)] = freq;
    }
    return f;
}

} // namespace

void CpuStream::rope(const Tensor& x, int pos0, const RopeParams& p) {
    assert(x.type == TensorType::F32 && x.dense_rows() && p.n_rot % 2 == 0 && p.n_rot <= x.ne[0]);
    const int half = p.n_rot / 2;
    const std::vector<double> freq = frequencies(p);
    std::vector<float> cosv(static_cast<size_t>(half)), sinv(static_cast<size_t>(half));
    for (int64_t t = 0; t < x.ne[2]; t++) {
        const double pos = static_cast<double>(pos0 + t);
        for (int i = 0; i < half; i++) {
            const double angle = pos * freq[static_cast<size_t>(i)];
            cosv[static_cast<size_t>(i)] = static_cast<float>(std::cos(angle)) * p.mscale;
            sinv[static_cast<size_t>(i)] = static_cast<float>(std::sin(angle)) * p.mscale;
        }
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
