#include "backend.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace ponder {

void Stream::unsupported(const char* op) {
    throw std::runtime_error(std::string("the ") + op + " op is not supported by the " + backend().kind() + " backend");
}
void Stream::matmul_id(const Tensor&, const Tensor&, const Tensor&, const Tensor&) { unsupported("matmul_id"); }
void Stream::moe_route(const Tensor&, const Tensor*, const MoeRouting&, const Tensor&, const Tensor&) { unsupported("moe_route"); }
void Stream::moe_sum(const Tensor&, const Tensor&, const Tensor&) { unsupported("moe_sum"); }

namespace {

// YaRN's correction dimension: the pair index whose wavelength spans `rotations` turns over the
// original context.
double yarn_dim(const RopeParams& p, double rotations) {
    return p.n_rot * std::log(p.yarn.orig_ctx / (rotations * 2 * M_PI)) / (2 * std::log(static_cast<double>(p.freq_base)));
}

} // namespace

std::vector<double> rope_frequencies(const RopeParams& p, const float* divisors) {
    const int half = p.n_rot / 2;
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

void rope_cos_sin(const std::vector<double>& freq, int64_t pos, float mscale, float* cos_out, float* sin_out) {
    for (size_t i = 0; i < freq.size(); i++) {
        const double angle = static_cast<double>(pos) * freq[i];
        cos_out[i] = static_cast<float>(std::cos(angle)) * mscale;
        sin_out[i] = static_cast<float>(std::sin(angle)) * mscale;
    }
}

OwnedTensor alloc_tensor(Backend& backend, TensorType type, int64_t ne0, int64_t ne1, int64_t ne2) {
    OwnedTensor o;
    const size_t bytes = type_row_bytes(type, ne0) * static_cast<size_t>(ne1) * static_cast<size_t>(ne2);
    o.buffer = backend.alloc(bytes);
    o.t = make_tensor(o.buffer.get(), 0, type, ne0, ne1, ne2);
    return o;
}

void copy_between(Stream& from, const Tensor& src, Stream& to, const Tensor& dst) {
    const size_t bytes = src.extent_bytes();
    if (src.buffer->host() && dst.buffer->host()) {
        // Both sides are host memory (CPU backends): finish what reads or writes them, then copy.
        from.synchronize();
        to.synchronize();
        std::memcpy(static_cast<uint8_t*>(dst.buffer->host()) + dst.offset,
                    static_cast<const uint8_t*>(src.buffer->host()) + src.offset, bytes);
        return;
    }
    // Through host memory. A pair of backends with a direct path (peer copies) can do better.
    std::vector<uint8_t> staging(bytes);
    from.download(src, staging.data());
    to.upload(dst, staging.data(), bytes);
}

bool upload_in_pieces(Stream& stream, const Tensor& dst, const uint8_t* src, size_t bytes, size_t piece,
                      const std::function<void(size_t)>& progress, const std::atomic<bool>* cancel) {
    for (size_t at = 0; at < bytes;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return false;
        const size_t n = std::min(piece, bytes - at);
        stream.upload(dst, src + at, n, at);
        at += n;
        if (progress) progress(n);
    }
    return true;
}

} // namespace ponder
