// CPU backend: the reference implementation of every op, multi-threaded, with SIMD dot kernels.
#include "../backend.h"
#include "../quant.h"
#include "kernels.h"
#include "ponder/gguf.h"
#include "thread_pool.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace ponder {

namespace {

size_t row_size(TensorType type, int64_t ne0) {
    const TensorTypeTraits* t = tensor_type_traits(static_cast<uint32_t>(type));
    return static_cast<size_t>(ne0 / t->block_elems) * t->block_bytes;
}

float* rowf(const Tensor& t, int64_t r) {
    return reinterpret_cast<float*>(static_cast<uint8_t*>(t.data) + static_cast<size_t>(r) * t.row_bytes);
}

class CpuBackend final : public Backend {
public:
    CpuBackend(int n_threads, const char* isa)
        : pool_(n_threads > 0 ? n_threads : cpu::default_thread_count()),
          k_(isa ? cpu::kernels_for(isa) : cpu::kernels()),
          exact_(isa && std::string(isa) == "exact"),
          attn_scratch_(static_cast<size_t>(pool_.size())) {}

    std::string describe() const override {
        return std::string("CPU (") + (exact_ ? "exact" : k_.isa) + ", " + std::to_string(pool_.size()) +
               (pool_.size() == 1 ? " thread)" : " threads)");
    }

    Tensor weight(const GgufTensor& g) override {
        Tensor t;
        t.type = g.type;
        t.ne0 = g.ne[0];
        t.ne1 = g.n_elements() / g.ne[0];
        t.data = const_cast<uint8_t*>(g.data);  // read-only mapping; ops never write weights
        t.row_bytes = row_size(g.type, g.ne[0]);
        return t;
    }

    Tensor alloc(TensorType type, int64_t ne0, int64_t ne1) override {
        Tensor t;
        t.type = type;
        t.ne0 = ne0;
        t.ne1 = ne1;
        t.row_bytes = row_size(type, ne0);
        size_t bytes = (t.row_bytes * static_cast<size_t>(ne1) + 63) / 64 * 64;
        t.data = std::aligned_alloc(64, bytes ? bytes : 64);
        if (!t.data) throw std::bad_alloc();
        return t;
    }

    void release(Tensor& t) override {
        std::free(t.data);
        t.data = nullptr;
    }

