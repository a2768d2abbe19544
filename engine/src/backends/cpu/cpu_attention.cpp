// Causal attention on the CPU: one task per (query token, head), each a pass over the visible
// keys (scores, softmax in double), then the weighted sum of the values. Keys and values are read
// in the cache's own type (F32, F16 or BF16) through the dot kernels; heads may be strided views
// (grouped-query attention shares each K/V head among n_head / n_head_kv query heads; latent
// attention reads column ranges of one cache row).
#include "cpu_backend.h"

#include "quant.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ponder::cpu {

namespace {

uint8_t* head_at(const Tensor& t, int64_t head, int64_t pos) {
    return host_bytes(t) + static_cast<size_t>(head) * t.nb[1] + static_cast<size_t>(pos) * t.nb[2];
}

// y += a * v for one value head in the cache's type.
void accumulate(const Kernels& k, TensorType type, const uint8_t* v, float a, float* y, int64_t d) {
    switch (type) {
    case TensorType::F32: {
        const float* f = reinterpret_cast<const float*>(v);
        for (int64_t i = 0; i < d; i++) y[i] += a * f[i];
        break;
    }
    case TensorType::F16: k.axpy_f16(a, reinterpret_cast<const uint16_t*>(v), y, d); break;
    case TensorType::BF16: {
        const uint16_t* b = reinterpret_cast<const uint16_t*>(v);
        for (int64_t i = 0; i < d; i++) y[i] += a * bf16_to_fp32(b[i]);
        break;
    }
    default: assert(!"attention: unsupported value type");
    }
}

} // namespace

void CpuStream::attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                          const AttentionParams& p) {
    const int64_t dk = q.ne[0], dv = v.ne[0], n_head = q.ne[1], n_head_kv = k.ne[1], n = q.ne[2];
    assert(k.ne[0] == dk && out.ne[0] == dv && out.ne[1] == n_head && out.ne[2] == n && v.ne[1] == n_head_kv);
    assert(n_head % n_head_kv == 0 && v.ne[2] == k.ne[2] && p.pos0 + n <= k.ne[2]);
    assert(q.dense_rows() && k.dense_rows() && v.dense_rows() && out.dense_rows());
    const int64_t group = n_head / n_head_kv;
    const VecDotFn dot = k_.vec_dot[static_cast<int>(k.type)];
    pool_.parallel_for(n * n_head, [&](int64_t a, int64_t b, int thread) {
        std::vector<float>& scores = attn_scores_[static_cast<size_t>(thread)];
        scores.resize(static_cast<size_t>(std::max<int64_t>(p.pos0 + n, 1)));
        std::vector<float> acc(static_cast<size_t>(dv));
        for (int64_t task = a; task < b; task++) {
            const int64_t t = task / n_head, h = task % n_head, kvh = h / group;
            const float* qh = reinterpret_cast<const float*>(head_at(q, h, t));
            const int64_t n_keys = p.pos0 + t + 1;  // causal: keys up to this query's position
            float max = -INFINITY;
            for (int64_t j = 0; j < n_keys; j++) {
                const float s = dot(head_at(k, kvh, j), qh, dk) * p.scale;
                scores[static_cast<size_t>(j)] = s;
                max = std::max(max, s);
            }
            double sum = 0;
            for (int64_t j = 0; j < n_keys; j++) {
                const float e = std::exp(scores[static_cast<size_t>(j)] - max);
                scores[static_cast<size_t>(j)] = e;
                sum += e;
            }
            std::fill(acc.begin(), acc.end(), 0.f);
            for (int64_t j = 0; j < n_keys; j++)
                accumulate(k_, v.type, head_at(v, kvh, j), scores[static_cast<size_t>(j)], acc.data(), dv);
            const float inv = static_cast<float>(1.0 / sum);
            float* o = reinterpret_cast<float*>(head_at(out, h, t));
            for (int64_t i = 0; i < dv; i++) o[i] = acc[static_cast<size_t>(i)] * inv;
        }
    });
}

} // namespace ponder::cpu
