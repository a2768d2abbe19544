// ponder-cli eval: accuracy of a model on a JSONL suite of {"prompt", "answer"} problems, graded
// on the text after </think> the way DeepSeek-R1 was evaluated (pass@1 over K samples at
// temperature 0.6, top-p 0.95), or greedily with one sample.
#include "args.h"
#include "commands.h"
#include "generation.h"
#include "remote_generation.h"
#include "scaling_curve.h"

#include "ponder/answer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>
#include <map>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace ponder::cli {

namespace {

using ojson = nlohmann::ordered_json;

struct Problem {
    std::string prompt, answer;
    ojson extra;  // every other field of the suite line, echoed in the report
};

std::vector<Problem> read_suite(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CommandError("cannot open suite '" + path + "'");
    std::vector<Problem> out;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        auto where = [&] { return path + ":" + std::to_string(n) + ": "; };
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        ojson j;
        try {
            j = ojson::parse(line);
        } catch (const std::exception&) {
            throw CommandError(where() + "not a JSON object");
        }
        if (!j.is_object()) throw CommandError(where() + "not a JSON object");
        if (!j.contains("prompt") || !j["prompt"].is_string()) throw CommandError(where() + "\"prompt\" must be a string");
        if (!j.contains("answer")) throw CommandError(where() + "no \"answer\"");
        Problem p;
        p.prompt = j["prompt"].get<std::string>();
        const ojson& a = j["answer"];
        if (a.is_string()) p.answer = a.get<std::string>();
        else if (a.is_number()) p.answer = a.dump();
        else throw CommandError(where() + "\"answer\" must be a string or a number");
        for (auto it = j.begin(); it != j.end(); ++it)
            if (it.key() != "prompt" && it.key() != "answer") p.extra[it.key()] = it.value();
        out.push_back(std::move(p));
    }
    if (out.empty()) throw CommandError("suite '" + path + "' has no problems");
    return out;
}

// Groups for the breakdown: by "task" and then by "digits" when the suite has those fields.
std::string group_of(const Problem& p) {
    std::string g;
    auto field = [&](const char* k) {
        if (!p.extra.contains(k)) return;
        const ojson& v = p.extra[k];
        g += (g.empty() ? "" : " ") + std::string(k == std::string("digits") ? "digits=" : "") +
             (v.is_string() ? v.get<std::string>() : v.dump());
    };
    field("task");
    field("digits");
    return g;
}

// One graded completion, from the local engine or a server.
struct Sample {
    std::optional<std::string> answer_text;  // nullopt: the thought never closed
    std::string completion;                  // for the report
    int reasoning_tokens = 0, generated_tokens = 0;
    double generation_ms = 0;
    StopReason reason = StopReason::None;
    std::string error;  // a server failure that outlasted the retries: graded wrong
    std::vector<ForcedAction> forced;  // what the engine did to the thought
};
using AnswerFn = std::function<Sample(const std::string& prompt, uint64_t seed)>;

// Server failures worth another try in a long evaluation: no HTTP answer, a stream that broke or
// stalled, a 5xx. A 4xx (bad key, no balance, bad request) would fail every problem alike.
bool transient_failure(const RemoteResult& r) { return r.http_status < 400 || r.http_status >= 500; }

struct Tally {
    int problems = 0;
    double pass1 = 0, majority = 0, passk = 0;
};

// One pass over the suite.
struct SuiteRun {
    Tally total;
    std::map<std::string, Tally> groups;
    long long reasoning_tokens = 0, answer_tokens = 0, generated = 0, n_samples = 0, failed_samples = 0;
    long long thoughts_ended = 0;  // samples whose thought the engine ended (budget, loop)
    long long loops = 0;           // samples where a loop was detected
    double gen_ms = 0, wall_s = 0;
    ojson problems = ojson::array();

    double mean_reasoning_tokens() const { return n_samples ? static_cast<double>(reasoning_tokens) / static_cast<double>(n_samples) : 0; }
    double mean_answer_tokens() const { return n_samples ? static_cast<double>(answer_tokens) / static_cast<double>(n_samples) : 0; }
    double tokens_per_s() const { return gen_ms > 0 ? 1000.0 * static_cast<double>(generated) / gen_ms : 0.0; }
};

