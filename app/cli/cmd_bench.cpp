// ponder-cli bench: prompt processing and generation speed, like llama-bench's pp/tg
// (generation measured after a prompt), plus peak memory.
#include "args.h"
#include "commands.h"
#include "generation.h"

#include "ponder/bench.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::cli {

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
    BenchResult res;
    std::string error;
    if (!run_bench(*l.session, BenchOptions{n_prompt, n_gen, reps}, res, error)) throw CommandError(error);
    const double weights_mb = static_cast<double>(model_weights_bytes(*l.model)) / 1e6;
    if (args.has("json")) {
        nlohmann::ordered_json j;
        j["model"] = model_path(args);
        j["backend"] = model_backend_description(*l.model);
        j["n_prompt"] = n_prompt;
        j["n_gen"] = n_gen;
        j["repetitions"] = reps;
        j["pp_tokens_per_s"] = res.pp_mean;
        j["pp_tokens_per_s_sd"] = res.pp_sd;
        j["tg_tokens_per_s"] = res.tg_mean;
        j["tg_tokens_per_s_sd"] = res.tg_sd;
        j["peak_rss_bytes"] = res.peak_rss_bytes;
        j["weights_bytes"] = model_weights_bytes(*l.model);
        // Memory-bandwidth roofline of generation: weight bytes streamed per second.
        j["tg_weight_gb_per_s"] = res.tg_mean * weights_mb / 1e3;
        std::puts(j.dump(2).c_str());
    } else {
        std::printf("%-40s %12s %18s\n", "model", "test", "tokens/s");
        std::printf("%-40s %12s %11.2f ± %.2f\n", model_path(args).c_str(), ("pp" + std::to_string(n_prompt)).c_str(), res.pp_mean, res.pp_sd);
        if (n_gen > 0)
            std::printf("%-40s %12s %11.2f ± %.2f   (%.1f GB/s of weights)\n", model_path(args).c_str(),
                        ("tg" + std::to_string(n_gen)).c_str(), res.tg_mean, res.tg_sd, res.tg_mean * weights_mb / 1e3);
        std::printf("peak RSS %.1f MB (weights %.1f MB)\n", static_cast<double>(res.peak_rss_bytes) / 1e6, weights_mb);
    }
    return 0;
}

} // namespace ponder::cli
