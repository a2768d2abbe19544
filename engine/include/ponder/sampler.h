// Token sampling: greedy at temperature 0; otherwise repetition penalty, top-k, temperature,
// top-p, min-p, then a seeded draw (same seed, same output).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace ponder {

struct SamplerParams {
    float temperature = 0.6f;    // R1's recommendation; 0 = greedy
    int top_k = 0;               // 0 = off
    float top_p = 0.95f;         // 1 = off
    float min_p = 0.0f;          // 0 = off
    float repeat_penalty = 1.0f; // 1 = off
    int repeat_last_n = 64;      // window for the penalty
    uint64_t seed = 0xC0FFEE;
};

class Sampler {
public:
    explicit Sampler(const SamplerParams& p);
    // Picks the next token from logits (n_vocab entries); `history` feeds the penalty window.
    int32_t sample(const float* logits, int32_t n_vocab, const std::vector<int32_t>& history);

private:
    SamplerParams p_;
    std::mt19937_64 rng_;
    std::vector<std::pair<float, int32_t>> cand_;
};

} // namespace ponder
