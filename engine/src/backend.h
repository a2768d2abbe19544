// The contract every compute backend (CPU, Vulkan, CUDA) fulfils, and the only way the forward
// passes touch memory. Two objects per device:
//
//   Backend  the device: its memory (buffers), shared by every session of a model; thread-safe.
//   Stream   one session's queue of work on that device: transfers and ops, its own scratch (and
//            on the CPU its own thread pool), so two sessions of one model never share state.
//
// Ops are asynchronous by contract: a stream may record them and run them later, in order; the
// CPU runs them at once. Only download() and synchronize() wait. Tensors passed to an op must
// stay valid until the stream is synchronized. The CPU backend is the reference: every op of
// every other backend is checked against it (tests/unit/test_backend_ops.cpp) and against a
// scalar reference written for that test. See docs/architecture.md.
#pragma once

#include "tensor.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ponder {

class Backend;
class Stream;

// A block of memory owned by one backend. Destroying it frees the memory (or, for a borrowed
// buffer, only forgets it).
class Buffer {
public:
    Buffer(Backend& backend, size_t size, void* host) : backend_(backend), size_(size), host_(host) {}
    virtual ~Buffer() = default;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    Backend& backend() const { return backend_; }
    size_t size() const { return size_; }
    // The bytes, when the host can address them directly (CPU buffers, the mapped file); else null.
    void* host() const { return host_; }

private:
    Backend& backend_;
    size_t size_;
    void* host_;
};

struct YarnParams {
    float factor = 1;          // context extension (40 for DeepSeek-V3); 1: off
    int orig_ctx = 0;          // the pre-extension training context (4096)
    float beta_fast = 32, beta_slow = 1;  // the ramp between interpolated and original frequencies
};

struct RopeParams {
    int n_rot = 0;             // rotated dimensions at the front of each head (partial rotation: < head_dim)
    float freq_base = 10000;
    bool neox = false;         // true: rotate (x_i, x_{i+n_rot/2}) (GGUF qwen2); false: (x_2i, x_2i+1)
    const Tensor* freq_factors = nullptr;  // n_rot/2 F32 divisors (Llama 3.1 rope_freqs), or null
    YarnParams yarn;
    float mscale = 1;          // magnitude of the rotation (YaRN's cos/sin scale; 1 for DeepSeek-V3)
};

// How a mixture-of-experts layer picks its experts (DeepSeek-V3 / R1: sigmoid scores, 8 groups of
// 32 experts, the best 4 groups by the sum of their two highest scores, 8 experts among those;
// a per-expert bias shifts the choice but not the weights; weights normalised, then x2.5).
// Frequency of each rotated pair (radians per position): base^(-2i/n_rot), divided by Llama 3.1's
// divisors (n_rot/2 floats, or null), YaRN's ramp applied. In double, as every backend uses them.
std::vector<double> rope_frequencies(const RopeParams& p, const float* divisors);
// cos and sin of each pair's angle at position `pos` (computed in double from the position, never
// accumulated, so long contexts lose no precision), times mscale.
void rope_cos_sin(const std::vector<double>& freq, int64_t pos, float mscale, float* cos_out, float* sin_out);

struct MoeRouting {
    int n_expert_used = 1;     // k experts per token
    int n_group = 1;           // experts split into this many equal groups
    int n_group_used = 1;      // only experts in the best groups are candidates
    bool sigmoid = true;       // scores: sigmoid (V3 / R1) or softmax (V2)
    bool normalize = true;     // the chosen weights divided by their sum
    float scale = 1;           // then multiplied by this
};

struct AttentionParams {
    float scale = 1;           // applied to q.k before the softmax
    int pos0 = 0;              // position of the first query; query t sees keys 0 .. pos0 + t
};

class Stream {
public:
    virtual ~Stream() = default;
    virtual Backend& backend() = 0;

    // --- transfers ------------------------------------------------------------------------------
    // bytes of host memory into dst (dense) at byte `at`; `src` may be reused once this returns.
    virtual void upload(const Tensor& dst, const void* src, size_t bytes, size_t at = 0) = 0;
    // A dense tensor into host memory; waits for the ops before it.
    virtual void download(const Tensor& src, void* dst) = 0;
    // Waits until every op recorded so far has run.
    virtual void synchronize() = 0;

