// ponder-cli bench: prompt processing and generation speed, like llama-bench's pp/tg
// (generation measured after a prompt), plus peak memory.
#include "args.h"
#include "commands.h"
#include "generation.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/resource.h>

namespace ponder::cli {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Stat {
    double mean = 0, sd = 0;
};
Stat stat(const std::vector<double>& v) {
    Stat s;
    for (double x : v) s.mean += x;
    s.mean /= static_cast<double>(v.size());
    for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(s.sd / static_cast<double>(v.size() - 1)) : 0;
    return s;
}
} // namespace

int cmd_bench(const std::vector<std::string>& argv) {
    std::set<std::string> options = kModelOptions;
    options.insert({"p", "n", "repetitions"});
    std::vector<std::string> fixed;  // accept llama-bench's -p / -n spelling too
    for (const std::string& a : argv) fixed.push_back(a == "-p" ? "--p" : a == "-n" ? "--n" : a == "-r" ? "--repetitions" : a);
    Args args(fixed, {"json"}, options);
    const int n_prompt = parse_int(args, "p", 512), n_gen = parse_int(args, "n", 128);
    const int reps = parse_int(args, "repetitions", 3);
    if (n_prompt < 1 || n_gen < 0 || reps < 1) throw UsageError("-p must be >= 1, -n >= 0, -r >= 1");

    std::vector<std::string> with_ctx = fixed;
    if (!args.has("ctx")) {
        with_ctx.push_back("--ctx");
        with_ctx.push_back(std::to_string(n_prompt + n_gen + 1));
    }
    Args args2(with_ctx, {"json"}, options);
    Loaded l = load_model_and_session(args2, args.has("json"));
    const int n_vocab = model_tokenizer(*l.model).n_vocab();
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> pick(0, n_vocab - 1);

    std::vector<double> pp, tg;
    std::string error;
    for (int r = 0; r <= reps; r++) {  // the first round warms caches and is not counted
        std::vector<int32_t> tokens(static_cast<size_t>(n_prompt));
        for (int32_t& t : tokens) t = pick(rng);
        tokens[0] = static_cast<int32_t>(r);  // differ from the previous round: no prefix reuse
        auto t0 = Clock::now();
        if (!l.session->evaluate(tokens, error)) throw CommandError(error);
        double pp_s = seconds_since(t0);
        auto t1 = Clock::now();
        for (int i = 0; i < n_gen; i++) {
            const std::vector<float>& logits = l.session->logits();
            tokens.push_back(static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin()));
            if (!l.session->evaluate(tokens, error)) throw CommandError(error);
        }
        double tg_s = seconds_since(t1);
        if (r == 0) continue;
        pp.push_back(n_prompt / pp_s);
        if (n_gen > 0) tg.push_back(n_gen / tg_s);
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const uint64_t peak_rss = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
    Stat pps = stat(pp), tgs = tg.empty() ? Stat{} : stat(tg);
    const double weights_mb = static_cast<double>(model_weights_bytes(*l.model)) / 1e6;
    if (args.has("json")) {
        nlohmann::ordered_json j;
        j["model"] = model_path(args);
        j["backend"] = model_backend_description(*l.model);
        j["n_prompt"] = n_prompt;
        j["n_gen"] = n_gen;
        j["repetitions"] = reps;
        j["pp_tokens_per_s"] = pps.mean;
        j["pp_tokens_per_s_sd"] = pps.sd;
        j["tg_tokens_per_s"] = tgs.mean;
        j["tg_tokens_per_s_sd"] = tgs.sd;
        j["peak_rss_bytes"] = peak_rss;
        j["weights_bytes"] = model_weights_bytes(*l.model);
        // Memory-bandwidth roofline of generation: weight bytes streamed per second.
        j["tg_weight_gb_per_s"] = tgs.mean * weights_mb / 1e3;
        std::puts(j.dump(2).c_str());
    } else {
        std::printf("%-40s %12s %18s\n", "model", "test", "tokens/s");
        std::printf("%-40s %12s %11.2f ± %.2f\n", model_path(args).c_str(), ("pp" + std::to_string(n_prompt)).c_str(), pps.mean, pps.sd);
        if (n_gen > 0)
            std::printf("%-40s %12s %11.2f ± %.2f   (%.1f GB/s of weights)\n", model_path(args).c_str(),
                        ("tg" + std::to_string(n_gen)).c_str(), tgs.mean, tgs.sd, tgs.mean * weights_mb / 1e3);
        std::printf("peak RSS %.1f MB (weights %.1f MB)\n", static_cast<double>(peak_rss) / 1e6, weights_mb);
    }
    return 0;
}

} // namespace ponder::cli
