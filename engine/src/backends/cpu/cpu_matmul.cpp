// out = x W^T + bias on the CPU. Most of the time of a forward pass is spent here.
//
// The activations are quantized once for the weight's dot kernel (Q8_0, Q8_1 or Q8_K blocks; F32
// stays F32), then the output rows are split across threads in tasks of kRowsPerTask rows. Each
// task keeps its weight rows hot in cache while it visits every token, at three widths:
// register tiles (several weight rows x several tokens, where the weight type has one), then one
// weight row x several tokens, then one x one.
#include "cpu_backend.h"

#include "quant.h"

#include <algorithm>
#include <cassert>

namespace ponder::cpu {

namespace {

constexpr int64_t kRowsPerTask = 16;

// One matmul with its activations already quantized; run() computes output rows [r0, r1).
struct MatmulJob {
    const uint8_t* w;        // weight row 0
    size_t w_stride;         // bytes between weight rows
    int64_t k;               // elements per row (the shared dimension)
    const uint8_t* act;      // quantized activation row 0
    size_t act_stride;       // bytes between activation rows
    int64_t n_tokens;
    float* const* out;       // per token: its output row (m floats)
    const float* bias;       // m floats, or null
    VecDotFn dot;
    VecDotMultiFn dot_multi; // optional: one weight row x multi tokens
    int64_t multi;
    DotTile tile;            // optional: tile.rows weight rows x tile.tokens tokens

    const uint8_t* weight_row(int64_t r) const { return w + static_cast<size_t>(r) * w_stride; }
    const void* act_row(int64_t t) const { return act + static_cast<size_t>(t) * act_stride; }
    void store(int64_t t, int64_t r, float v) const { out[t][r] = v + (bias ? bias[r] : 0.f); }

    void run(int64_t r0, int64_t r1) const {
        int64_t t = 0;
        if (tile.fn)
            for (; t + tile.tokens <= n_tokens; t += tile.tokens) tiles(r0, r1, t);
        if (dot_multi)
            for (; t + multi <= n_tokens; t += multi) row_by_tokens(r0, r1, t);
        for (; t < n_tokens; t++)
            for (int64_t r = r0; r < r1; r++) store(t, r, dot(weight_row(r), act_row(t), k));
    }

    // Tokens [t, t + tile.tokens) against rows [r0, r1): whole tiles, then the leftover rows.
    void tiles(int64_t r0, int64_t r1, int64_t t) const {
        const void* as[kMaxMulti];
        for (int64_t j = 0; j < tile.tokens; j++) as[j] = act_row(t + j);
        int64_t r = r0;
        for (; r + tile.rows <= r1; r += tile.rows) {
            float o[kMaxTileRows * kMaxMulti];
            tile.fn(weight_row(r), w_stride, as, k, o);
            for (int64_t q = 0; q < tile.rows; q++)
                for (int64_t j = 0; j < tile.tokens; j++) store(t + j, r + q, o[q * tile.tokens + j]);
        }
        for (; r < r1; r++)
            for (int64_t j = 0; j < tile.tokens; j++) store(t + j, r, dot(weight_row(r), as[j], k));
    }

