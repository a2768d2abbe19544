// Mixture of experts on the CPU (and the per-head matrices of latent attention, which are the
// same operation): expert-indexed matmul, routing, the weighted sum of the experts' outputs.
#include "cpu_backend.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace ponder::cpu {

// Slots are grouped by the matrix they use, so each chosen matrix is read once for all the
// tokens that chose it, through the same kernels as a plain matmul; matrices nobody chose are
// never touched.
void CpuStream::matmul_id(const Tensor& w, const Tensor& x, const Tensor& ids, const Tensor& out) {
    [[maybe_unused]] const int64_t n_mat = w.ne[2];
    const int64_t n_slots = ids.ne[0], n = ids.ne[1], nx = x.ne[1];
    assert(ids.type == TensorType::I32 && x.type == TensorType::F32 && x.ne[0] == w.ne[0] && x.ne[2] == n);
    assert(out.ne[0] == w.ne[1] && out.ne[1] == n_slots && out.ne[2] == n && (nx == 1 || nx == n_slots));
    // (matrix, token, slot) of every slot, sorted by matrix
    std::vector<std::pair<int32_t, int64_t>> slots;  // matrix, t * n_slots + j
    slots.reserve(static_cast<size_t>(n * n_slots));
    for (int64_t t = 0; t < n; t++) {
        const int32_t* id = reinterpret_cast<const int32_t*>(host_bytes(ids) + static_cast<size_t>(t) * ids.nb[1]);
        for (int64_t j = 0; j < n_slots; j++) {
            assert(id[j] >= 0 && id[j] < n_mat);
            slots.emplace_back(id[j], t * n_slots + j);
        }
    }
    std::stable_sort(slots.begin(), slots.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const float*> xr;
    std::vector<float*> orows;
    for (size_t begin = 0; begin < slots.size();) {
        const int32_t e = slots[begin].first;
        size_t end = begin;
        xr.clear();
        orows.clear();
        for (; end < slots.size() && slots[end].first == e; end++) {
            const int64_t t = slots[end].second / n_slots, j = slots[end].second % n_slots;
            xr.push_back(reinterpret_cast<const float*>(host_bytes(x) + static_cast<size_t>(t) * x.nb[2] +
                                                        static_cast<size_t>(nx == 1 ? 0 : j) * x.nb[1]));
            orows.push_back(reinterpret_cast<float*>(host_bytes(out) + static_cast<size_t>(t) * out.nb[2] +
                                                     static_cast<size_t>(j) * out.nb[1]));
        }
        matmul_rows(matrix(w, e), xr.data(), orows.data(), static_cast<int64_t>(xr.size()), nullptr);
        begin = end;
    }
}

namespace {

// The best `k` indices of `score` among `allowed`, highest first (ties: the lower index).
std::vector<int32_t> top_k(const std::vector<float>& score, const std::vector<bool>& allowed, int k) {
    std::vector<int32_t> idx;
    for (size_t i = 0; i < score.size(); i++)
        if (allowed[i]) idx.push_back(static_cast<int32_t>(i));
    const size_t kk = std::min(idx.size(), static_cast<size_t>(k));
    std::partial_sort(idx.begin(), idx.begin() + static_cast<ptrdiff_t>(kk), idx.end(), [&](int32_t a, int32_t b) {
        return score[static_cast<size_t>(a)] > score[static_cast<size_t>(b)] || (score[static_cast<size_t>(a)] == score[static_cast<size_t>(b)] && a < b);
    });
    idx.resize(kk);
    return idx;
}

// Experts allowed by group-limited routing: the n_group_used groups whose score is best, a
// group's score being the sum of its two highest (sigmoid, V3) or its highest (softmax, V2).
std::vector<bool> allowed_groups(const std::vector<float>& sel, const MoeRouting& p) {
    const size_t n_expert = sel.size(), per_group = n_expert / static_cast<size_t>(p.n_group);
    std::vector<bool> allowed(n_expert, true);
    if (p.n_group <= 1 || p.n_group_used >= p.n_group) return allowed;
    std::vector<float> group_score(static_cast<size_t>(p.n_group));
    for (size_t g = 0; g < group_score.size(); g++) {
        std::vector<float> v(sel.begin() + static_cast<ptrdiff_t>(g * per_group), sel.begin() + static_cast<ptrdiff_t>((g + 1) * per_group));
        std::partial_sort(v.begin(), v.begin() + std::min<ptrdiff_t>(2, static_cast<ptrdiff_t>(v.size())), v.end(), std::greater<float>());
        group_score[g] = p.sigmoid && v.size() > 1 ? v[0] + v[1] : v[0];
    }
    const std::vector<int32_t> keep = top_k(group_score, std::vector<bool>(group_score.size(), true), p.n_group_used);
    std::fill(allowed.begin(), allowed.end(), false);
    for (int32_t g : keep)
        for (size_t e = static_cast<size_t>(g) * per_group; e < static_cast<size_t>(g + 1) * per_group; e++) allowed[e] = true;
    return allowed;
}

} // namespace

void CpuStream::moe_route(const Tensor& logits, const Tensor* bias, const MoeRouting& p, const Tensor& ids,
                          const Tensor& weights) {
    const int64_t n_expert = logits.ne[0], n = logits.ne[1], k = p.n_expert_used;
    assert(ids.ne[0] == k && ids.ne[1] == n && weights.ne[0] == k && weights.ne[1] == n && n_expert % p.n_group == 0);
    const float* b = bias ? reinterpret_cast<const float*>(host_bytes(*bias)) : nullptr;
    for (int64_t t = 0; t < n; t++) {
        const float* l = row_f32(logits, t);
        // scores: sigmoid, or softmax over the experts
        std::vector<float> score(static_cast<size_t>(n_expert));
        if (p.sigmoid) {
            for (int64_t e = 0; e < n_expert; e++) score[static_cast<size_t>(e)] = 1.f / (1.f + std::exp(-l[e]));
        } else {
            const float mx = *std::max_element(l, l + n_expert);
            double sum = 0;
            for (int64_t e = 0; e < n_expert; e++) sum += score[static_cast<size_t>(e)] = std::exp(l[e] - mx);
            for (float& s : score) s = static_cast<float>(s / sum);
        }
        // the bias chooses, the unbiased score weighs
        std::vector<float> sel = score;
        if (b)
            for (int64_t e = 0; e < n_expert; e++) sel[static_cast<size_t>(e)] += b[e];
        const std::vector<int32_t> chosen = top_k(sel, allowed_groups(sel, p), static_cast<int>(k));
        int32_t* id = reinterpret_cast<int32_t*>(row_bytes_at(ids, t));
        float* w = row_f32(weights, t);
        double sum = 0;
        for (int64_t j = 0; j < k; j++) sum += score[static_cast<size_t>(chosen[static_cast<size_t>(j)])];
        for (int64_t j = 0; j < k; j++) {
            id[j] = chosen[static_cast<size_t>(j)];
            const double s = score[static_cast<size_t>(id[j])];
            w[j] = static_cast<float>((p.normalize && sum > 0 ? s / sum : s) * p.scale);
        }
    }
}

void CpuStream::moe_sum(const Tensor& y, const Tensor& weights, const Tensor& out) {
    const int64_t d = y.ne[0], k = y.ne[1], n = y.ne[2];
    assert(weights.ne[0] == k && weights.ne[1] == n && out.ne[0] == d && out.ne[1] == n);
    for (int64_t t = 0; t < n; t++) {
        const float* w = row_f32(weights, t);
        float* o = row_f32(out, t);
        std::fill(o, o + d, 0.f);
        for (int64_t j = 0; j < k; j++) {
            const float* yj = reinterpret_cast<const float*>(host_bytes(y) + static_cast<size_t>(t) * y.nb[2] +
                                                             static_cast<size_t>(j) * y.nb[1]);
            for (int64_t i = 0; i < d; i++) o[i] += w[j] * yj[i];
        }
    }
}

} // namespace ponder::cpu
