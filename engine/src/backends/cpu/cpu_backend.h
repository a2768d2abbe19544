// The CPU backend (internal): buffers are host memory; a stream runs each op at once on its own
// thread pool with its own scratch. It is the reference the GPU backends are checked against.
//   cpu_backend.cpp  memory, transfers, the element-wise ops
//   cpu_matmul.cpp   matrix x activations, quantized dot kernels (kernels*.cpp) or reference math
//   cpu_attention.cpp, cpu_rope.cpp
//   cpu_moe.cpp      mixture of experts: expert-indexed matmul, routing, the weighted sum
#pragma once

#include "backend.h"
#include "kernels.h"
#include "thread_pool.h"

#include <vector>

namespace ponder::cpu {

// Bytes of a tensor in host memory.
inline uint8_t* host_bytes(const Tensor& t) { return static_cast<uint8_t*>(t.buffer->host()) + t.offset; }
// Row r (dimension 1) of a 2-D view.
inline uint8_t* row_bytes_at(const Tensor& t, int64_t r) { return host_bytes(t) + static_cast<size_t>(r) * t.nb[1]; }
inline float* row_f32(const Tensor& t, int64_t r) { return reinterpret_cast<float*>(row_bytes_at(t, r)); }

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(const CpuBackendOptions& options);

    std::string describe() const override;
    std::string kind() const override { return "cpu"; }
    std::unique_ptr<Buffer> alloc(size_t bytes) override;
    std::unique_ptr<Buffer> borrow_host(const void* data, size_t bytes) override;
    std::unique_ptr<Stream> create_stream() override;

    int n_threads() const { return n_threads_; }
    const Kernels& kernels() const { return kernels_; }
    bool reference_math() const { return reference_math_; }

private:
    int n_threads_;
    Kernels kernels_;
    bool reference_math_;
};

class CpuStream final : public Stream {
public:
    explicit CpuStream(CpuBackend& backend);

    Backend& backend() override { return backend_; }
    void upload(const Tensor& dst, const void* src, size_t bytes, size_t at) override;
    void download(const Tensor& src, void* dst) override;
    void synchronize() override {}  // every op has run when its call returns

    void get_rows(const Tensor& table, const Tensor& ids, const Tensor& out) override;
    void rms_norm(const Tensor& x, const Tensor* w, float eps, const Tensor& out) override;
    void matmul(const Tensor& w, const Tensor& x, const Tensor& out, const Tensor* bias) override;
    void rope(const Tensor& x, int pos0, const RopeParams& p) override;
    void copy(const Tensor& src, const Tensor& dst) override;
    void attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                   const AttentionParams& p) override;
    void swiglu(const Tensor& gate, const Tensor& up, const Tensor& out) override;
    void add(const Tensor& a, const Tensor& b, const Tensor& out) override;
    void matmul_id(const Tensor& w, const Tensor& x, const Tensor& ids, const Tensor& out) override;
    void moe_route(const Tensor& logits, const Tensor* bias, const MoeRouting& p, const Tensor& ids,
                   const Tensor& weights) override;
    void moe_sum(const Tensor& y, const Tensor& weights, const Tensor& out) override;
    bool supports_moe_ops() const override { return true; }

private:
    const uint8_t* quantize_activations(TensorType wt, const float* const* x_rows, int64_t n, int64_t k);
    void matmul_rows(const Tensor& w, const float* const* x_rows, float* const* out_rows, int64_t n, const float* bias);
    void matmul_rows_reference(const Tensor& w, const float* const* x_rows, float* const* out_rows, int64_t n,
                               const float* bias);

    CpuBackend& backend_;
    ThreadPool pool_;
    const Kernels& k_;
    std::vector<uint8_t> activations_;             // matmul: x quantized for the weight's dot kernel
    std::vector<const float*> x_rows_;             // matmul: the input row of each token
    std::vector<float*> out_rows_;                 // matmul: the output row of each token
    std::vector<std::vector<float>> attn_scores_;  // attention: one score row per thread
};

} // namespace ponder::cpu