// Grades one problem's samples into `run`.
void grade_problem(SuiteRun& run, size_t index, const Problem& p, const std::vector<Sample>& samples) {
    int correct = 0;
    std::map<std::string, int> votes;
    ojson sample_results = ojson::array();
    for (const Sample& smp : samples) {
        const std::optional<std::string>& answer_text = smp.answer_text;
        Grade g = answer_text ? grade_answer(*answer_text, p.answer) : Grade{};
        correct += g.correct;
        if (answer_text) ++votes[g.extracted];
        const int n_gen = smp.generated_tokens, reasoning_n = smp.reasoning_tokens;
        run.reasoning_tokens += reasoning_n;
        run.answer_tokens += n_gen - reasoning_n;
        run.generated += n_gen;
        run.gen_ms += smp.generation_ms;
        ++run.n_samples;
        bool ended = false, looped = false;
        for (const ForcedAction& a : smp.forced) {
            ended |= forced_kind_ends_thought(a.kind);
            looped |= a.kind == ForcedKind::LoopDetected;
        }
        run.thoughts_ended += ended;
        run.loops += looped;
        ojson s;
        s["extracted"] = answer_text ? ojson(g.extracted) : ojson(nullptr);
        s["correct"] = g.correct;
        s["reasoning_tokens"] = reasoning_n;
        s["answer_tokens"] = n_gen - reasoning_n;
        s["stop_reason"] = stop_reason_name(smp.reason);
        if (!smp.forced.empty()) s["forced"] = ojson::parse(forced_actions_to_json(smp.forced));
        s["completion"] = smp.completion;
        if (!smp.error.empty()) {
            s["error"] = smp.error;
            ++run.failed_samples;
        }
        sample_results.push_back(std::move(s));
    }
    // Majority answer (ties go to the first seen, which std::map orders by text: stable).
    std::string majority;
    int best = 0;
    for (const auto& [v, c] : votes)
        if (c > best) best = c, majority = v;
    const int k = static_cast<int>(samples.size());
    const bool majority_ok = best > 0 && answer_matches(majority, p.answer);
    const double p1 = pass_at_k(k, correct, 1), pk = pass_at_k(k, correct, k);
    for (Tally* t : {&run.total, &run.groups[group_of(p)]}) {
        t->problems += 1;
        t->pass1 += p1;
        t->majority += majority_ok;
        t->passk += pk;
    }
    ojson r;
    r["index"] = index;
    r["prompt"] = p.prompt;
    r["answer"] = p.answer;
    for (auto it = p.extra.begin(); it != p.extra.end(); ++it) r[it.key()] = it.value();
    r["correct"] = majority_ok;
    r["pass_at_1"] = p1;
    r["samples"] = std::move(sample_results);
    run.problems.push_back(std::move(r));
}

// Runs every problem `samples` times; progress on stderr, `label` in front of it.
SuiteRun run_suite(const std::vector<Problem>& suite, const AnswerFn& answer, int samples, uint64_t base_seed,
                   bool quiet, const std::string& label) {
    const bool tty = isatty(STDERR_FILENO);
    SuiteRun run;
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < suite.size(); ++i) {
        std::vector<Sample> got;
        for (int k = 0; k < samples; ++k) {
            try {
                got.push_back(answer(suite[i].prompt, base_seed + i * 1000003ull + static_cast<uint64_t>(k)));
            } catch (const CommandError& e) {
                throw CommandError("problem " + std::to_string(i + 1) + ": " + e.what());
            }
        }
        grade_problem(run, i, suite[i], got);
        if (!quiet && (tty || (i + 1) % std::max<size_t>(1, suite.size() / 10) == 0 || i + 1 == suite.size())) {
            std::fprintf(stderr, "%s%s[%zu/%zu] pass@1 %.1f%%, %.0f tok/s%s", tty ? "\r" : "", label.c_str(), i + 1,
                         suite.size(), 100.0 * run.total.pass1 / run.total.problems, run.tokens_per_s(),
                         tty && i + 1 < suite.size() ? "" : "\n");
            std::fflush(stderr);
        }
    }
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return run;
}