    // --- ops (asynchronous). Activations are F32 rows (nb[0] = 4); row strides are free. ------
    // out[i] = table row ids[i] as F32. ids: I32 {n}; table: {d, n_vocab} any weight type; out {d, n}.
    virtual void get_rows(const Tensor& table, const Tensor& ids, const Tensor& out) = 0;
    // out[t] = x[t] / rms(x[t]) * w (w F32 {d}, or null: no weight). x, out {d, n}.
    virtual void rms_norm(const Tensor& x, const Tensor* w, float eps, const Tensor& out) = 0;
    // out[t][r] = w[r] . x[t] + bias[r]. w {k, m} any weight type (a 2-D view, e.g. one expert);
    // x {k, n} F32; out {m, n} F32; bias F32 {m} or null.
    virtual void matmul(const Tensor& w, const Tensor& x, const Tensor& out, const Tensor* bias) = 0;
    // Rotates the first n_rot values of each head in place, for positions pos0 + t.
    // x {head_dim, n_head, n} F32 (a strided view: e.g. the rope part of each head).
    virtual void rope(const Tensor& x, int pos0, const RopeParams& p) = 0;
    // dst = src converted to dst's type (F32, F16 or BF16), element by element; same extents,
    // any strides (e.g. new keys into rows of the KV cache).
    virtual void copy(const Tensor& src, const Tensor& dst) = 0;
    // Causal attention. q {dk, n_head, n}; k {dk, n_head_kv, n_kv}; v {dv, n_head_kv, n_kv}
    // (F32, F16 or BF16: the cache); out {dv, n_head, n}. n_head % n_head_kv == 0 (grouped
    // queries); query t attends to keys 0 .. p.pos0 + t, which must be < n_kv.
    virtual void attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                           const AttentionParams& p) = 0;
    // out = silu(gate) * up. All {d, n} or {d, k, n}.
    virtual void swiglu(const Tensor& gate, const Tensor& up, const Tensor& out) = 0;
    // out = a + b (out may be a). All {d, n}.
    virtual void add(const Tensor& a, const Tensor& b, const Tensor& out) = 0;

    // --- mixture-of-experts and latent-attention ops (deepseek2). A backend without them reports
    // "not supported" (as a std::runtime_error the session turns into an error message), so a
    // placement keeps such layers on a backend that has them. ---------------------------------------
    // Matrix ids[j][t] of w times x: out[:, j, t] = w[ids[j, t]] . x[:, j % nx, t].
    // w {k, m, n_mat} any weight type (may be a strided 3-D view); x {k, nx, n} F32 with nx 1 (one
    // input for every slot: the experts' gate/up) or nx = n_slots (each slot its own: down, or one
    // matrix per attention head); ids I32 {n_slots, n}; out {m, n_slots, n} F32.
    // Only the chosen matrices are read: a token reads k of 256 experts.
    virtual void matmul_id(const Tensor& w, const Tensor& x, const Tensor& ids, const Tensor& out);
    // Picks experts from router logits {n_expert, n} (F32): ids {k, n} I32 and weights {k, n} F32,
    // best first. bias {n_expert} (F32, or null) is added to the scores for choosing only.
    virtual void moe_route(const Tensor& logits, const Tensor* bias, const MoeRouting& p, const Tensor& ids,
                           const Tensor& weights);
    // out[:, t] = sum_j weights[j, t] * y[:, j, t]. y {d, k, n}; weights {k, n}; out {d, n}.
    virtual void moe_sum(const Tensor& y, const Tensor& weights, const Tensor& out);
    // Whether the three ops above are implemented here.
    virtual bool supports_moe_ops() const { return false; }

protected:
    [[noreturn]] void unsupported(const char* op);
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string describe() const = 0;  // e.g. "CPU (avx512, 2 threads)"
    virtual std::string kind() const = 0;      // "cpu", "vulkan", "cuda"

    // Device memory for `bytes`; throws std::bad_alloc when there is none.
    virtual std::unique_ptr<Buffer> alloc(size_t bytes) = 0;
    // Host memory used in place (the mapped model file), or null when this device cannot read
    // host memory directly; the memory must outlive the buffer.
    virtual std::unique_ptr<Buffer> borrow_host(const void* data, size_t bytes) = 0;
    // A queue of work for one session.
    virtual std::unique_ptr<Stream> create_stream() = 0;
};

// A dense tensor in a new buffer of its own. Throws std::bad_alloc.
struct OwnedTensor {
    std::unique_ptr<Buffer> buffer;
    Tensor t;
};
OwnedTensor alloc_tensor(Backend& backend, TensorType type, int64_t ne0, int64_t ne1 = 1, int64_t ne2 = 1);

// Copies a dense tensor to another of the same type and size on another backend (the boundary of
// a placement). `from` is synchronized; the copy is queued on `to` after its earlier work.
void copy_between(Stream& from, const Tensor& src, Stream& to, const Tensor& dst);

// Uploads `bytes` from host memory into dst in pieces of at most `piece` bytes, calling
// progress(bytes) after each and stopping early (false) when `cancel` is set.
bool upload_in_pieces(Stream& stream, const Tensor& dst, const uint8_t* src, size_t bytes, size_t piece,
                      const std::function<void(size_t)>& progress, const std::atomic<bool>* cancel);

struct CpuBackendOptions {
    int n_threads = 0;           // per stream; 0: one per core available to the process
    const char* simd = nullptr;  // caps the SIMD level: "scalar", "avx2", "avx512"; null: the best
    // Reference math: weights dequantized to F32 and dotted with unquantized activations in double.
    // Slow; the quantized fast paths are checked against it.
    bool reference_math = false;
};
std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& options);

} // namespace ponder
