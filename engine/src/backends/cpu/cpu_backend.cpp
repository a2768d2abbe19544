#include "cpu_backend.h"

#include "quant.h"

#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

namespace ponder::cpu {

namespace {

class HostBuffer final : public Buffer {
public:
    HostBuffer(Backend& backend, size_t size, void* data, bool owned) : Buffer(backend, size, data), owned_(owned) {}
    ~HostBuffer() override {
        if (owned_) std::free(host());
    }

private:
    bool owned_;
};

// Calls fn(row pointer of a, of b, of out) for every row of three 2- or 3-D views of equal extents.
template <typename Fn> void for_each_row3(const Tensor& a, const Tensor& b, const Tensor& out, Fn fn) {
    for (int64_t i2 = 0; i2 < out.ne[2]; i2++)
        for (int64_t i1 = 0; i1 < out.ne[1]; i1++) {
            const size_t ra = static_cast<size_t>(i1) * a.nb[1] + static_cast<size_t>(i2) * a.nb[2];
            const size_t rb = static_cast<size_t>(i1) * b.nb[1] + static_cast<size_t>(i2) * b.nb[2];
            const size_t ro = static_cast<size_t>(i1) * out.nb[1] + static_cast<size_t>(i2) * out.nb[2];
            fn(host_bytes(a) + ra, host_bytes(b) + rb, host_bytes(out) + ro);
        }
}

[[maybe_unused]] bool same_extents(const Tensor& a, const Tensor& b) {
    for (int d = 0; d < kMaxDims; d++)
        if (a.ne[d] != b.ne[d]) return false;
    return true;
}

} // namespace

// --- the backend: host memory -------------------------------------------------------------------

CpuBackend::CpuBackend(const CpuBackendOptions& o)
    : n_threads_(o.n_threads > 0 ? o.n_threads : default_thread_count()),
      kernels_(o.simd ? kernels_for(o.simd) : cpu::kernels()),
      reference_math_(o.reference_math) {}

std::string CpuBackend::describe() const {
    return std::string("CPU (") + (reference_math_ ? "reference math" : kernels_.isa) + ", " +
           std::to_string(n_threads_) + (n_threads_ == 1 ? " thread)" : " threads)");
}

std::unique_ptr<Buffer> CpuBackend::alloc(size_t bytes) {
    // 64-byte aligned for the SIMD kernels; the size rounded up as aligned_alloc requires.
    void* p = std::aligned_alloc(64, bytes ? (bytes + 63) / 64 * 64 : 64);
    if (!p) throw std::bad_alloc();
    return std::make_unique<HostBuffer>(*this, bytes, p, true);
}

std::unique_ptr<Buffer> CpuBackend::borrow_host(const void* data, size_t bytes) {
    // Ops never write weights, so the read-only mapping can be used as it is.
    return std::make_unique<HostBuffer>(*this, bytes, const_cast<void*>(data), false);
}

std::unique_ptr<Stream> CpuBackend::create_stream() { return std::make_unique<CpuStream>(*this); }

// --- the stream: transfers and element-wise ops ----------------------------------------------

CpuStream::CpuStream(CpuBackend& backend)
    : backend_(backend), pool_(backend.n_threads()), k_(backend.kernels()),
      attn_scores_(static_cast<size_t>(pool_.size())) {}

void CpuStream::upload(const Tensor& dst, const void* src, size_t bytes, size_t at) {
    assert(dst.is_contiguous() && at + bytes <= dst.extent_bytes());
    std::memcpy(host_bytes(dst) + at, src, bytes);
}

void CpuStream::download(const Tensor& src, void* dst) {
    assert(src.is_contiguous());
    std::memcpy(dst, host_bytes(src), src.extent_bytes());
}

void CpuStream::get_rows(const Tensor& table, const Tensor& ids, const Tensor& out) {
    assert(ids.type == TensorType::I32 && out.ne[1] == ids.ne[0] && out.ne[0] == table.ne[0]);
    const int32_t* id = reinterpret_cast<const int32_t*>(host_bytes(ids));
    for (int64_t i = 0; i < ids.ne[0]; i++) {
        assert(id[i] >= 0 && id[i] < table.ne[1]);
        dequantize_row(table.type, row_bytes_at(table, id[i]), row_f32(out, i), table.ne[0]);
    }
}

void CpuStream::rms_norm(const Tensor& x, const Tensor* w, float eps, const Tensor& out) {
    assert(same_extents(x, out) && (!w || w->ne[0] == x.ne[0]));
    const float* weight = w ? reinterpret_cast<const float*>(host_bytes(*w)) : nullptr;
    const int64_t d = x.ne[0];
    for_each_row3(x, x, out, [&](const uint8_t* xr8, const uint8_t*, uint8_t* o8) {
        const float* xr = reinterpret_cast<const float*>(xr8);
        float* o = reinterpret_cast<float*>(o8);
        double ss = 0;
        for (int64_t i = 0; i < d; i++) ss += static_cast<double>(xr[i]) * xr[i];
        const float scale = 1.0f / std::sqrt(static_cast<float>(ss / static_cast<double>(d)) + eps);
        for (int64_t i = 0; i < d; i++) o[i] = xr[i] * scale * (weight ? weight[i] : 1.f);
    });
}

void CpuStream::copy(const Tensor& src, const Tensor& dst) {
    assert(src.type == TensorType::F32 && same_extents(src, dst));
    const int64_t d = src.ne[0];
    for_each_row3(src, src, dst, [&](const uint8_t* s8, const uint8_t*, uint8_t* o8) {
        const float* s = reinterpret_cast<const float*>(s8);
        switch (dst.type) {
        case TensorType::F32: std::memcpy(o8, s, static_cast<size_t>(d) * 4); break;
        case TensorType::F16:
            for (int64_t i = 0; i < d; i++) reinterpret_cast<uint16_t*>(o8)[i] = fp32_to_fp16(s[i]);
            break;
        case TensorType::BF16:
            for (int64_t i = 0; i < d; i++) reinterpret_cast<uint16_t*>(o8)[i] = fp32_to_bf16(s[i]);
            break;
        default: assert(!"copy: unsupported destination type");
        }
    });
}

void CpuStream::swiglu(const Tensor& gate, const Tensor& up, const Tensor& out) {
    assert(same_extents(gate, up) && same_extents(gate, out));
    const int64_t d = gate.ne[0], rows = gate.ne[1] * gate.ne[2];
    auto row = [](const Tensor& t, int64_t r) {
        return reinterpret_cast<float*>(host_bytes(t) + static_cast<size_t>(r % t.ne[1]) * t.nb[1] +
                                        static_cast<size_t>(r / t.ne[1]) * t.nb[2]);
    };
    pool_.parallel_for(rows, [&](int64_t a, int64_t b, int) {
        for (int64_t r = a; r < b; r++) {
            const float* g = row(gate, r);
            const float* u = row(up, r);
            float* o = row(out, r);
            for (int64_t i = 0; i < d; i++) o[i] = g[i] / (1.f + std::exp(-g[i])) * u[i];
        }
    });
}

void CpuStream::add(const Tensor& a, const Tensor& b, const Tensor& out) {
    assert(same_extents(a, b) && same_extents(a, out));
    const int64_t d = a.ne[0];
    for_each_row3(a, b, out, [&](const uint8_t* x8, const uint8_t* y8, uint8_t* o8) {
        const float* x = reinterpret_cast<const float*>(x8);
        const float* y = reinterpret_cast<const float*>(y8);
        float* o = reinterpret_cast<float*>(o8);
        for (int64_t i = 0; i < d; i++) o[i] = x[i] + y[i];
    });
}

} // namespace ponder::cpu

namespace ponder {
std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& options) {
    return std::make_unique<cpu::CpuBackend>(options);
}
} // namespace ponder