// A server's answer to one problem, with retries for transient failures.
AnswerFn remote_answer(RemoteClient& client, const SamplerParams& sp, int max_tokens, const ThinkingOptions& thinking,
                       bool quiet) {
    remote::RequestSampling rs;
    rs.temperature = sp.temperature;
    rs.top_p = sp.top_p;
    if (max_tokens > 0) rs.max_tokens = max_tokens;
    return [&client, rs, &thinking, quiet](const std::string& prompt, uint64_t seed) mutable {
        rs.seed = seed;
        if (thinking.budget >= 0) rs.thinking_budget = thinking.budget;  // servers that take one (check_remote_thinking)
        else rs.thinking_budget.reset();
        RemoteResult r;
        // One flaky answer must not throw away hours of results: transient failures are tried
        // twice more, then recorded as a wrong sample and the evaluation goes on.
        for (int attempt = 0;; ++attempt) {
            r = client.generate({{"user", prompt}}, rs, [](bool, const std::string&) {});
            if (r.reason != StopReason::Error || !transient_failure(r) || attempt == 2) break;
            if (!quiet) std::fprintf(stderr, "ponder: %s Trying again in %d s.\n", r.error.c_str(), 2 << attempt);
            std::this_thread::sleep_for(std::chrono::seconds(2 << attempt));
        }
        if (r.reason == StopReason::Error && !transient_failure(r)) throw CommandError(r.error);
        if (r.reason == StopReason::Cancelled) throw CommandError("interrupted (Ctrl-C)");  // ends the whole eval
        Sample s;
        // The server split thought from answer; a thought that never closed has no answer.
        if (!(r.answer.empty() && !r.reasoning.empty())) s.answer_text = r.answer;
        s.completion = r.reasoning.empty() ? r.answer : r.reasoning + "</think>\n\n" + r.answer;
        s.generated_tokens = r.usage.completion_tokens >= 0 ? static_cast<int>(r.usage.completion_tokens) : 0;
        s.reasoning_tokens = r.usage.reasoning_tokens >= 0 ? static_cast<int>(r.usage.reasoning_tokens) : 0;
        s.generation_ms = r.first_token_ms >= 0 ? r.total_ms - r.first_token_ms : r.total_ms;
        s.reason = r.reason;
        if (r.reason == StopReason::Error) s.error = r.error;
        return s;
    };
}

ojson groups_json(const SuiteRun& run) {
    ojson g = ojson::object();
    for (const auto& [name, t] : run.groups)
        if (!name.empty()) g[name] = {{"n", t.problems}, {"accuracy", t.majority / t.problems}, {"pass_at_1", t.pass1 / t.problems}};
    return g;
}

void print_report(const SuiteRun& run, int samples, const SamplerParams& sp) {
    const Tally& total = run.total;
    const double n = total.problems;
    if (run.groups.size() > 1 || !run.groups.begin()->first.empty()) {
        std::printf("%-28s %6s %9s %9s\n", "group", "n", "accuracy", "pass@1");
        for (const auto& [name, t] : run.groups)
            std::printf("%-28s %6d %8.1f%% %8.1f%%\n", name.empty() ? "(none)" : name.c_str(), t.problems,
                        100.0 * t.majority / t.problems, 100.0 * t.pass1 / t.problems);
        std::puts("");
    }
    std::printf("problems     %d x %d sample%s (temperature %.2f, top-p %.2f)\n", total.problems, samples,
                samples == 1 ? "" : "s", static_cast<double>(sp.temperature), static_cast<double>(sp.top_p));
    std::printf("accuracy     %.1f%%%s\n", 100.0 * total.majority / n, samples > 1 ? " (majority vote)" : "");
    std::printf("pass@1       %.1f%%\n", 100.0 * total.pass1 / n);
    if (samples > 1) std::printf("pass@%d       %.1f%%\n", samples, 100.0 * total.passk / n);
    std::printf("tokens       %.1f reasoning, %.1f answer per sample (mean)\n", run.mean_reasoning_tokens(),
                run.mean_answer_tokens());
    if (run.thoughts_ended || run.loops)
        std::printf("thinking     %lld thought%s ended by the engine, %lld loop%s detected\n", run.thoughts_ended,
                    run.thoughts_ended == 1 ? "" : "s", run.loops, run.loops == 1 ? "" : "s");
    std::printf("speed        %.0f tokens/s generated, %.1f s in all\n", run.tokens_per_s(), run.wall_s);
    if (run.failed_samples)
        std::printf("failed       %lld sample%s: the server kept failing (counted wrong)\n", run.failed_samples,
                    run.failed_samples == 1 ? "" : "s");
}

} // namespace

