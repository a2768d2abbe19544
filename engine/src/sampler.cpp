#include "ponder/sampler.h"

#include <algorithm>
#include <cstddef>
#include <cmath>
#include <unordered_set>

namespace ponder {

Sampler::Sampler(const SamplerParams& p) : p_(p), rng_(p.seed) {}

int32_t Sampler::sample(const float* logits, int32_t n_vocab, const std::vector<int32_t>& history) {
    cand_.resize(static_cast<size_t>(n_vocab));
    for (int32_t i = 0; i < n_vocab; i++) cand_[static_cast<size_t>(i)] = {logits[i], i};

    // Repetition penalty over the last repeat_last_n tokens (llama.cpp's rule: positive logits
    // divided, negative multiplied).
    if (p_.repeat_penalty != 1.0f && p_.repeat_last_n != 0 && !history.empty()) {
        size_t window = p_.repeat_last_n < 0 ? history.size() : std::min(history.size(), static_cast<size_t>(p_.repeat_last_n));
        std::unordered_set<int32_t> seen(history.end() - static_cast<ptrdiff_t>(window), history.end());
        for (int32_t id : seen) {
            if (id < 0 || id >= n_vocab) continue;
            float& l = cand_[static_cast<size_t>(id)].first;
            l = l > 0 ? l / p_.repeat_penalty : l * p_.repeat_penalty;
        }
    }

    auto by_logit = [](const std::pair<float, int32_t>& a, const std::pair<float, int32_t>& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    if (p_.temperature <= 0) return std::min_element(cand_.begin(), cand_.end(), by_logit)->second;

    size_t n = cand_.size();
    if (p_.top_k > 0 && static_cast<size_t>(p_.top_k) < n) {
        std::partial_sort(cand_.begin(), cand_.begin() + p_.top_k, cand_.end(), by_logit);
        n = static_cast<size_t>(p_.top_k);
    } else {
        std::sort(cand_.begin(), cand_.end(), by_logit);
    }
    // Softmax at the temperature, over the candidates, in descending order.
    std::vector<double> prob(n);
    double max = cand_[0].first, sum = 0;
    for (size_t i = 0; i < n; i++) sum += prob[i] = std::exp((cand_[i].first - max) / p_.temperature);
    for (double& q : prob) q /= sum;
    size_t keep = n;
    if (p_.top_p < 1.0f) {
        double cum = 0;
        for (size_t i = 0; i < n; i++) {
            cum += prob[i];
            if (cum >= p_.top_p) {
                keep = i + 1;
                break;
            }
        }
    }
    if (p_.min_p > 0) {
        double floor = prob[0] * p_.min_p;
        size_t k = 1;
        while (k < keep && prob[k] >= floor) k++;
        keep = k;
    }
    double total = 0;
    for (size_t i = 0; i < keep; i++) total += prob[i];
    double r = std::uniform_real_distribution<double>(0, total)(rng_);
    for (size_t i = 0; i < keep; i++) {
        r -= prob[i];
        if (r <= 0) return cand_[i].second;
    }
    return cand_[keep - 1].second;
}

} // namespace ponder