    void get_rows(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override {
        for (int64_t i = 0; i < n; i++)
            dequantize_row(table.type, static_cast<const uint8_t*>(table.data) + static_cast<size_t>(ids[i]) * table.row_bytes,
                           rowf(out, i), table.ne0);
    }

    Tensor view(const Tensor& t, int64_t row0, int64_t n) override {
        Tensor v = t;
        v.data = static_cast<uint8_t*>(t.data) + static_cast<size_t>(row0) * t.row_bytes;
        v.ne1 = n;
        return v;
    }

    void rms_norm(const Tensor& x, const Tensor* w, float eps, int64_t n, Tensor& out) override {
        const float* weight = w ? static_cast<const float*>(w->data) : nullptr;
        for (int64_t t = 0; t < n; t++) {
            const float* xr = rowf(x, t);
            float* o = rowf(out, t);
            double ss = 0;
            for (int64_t i = 0; i < x.ne0; i++) ss += static_cast<double>(xr[i]) * xr[i];
            float scale = 1.0f / std::sqrt(static_cast<float>(ss / static_cast<double>(x.ne0)) + eps);
            for (int64_t i = 0; i < x.ne0; i++) o[i] = xr[i] * scale * (weight ? weight[i] : 1.f);
        }
    }

    void matmul(const Tensor& w, const Tensor& x, int64_t n, Tensor& out, const Tensor* bias) override {
        // Quantize the activations once for this weight type, then split the output rows
        // across threads; each thread keeps a tile of weight rows hot while it visits every token.
        if (exact_) return matmul_exact(w, x, n, out, bias);
        const TensorType wt = w.type;
        const size_t arow = activation_row_bytes(wt, w.ne0);
        scratch_.resize(arow * static_cast<size_t>(n) + 64);
        uint8_t* act = scratch_.data();
        pool_.parallel_for(n, [&](int64_t a, int64_t b, int) {
            const TensorType at = vec_dot_activation_type(wt);
            for (int64_t t = a; t < b; t++) {
                void* dst = act + arow * static_cast<size_t>(t);
                if (at == TensorType::Q8_K) k_.quantize_q8_K(rowf(x, t), dst, w.ne0);
                else if (at == TensorType::Q8_0) k_.quantize_q8_0(rowf(x, t), dst, w.ne0);
                else quantize_activation_row(wt, rowf(x, t), dst, w.ne0);
            }
        });
        const cpu::VecDotFn dot = k_.vec_dot[static_cast<int>(wt)];
        const cpu::VecDotMultiFn dotn = k_.vec_dot_multi[static_cast<int>(wt)];
        const cpu::DotTile tile = k_.tile[static_cast<int>(wt)];
        const int64_t multi = k_.multi_n;
        const float* bvec = bias ? static_cast<const float*>(bias->data) : nullptr;
        const int64_t rows = w.ne1;
        constexpr int64_t kRowsPerTask = 16;
        pool_.parallel_for((rows + kRowsPerTask - 1) / kRowsPerTask, [&](int64_t a, int64_t b, int) {
            for (int64_t task = a; task < b; task++) {
                int64_t r0 = task * kRowsPerTask, r1 = std::min(rows, r0 + kRowsPerTask);
                int64_t t = 0;
                // prompts: register tiles of several weight rows x several tokens where the
                // type has one, then one row x several tokens, then one at a time
                if (tile.fn)
                    for (; t + tile.tokens <= n; t += tile.tokens) {
                        const void* as[cpu::kMaxMulti];
                        for (int64_t k = 0; k < tile.tokens; k++) as[k] = act + arow * static_cast<size_t>(t + k);
                        int64_t r = r0;
                        for (; r + tile.rows <= r1; r += tile.rows) {
                            float o[cpu::kMaxTileRows * cpu::kMaxMulti];
                            tile.fn(static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes, w.row_bytes, as, w.ne0, o);
                            for (int64_t q = 0; q < tile.rows; q++)
                                for (int64_t k = 0; k < tile.tokens; k++)
                                    rowf(out, t + k)[r + q] = o[q * tile.tokens + k] + (bvec ? bvec[r + q] : 0.f);
                        }
                        for (; r < r1; r++)
                            for (int64_t k = 0; k < tile.tokens; k++)
                                rowf(out, t + k)[r] = dot(static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes,
                                                          as[k], w.ne0) + (bvec ? bvec[r] : 0.f);
                    }
                if (dotn)
                    for (; t + multi <= n; t += multi) {
                        const void* as[cpu::kMaxMulti];
                        for (int64_t k = 0; k < multi; k++) as[k] = act + arow * static_cast<size_t>(t + k);
                        for (int64_t r = r0; r < r1; r++) {
                            float o[cpu::kMaxMulti];
                            dotn(static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes, as, w.ne0, o);
                            for (int64_t k = 0; k < multi; k++) rowf(out, t + k)[r] = o[k] + (bvec ? bvec[r] : 0.f);
                        }
                    }
                for (; t < n; t++) {
                    const uint8_t* av = act + arow * static_cast<size_t>(t);
                    float* o = rowf(out, t);
                    for (int64_t r = r0; r < r1; r++)
                        o[r] = dot(static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes, av, w.ne0) +
                               (bvec ? bvec[r] : 0.f);
                }
            }
        });
    }

    // Reference mode ("exact"): weights dequantized to F32 and dotted with unquantized
    // activations in double; slow, for checking the quantized paths against.
    void matmul_exact(const Tensor& w, const Tensor& x, int64_t n, Tensor& out, const Tensor* bias) {
        const float* bvec = bias ? static_cast<const float*>(bias->data) : nullptr;
        pool_.parallel_for(w.ne1, [&](int64_t a, int64_t b, int) {
            std::vector<float> row(static_cast<size_t>(w.ne0));
            for (int64_t r = a; r < b; r++) {
                dequantize_row(w.type, static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes, row.data(), w.ne0);
                for (int64_t t = 0; t < n; t++) {
                    const float* xv = rowf(x, t);
                    double sum = 0;
                    for (int64_t i = 0; i < w.ne0; i++) sum += static_cast<double>(row[static_cast<size_t>(i)]) * xv[i];
                    rowf(out, t)[r] = static_cast<float>(sum) + (bvec ? bvec[r] : 0.f);
                }
            }
        });
    }

    void rope(Tensor& x, int64_t n, int n_head, int head_dim, int pos0, const RopeParams& p) override {
        const int half = p.n_rot / 2;
        const float* factors = p.freq_factors ? static_cast<const float*>(p.freq_factors->data) : nullptr;
        std::vector<float> cosv(static_cast<size_t>(half)), sinv(static_cast<size_t>(half));
        for (int64_t t = 0; t < n; t++) {
            const double pos = static_cast<double>(pos0 + t);
            for (int i = 0; i < half; i++) {
                double freq = std::pow(static_cast<double>(p.freq_base), -2.0 * i / p.n_rot);
                if (factors) freq /= factors[i];
                double angle = pos * freq;
                cosv[static_cast<size_t>(i)] = static_cast<float>(std::cos(angle));
                sinv[static_cast<size_t>(i)] = static_cast<float>(std::sin(angle));
            }
            float* row = rowf(x, t);
            for (int h = 0; h < n_head; h++) {
                float* v = row + static_cast<size_t>(h) * static_cast<size_t>(head_dim);
                for (int i = 0; i < half; i++) {
                    int a = p.neox ? i : 2 * i, b = p.neox ? i + half : 2 * i + 1;
                    float x0 = v[a], x1 = v[b], c = cosv[static_cast<size_t>(i)], s = sinv[static_cast<size_t>(i)];
                    v[a] = x0 * c - x1 * s;
                    v[b] = x0 * s + x1 * c;
                }
            }
        }
    }

    void store_kv(const Tensor& k, const Tensor& v, int64_t n, int pos0, Tensor& kc, Tensor& vc) override {
        for (int64_t t = 0; t < n; t++) {
            store_row(rowf(k, t), kc, pos0 + t);
            store_row(rowf(v, t), vc, pos0 + t);
        }
    }

    void attention(const Tensor& q, int64_t n, int pos0, const Tensor& kc, const Tensor& vc, const AttentionParams& p,
                   Tensor& out) override {
        const int group = p.n_head / p.n_head_kv;
        const int hd = p.head_dim;
        const int64_t n_kv_total = pos0 + n;
        // One task per (token, head): scores over the cache, softmax, weighted sum of values.
        pool_.parallel_for(n * p.n_head, [&](int64_t a, int64_t b, int thread) {
            std::vector<float>& scores = attn_scratch(thread, static_cast<size_t>(n_kv_total));
            std::vector<float> qf(static_cast<size_t>(hd)), acc(static_cast<size_t>(hd));
            for (int64_t task = a; task < b; task++) {
                int64_t t = task / p.n_head;
                int h = static_cast<int>(task % p.n_head), kvh = h / group;
                const float* qr = rowf(q, t) + static_cast<size_t>(h) * static_cast<size_t>(hd);
                const int64_t n_keys = pos0 + t + 1;  // causal: keys up to this token's position
                float max = -INFINITY;
                for (int64_t j = 0; j < n_keys; j++) {
                    float s = dot_cache(kc, j, kvh, hd, qr) * p.scale;
                    scores[static_cast<size_t>(j)] = s;
                    max = std::max(max, s);
                }
                double sum = 0;
                for (int64_t j = 0; j < n_keys; j++) {
                    float e = std::exp(scores[static_cast<size_t>(j)] - max);
                    scores[static_cast<size_t>(j)] = e;
                    sum += e;
                }
                std::fill(acc.begin(), acc.end(), 0.f);
                for (int64_t j = 0; j < n_keys; j++) axpy_cache(vc, j, kvh, hd, scores[static_cast<size_t>(j)], acc.data());
                float inv = static_cast<float>(1.0 / sum);
                float* o = rowf(out, t) + static_cast<size_t>(h) * static_cast<size_t>(hd);
                for (int i = 0; i < hd; i++) o[i] = acc[static_cast<size_t>(i)] * inv;
            }
        });
    }

    void swiglu(const Tensor& gate, const Tensor& up, int64_t n, Tensor& out) override {
        pool_.parallel_for(n, [&](int64_t a, int64_t b, int) {
            for (int64_t t = a; t < b; t++) {
                const float* g = rowf(gate, t);
                const float* u = rowf(up, t);
                float* o = rowf(out, t);
                for (int64_t i = 0; i < gate.ne0; i++) o[i] = g[i] / (1.f + std::exp(-g[i])) * u[i];
            }
        });
    }

    void add(Tensor& x, const Tensor& y, int64_t n) override {
        for (int64_t t = 0; t < n; t++) {
            float* a = rowf(x, t);
            const float* b = rowf(y, t);
            for (int64_t i = 0; i < x.ne0; i++) a[i] += b[i];
        }
    }

    void read(const Tensor& t, int64_t row0, int64_t n, float* host) override {
        for (int64_t r = 0; r < n; r++) std::copy_n(rowf(t, row0 + r), t.ne0, host + r * t.ne0);
    }

private:
    void store_row(const float* src, Tensor& cache, int64_t pos) {
        uint8_t* dst = static_cast<uint8_t*>(cache.data) + static_cast<size_t>(pos) * cache.row_bytes;
        if (cache.type == TensorType::F32) {
            std::copy_n(src, cache.ne0, reinterpret_cast<float*>(dst));
        } else {
            uint16_t* h = reinterpret_cast<uint16_t*>(dst);
            for (int64_t i = 0; i < cache.ne0; i++) h[i] = fp32_to_fp16(src[i]);
        }
    }

    float dot_cache(const Tensor& kc, int64_t pos, int kvh, int hd, const float* q) const {
        const uint8_t* row = static_cast<const uint8_t*>(kc.data) + static_cast<size_t>(pos) * kc.row_bytes;
        size_t elem = kc.type == TensorType::F32 ? 4 : 2;
        return k_.vec_dot[static_cast<int>(kc.type)](row + static_cast<size_t>(kvh) * static_cast<size_t>(hd) * elem, q, hd);
    }

    void axpy_cache(const Tensor& vc, int64_t pos, int kvh, int hd, float a, float* y) const {
        const uint8_t* row = static_cast<const uint8_t*>(vc.data) + static_cast<size_t>(pos) * vc.row_bytes;
        if (vc.type == TensorType::F32) {
            const float* v = reinterpret_cast<const float*>(row) + static_cast<size_t>(kvh) * static_cast<size_t>(hd);
            for (int i = 0; i < hd; i++) y[i] += a * v[i];
        } else {
            k_.axpy_f16(a, reinterpret_cast<const uint16_t*>(row) + static_cast<size_t>(kvh) * static_cast<size_t>(hd), y, hd);
        }
    }

    std::vector<float>& attn_scratch(int thread, size_t n) {
        std::vector<float>& s = attn_scratch_[static_cast<size_t>(thread)];
        if (s.size() < n) s.resize(n);
        return s;
    }

    cpu::ThreadPool pool_;
    cpu::Kernels k_;
    bool exact_;
    std::vector<uint8_t> scratch_;
    std::vector<std::vector<float>> attn_scratch_;  // per thread: attention scores
};

} // namespace

std::unique_ptr<Backend> make_cpu_backend(int n_threads, const char* isa) {
    return std::make_unique<CpuBackend>(n_threads, isa);
}

} // namespace ponder