int cmd_eval(const std::vector<std::string>& argv) {
    std::set<std::string> options = kModelOptions;
    options.insert(kSamplerOptions.begin(), kSamplerOptions.end());
    options.insert({"suite", "samples", "max-tokens", "limit", "think-budgets", "plot"});
    options.insert(kThinkingOptions.begin(), kThinkingOptions.end());
    options.insert(kRemoteOptions.begin(), kRemoteOptions.end());
    std::set<std::string> flags = {"json", "quiet"};
    flags.insert(kThinkingFlags.begin(), kThinkingFlags.end());
    Args args(argv, flags, options);
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
    const int samples = parse_int(args, "samples", 1);
    if (samples < 1) throw UsageError("--samples must be at least 1");
    const int max_tokens = parse_int(args, "max-tokens", -1);
    if (args.has("max-tokens") && max_tokens < 1) throw UsageError("--max-tokens must be at least 1");
    if (args.has("think-budgets") && args.has("think-budget"))
        throw UsageError("give --think-budget (one run) or --think-budgets (a curve), not both");
    if (args.has("plot") && !args.has("think-budgets")) throw UsageError("--plot draws the curve of --think-budgets");
    if (args.has("plot")) check_plot_path(args.get("plot"));  // before hours of evaluation, not after
    const std::vector<int> budgets = args.has("think-budgets") ? parse_budget_list(args.get("think-budgets")) : std::vector<int>{};
    std::vector<Problem> suite = read_suite(args.require("suite"));
    const int limit = parse_int(args, "limit", static_cast<int>(suite.size()));
    if (limit < 1) throw UsageError("--limit must be at least 1");
    if (static_cast<size_t>(limit) < suite.size()) suite.resize(static_cast<size_t>(limit));

    // One sample is graded greedily unless a temperature is given; several follow R1's method
    // (temperature 0.6, top-p 0.95: the sampler's defaults).
    SamplerParams sp = sampler_from_args(args);
    if (!args.has("temp") && samples == 1) sp.temperature = 0;
    const uint64_t base_seed = sp.seed;
    const bool json = args.has("json"), quiet = args.has("quiet");
    if (samples > 1 && sp.temperature == 0 && !quiet)
        std::fputs("ponder: warning: --samples > 1 at temperature 0 gives identical samples\n", stderr);
    ThinkingOptions thinking = thinking_from_args(args);  // the curve sets its budget per run

    // The engine that answers: the local model, or a server with --provider / --base-url.
    AnswerFn answer;
    Loaded l;
    std::unique_ptr<RemoteClient> client;
    if (is_remote(args)) {
        client = std::make_unique<RemoteClient>(args);
        check_remote_thinking(args, client->provider());
        if (!budgets.empty()) check_remote_thinking_budget(client->provider());
        answer = remote_answer(*client, sp, max_tokens, thinking, quiet);
    } else {
        l = load_model_and_session(args, quiet);
        answer = [&l, &sp, &thinking, max_tokens](const std::string& prompt_text, uint64_t seed) {
            const Tokenizer& tok = model_tokenizer(*l.model);
            GenerateOptions go;
            go.n_predict = max_tokens;
            go.thinking = thinking;
            std::vector<int32_t> prompt = prompt_tokens(*l.model, prompt_text, false, go.prompt_opens_think);
            go.sampler = sp;
            go.sampler.seed = seed;
            GenerateResult r = l.session->generate(prompt, go, nullptr);
            if (r.reason == StopReason::Error) throw CommandError(r.error);
            Sample s;
            s.generated_tokens = static_cast<int>(r.tokens.size());
            s.reasoning_tokens = r.stats.reasoning_tokens;
            s.completion = tok.decode(r.tokens, /*render_special=*/true);
            s.answer_text = final_answer_text(s.completion, go.prompt_opens_think);
            s.generation_ms = r.stats.generation_ms;
            s.reason = r.reason;
            s.forced = r.forced;
            return s;
        };
    }

    if (!budgets.empty()) {
        std::vector<CurvePoint> curve;
        for (int budget : budgets) {
            thinking.budget = budget;
            const std::string label = "budget " + eval::budget_name(budget) + " ";
            SuiteRun run = run_suite(suite, answer, samples, base_seed, quiet, label);
            curve.push_back({budget, run.total.majority / run.total.problems, run.total.pass1 / run.total.problems,
                             run.mean_reasoning_tokens(), run.mean_answer_tokens(), run.thoughts_ended, run.loops});
        }
        if (args.has("plot")) write_curve_plot(args.get("plot"), curve, args.require("suite"), static_cast<int>(suite.size()));
        if (json) {
            ojson j;
            j["n"] = suite.size();
            j["samples"] = samples;
            j["temperature"] = sp.temperature;
            j["suite"] = args.require("suite");
            j["curve"] = eval::curve_json(curve);
            std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        } else {
            print_curve(curve);
        }
        return 0;
    }

    const SuiteRun run = run_suite(suite, answer, samples, base_seed, quiet, "");
    if (json) {
        const double n = run.total.problems;
        ojson j;
        j["n"] = run.total.problems;
        j["samples"] = samples;
        j["temperature"] = sp.temperature;
        j["top_p"] = sp.top_p;
        j["accuracy"] = run.total.majority / n;
        j["pass_at_1"] = run.total.pass1 / n;
        j["pass_at_k"] = run.total.passk / n;
        j["mean_reasoning_tokens"] = run.mean_reasoning_tokens();
        j["mean_answer_tokens"] = run.mean_answer_tokens();
        j["thoughts_ended"] = run.thoughts_ended;
        j["loops_detected"] = run.loops;
        j["tokens_per_s"] = run.tokens_per_s();
        j["wall_s"] = run.wall_s;
        j["failed_samples"] = run.failed_samples;
        j["groups"] = groups_json(run);
        j["problems"] = run.problems;
        std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return 0;
    }
    print_report(run, samples, sp);
    return 0;
}

} // namespace ponder::cli
