#include "ponder/bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <sys/resource.h>

namespace ponder {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void mean_sd(const std::vector<double>& v, double& mean, double& sd) {
    mean = sd = 0;
    if (v.empty()) return;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    for (double x : v) sd += (x - mean) * (x - mean);
    sd = v.size() > 1 ? std::sqrt(sd / static_cast<double>(v.size() - 1)) : 0;
}
} // namespace

bool run_bench(Session& session, const BenchOptions& o, BenchResult& result, std::string& error) {
    const int n_vocab = model_tokenizer(session.model()).n_vocab();
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> pick(0, n_vocab - 1);
    std::vector<double> pp, tg;
    for (int r = 0; r <= o.repetitions; r++) {  // round 0 warms caches and is not counted
        std::vector<int32_t> tokens(static_cast<size_t>(o.n_prompt));
        for (int32_t& t : tokens) t = pick(rng);
        tokens[0] = static_cast<int32_t>(r);  // differ from the previous round: no prefix reuse
        const auto t0 = Clock::now();
        if (!session.evaluate(tokens, error)) return false;
        const double pp_s = seconds_since(t0);
        const auto t1 = Clock::now();
        for (int i = 0; i < o.n_gen; i++) {
            const std::vector<float>& logits = session.logits();
            tokens.push_back(static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
            if (!session.evaluate(tokens, error)) return false;
        }
        const double tg_s = seconds_since(t1);
        if (r == 0) continue;
        pp.push_back(o.n_prompt / pp_s);
        if (o.n_gen > 0) tg.push_back(o.n_gen / tg_s);
    }
    mean_sd(pp, result.pp_mean, result.pp_sd);
    mean_sd(tg, result.tg_mean, result.tg_sd);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    result.peak_rss_bytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
    return true;
}

} // namespace ponder
