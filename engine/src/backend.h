// The backend interface the forward passes are written against: a few tensor ops plus buffer
// management. The forward never touches tensor memory itself, so the same forward runs on the
// CPU, Vulkan or CUDA backend. The CPU backend (cpu/cpu_backend.cpp) is the reference the
// others are tested against, op by op.
#pragma once

#include "ponder/tensor_types.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ponder {

struct GgufTensor;

// A 2-D tensor in backend memory: ne1 rows of ne0 elements (ne0 contiguous).
struct Tensor {
    TensorType type = TensorType::F32;
    int64_t ne0 = 0, ne1 = 0;
    void* data = nullptr;  // backend-owned; host memory only on the CPU backend
    size_t row_bytes = 0;
};

struct RopeParams {
    int n_rot = 0;            // rotated dimensions per head (from the front of each head)
    float freq_base = 10000;
    bool neox = false;        // true: rotate (x_i, x_{i+n_rot/2}) (qwen2); false: (x_2i, x_2i+1) (llama)
    const Tensor* freq_factors = nullptr;  // n_rot/2 divisors (Llama 3.1 rope_freqs), or null
};

struct AttentionParams {
    int n_head = 0, n_head_kv = 0, head_dim = 0;
    float scale = 1;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string describe() const = 0;  // e.g. "CPU (avx512, 2 threads)"

    // A weight tensor from the mapped model file (zero-copy where the backend can read host memory).
    virtual Tensor weight(const GgufTensor& t) = 0;
    virtual Tensor alloc(TensorType type, int64_t ne0, int64_t ne1) = 0;
    virtual void release(Tensor& t) = 0;
    // A view of rows [row0, row0 + n) of t, sharing its memory.
    virtual Tensor view(const Tensor& t, int64_t row0, int64_t n) = 0;

    // out[i] = table row ids[i], as F32.
    virtual void get_rows(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) = 0;
    // out[t] = x[t] / rms(x[t]) * w, rows 0..n   (w: one row of ne0, may be null)
    virtual void rms_norm(const Tensor& x, const Tensor* w, float eps, int64_t n, Tensor& out) = 0;
    // out[t][r] = w[r] . x[t] + bias[r]   (x and out F32; the first n rows of x)
    virtual void matmul(const Tensor& w, const Tensor& x, int64_t n, Tensor& out, const Tensor* bias) = 0;
    // Rotates rows x[t] (n_head heads of head_dim) for positions pos0 + t, in place.
    virtual void rope(Tensor& x, int64_t n, int n_head, int head_dim, int pos0, const RopeParams& p) = 0;
    // Copies rows 0..n of k and v into the caches at rows pos0.., converting to the cache type.
    virtual void store_kv(const Tensor& k, const Tensor& v, int64_t n, int pos0, Tensor& k_cache, Tensor& v_cache) = 0;
    // Causal attention of n queries at positions pos0.. over cache rows 0..pos0+n.
    virtual void attention(const Tensor& q, int64_t n, int pos0, const Tensor& k_cache, const Tensor& v_cache,
                           const AttentionParams& p, Tensor& out) = 0;
    // out = silu(gate) * up, rows 0..n
    virtual void swiglu(const Tensor& gate, const Tensor& up, int64_t n, Tensor& out) = 0;
    // x += y, rows 0..n
    virtual void add(Tensor& x, const Tensor& y, int64_t n) = 0;
    // Copies rows [row0, row0 + n) of an F32 tensor to host memory.
    virtual void read(const Tensor& t, int64_t row0, int64_t n, float* host) = 0;
};

std::unique_ptr<Backend> make_cpu_backend(int n_threads, const char* isa = nullptr);

} // namespace ponder
