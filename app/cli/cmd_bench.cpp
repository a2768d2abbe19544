// ponder-cli bench: prompt processing and generation speed, like llama-bench's pp/tg
// (generation measured after a prompt), plus peak memory.
#include "args.h"
#include "commands.h"
#include "generation.h"

#include "ponder/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>

namespace ponder::cli {

namespace {
// With reasoning control flags: one reply to a question, greedy, under those settings: how long
// the thought ran and how soon the answer began, which is what a thinking budget buys.
struct ReplyTiming {
    int reasoning_tokens = 0, answer_tokens = 0;
    double answer_after_ms = -1, total_ms = 0;
    std::vector<ForcedAction> forced;
};

ReplyTiming time_reply(const Args& args, const Loaded& l) {
    GenerateOptions go;
    go.sampler.temperature = 0;
    go.thinking = thinking_from_args(args);
    go.n_predict = parse_int(args, "n-predict", 4096);
    const std::vector<int32_t> prompt =
        prompt_tokens(*l.model, args.get("prompt", "What is 4738 + 2956?"), false, go.prompt_opens_think);
    ReplyTiming t;
    const auto t0 = std::chrono::steady_clock::now();
    auto ms = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); };
    const GenerateResult r = l.session->generate(prompt, go, [&](const Event& e) {
        if (e.kind == EventKind::Answer && t.answer_after_ms < 0) t.answer_after_ms = ms();
    });
    if (r.reason == StopReason::Error) throw CommandError(r.error);
    t.total_ms = ms();
    t.reasoning_tokens = r.stats.reasoning_tokens;
    t.answer_tokens = static_cast<int>(r.tokens.size()) - r.stats.reasoning_tokens;
    t.forced = r.forced;
    return t;
}

bool has_thinking_flags(const Args& args) {
    for (const auto& set : {kThinkingOptions, kThinkingFlags})
        for (const std::string& k : set)
            if (args.has(k)) return true;
    return args.has("prompt");
}
} // namespace

int cmd_bench(const std::vector<std::string>& argv) {
    std::set<std::string> options = kModelOptions;
    options.insert({"p", "n", "repetitions", "prompt", "n-predict"});
    options.insert(kThinkingOptions.begin(), kThinkingOptions.end());
    std::set<std::string> flags = {"json"};
    flags.insert(kThinkingFlags.begin(), kThinkingFlags.end());
    std::vector<std::string> fixed;  // accept llama-bench's -p / -n spelling too
    for (const std::string& a : argv) fixed.push_back(a == "-p" ? "--p" : a == "-n" ? "--n" : a == "-r" ? "--repetitions" : a);
    Args args(fixed, flags, options);
    const int n_prompt = parse_int(args, "p", 512), n_gen = parse_int(args, "n", 128);
    const int reps = parse_int(args, "repetitions", 3);
    if (n_prompt < 1 || n_gen < 0 || reps < 1) throw UsageError("-p must be >= 1, -n >= 0, -r >= 1");

    std::vector<std::string> with_ctx = fixed;
    if (!args.has("ctx")) {
        with_ctx.push_back("--ctx");
        with_ctx.push_back(std::to_string(n_prompt + n_gen + 1));
    }
    const bool reply = has_thinking_flags(args);
    if (reply && !args.has("ctx")) with_ctx.back() = std::to_string(std::max(n_prompt + n_gen + 1, 8192));
    Args args2(with_ctx, flags, options);
    Loaded l = load_model_and_session(args2, args.has("json"));
    BenchResult res;
    std::string error;
    if (!run_bench(*l.session, BenchOptions{n_prompt, n_gen, reps}, res, error)) throw CommandError(error);
    std::optional<ReplyTiming> timing;
    if (reply) timing = time_reply(args2, l);
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
        if (timing) {
            j["reply"] = {{"reasoning_tokens", timing->reasoning_tokens},
                          {"answer_tokens", timing->answer_tokens},
                          {"answer_after_ms", timing->answer_after_ms},
                          {"total_ms", timing->total_ms},
                          {"forced", nlohmann::json::parse(forced_actions_to_json(timing->forced))}};
        }
        std::puts(j.dump(2).c_str());
    } else {
        std::printf("%-40s %12s %18s\n", "model", "test", "tokens/s");
        std::printf("%-40s %12s %11.2f ± %.2f\n", model_path(args).c_str(), ("pp" + std::to_string(n_prompt)).c_str(), res.pp_mean, res.pp_sd);
        if (n_gen > 0)
            std::printf("%-40s %12s %11.2f ± %.2f   (%.1f GB/s of weights)\n", model_path(args).c_str(),
                        ("tg" + std::to_string(n_gen)).c_str(), res.tg_mean, res.tg_sd, res.tg_mean * weights_mb / 1e3);
        std::printf("peak RSS %.1f MB (weights %.1f MB)\n", static_cast<double>(res.peak_rss_bytes) / 1e6, weights_mb);
        if (timing) {
            std::printf("reply    %d reasoning + %d answer tokens, answer began after %.0f ms, %.0f ms in all\n",
                        timing->reasoning_tokens, timing->answer_tokens, timing->answer_after_ms, timing->total_ms);
            for (const ForcedAction& a : timing->forced) std::printf("         %s\n", describe(a).c_str());
        }
    }
    return 0;
}

} // namespace ponder::cli