    // Tokens [t, t + multi) against rows [r0, r1), one weight row at a time.
    void row_by_tokens(int64_t r0, int64_t r1, int64_t t) const {
        const void* as[kMaxMulti];
        for (int64_t j = 0; j < multi; j++) as[j] = act_row(t + j);
        for (int64_t r = r0; r < r1; r++) {
            float o[kMaxMulti];
            dot_multi(weight_row(r), as, k, o);
            for (int64_t j = 0; j < multi; j++) store(t + j, r, o[j]);
        }
    }
};

void check_shapes([[maybe_unused]] const Tensor& w, [[maybe_unused]] const Tensor& x,
                  [[maybe_unused]] const Tensor& out, [[maybe_unused]] const Tensor* bias) {
    assert(w.ne[2] == 1 && w.dense_rows() && x.type == TensorType::F32 && x.dense_rows());
    assert(x.ne[0] == w.ne[0] && out.ne[0] == w.ne[1] && out.ne[1] == x.ne[1] && x.ne[2] == 1 && out.ne[2] == 1);
    assert(!bias || bias->ne[0] == w.ne[1]);
}

} // namespace

// Quantizes n activation rows (x_rows[t], k floats each) for weight type wt into the stream's
// scratch; returns its start. The rows are spread over the threads.
const uint8_t* CpuStream::quantize_activations(TensorType wt, const float* const* x_rows, int64_t n, int64_t k) {
    const size_t arow = activation_row_bytes(wt, k);
    activations_.resize(arow * static_cast<size_t>(n) + 64);
    uint8_t* act = activations_.data();
    const TensorType at = vec_dot_activation_type(wt);
    pool_.parallel_for(n, [&](int64_t a, int64_t b, int) {
        for (int64_t t = a; t < b; t++) {
            void* dst = act + arow * static_cast<size_t>(t);
            if (at == TensorType::Q8_K) k_.quantize_q8_K(x_rows[t], dst, k);
            else if (at == TensorType::Q8_0) k_.quantize_q8_0(x_rows[t], dst, k);
            else quantize_activation_row(wt, x_rows[t], dst, k);
        }
    });
    return act;
}

// out_rows[t] = w x_rows[t] (+ bias) for n rows: the shared core of matmul and matmul_id.
void CpuStream::matmul_rows(const Tensor& w, const float* const* x_rows, float* const* out_rows, int64_t n,
                            const float* bias) {
    if (backend_.reference_math()) return matmul_rows_reference(w, x_rows, out_rows, n, bias);
    const uint8_t* act = quantize_activations(w.type, x_rows, n, w.ne[0]);
    const int type = static_cast<int>(w.type);
    const MatmulJob job{host_bytes(w), w.nb[1], w.ne[0], act, activation_row_bytes(w.type, w.ne[0]), n, out_rows, bias,
                        k_.vec_dot[type], k_.vec_dot_multi[type], k_.multi_n, k_.tile[type]};
    const int64_t rows = w.ne[1];
    pool_.parallel_for((rows + kRowsPerTask - 1) / kRowsPerTask, [&](int64_t a, int64_t b, int) {
        for (int64_t task = a; task < b; task++) job.run(task * kRowsPerTask, std::min(rows, (task + 1) * kRowsPerTask));
    });
}

void CpuStream::matmul(const Tensor& w, const Tensor& x, const Tensor& out, const Tensor* bias) {
    check_shapes(w, x, out, bias);
    const int64_t n = x.ne[1];
    x_rows_.resize(static_cast<size_t>(n));
    out_rows_.resize(static_cast<size_t>(n));
    for (int64_t t = 0; t < n; t++) {
        x_rows_[static_cast<size_t>(t)] = row_f32(x, t);
        out_rows_[static_cast<size_t>(t)] = row_f32(out, t);
    }
    matmul_rows(w, x_rows_.data(), out_rows_.data(), n, bias ? reinterpret_cast<const float*>(host_bytes(*bias)) : nullptr);
}

// Reference math: each weight row dequantized to F32 and dotted with the unquantized activations
// in double. Slow; the fast paths above are checked against it.
void CpuStream::matmul_rows_reference(const Tensor& w, const float* const* x_rows, float* const* out_rows, int64_t n,
                                      const float* bias) {
    pool_.parallel_for(w.ne[1], [&](int64_t r0, int64_t r1, int) {
        std::vector<float> row(static_cast<size_t>(w.ne[0]));
        for (int64_t r = r0; r < r1; r++) {
            dequantize_row(w.type, row_bytes_at(w, r), row.data(), w.ne[0]);
            for (int64_t t = 0; t < n; t++) {
                double sum = 0;
                for (int64_t i = 0; i < w.ne[0]; i++) sum += static_cast<double>(row[static_cast<size_t>(i)]) * x_rows[t][i];
                out_rows[t][r] = static_cast<float>(sum) + (bias ? bias[r] : 0.f);
            }
        }
    });
}

} // namespace ponder::cpu
