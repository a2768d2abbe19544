// ponder-cli run: one prompt, streamed to the terminal or returned as one JSON object.
#include "args.h"
#include "commands.h"
#include "conversation_saver.h"
#include "generation.h"
#include "remote_generation.h"

#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::cli {

namespace {
Session* g_running = nullptr;  // for the SIGINT handler: Session::cancel only stores an atomic flag
void on_sigint(int) {
    if (g_running) g_running->cancel();
}
// --json's one line: the result, and where it was saved when it was.
void print_json(nlohmann::ordered_json& j, const ConversationSaver* saver) {
    if (saver) {
        j["conversation_id"] = saver->conversation_id();
        j["message_id"] = saver->answer_id();
    }
    std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

// --provider / --base-url: the same command against a server.
int run_remote(const Args& args, const std::string& text, bool json) {
    if (args.has("raw")) throw UsageError("--raw needs a local model: a server applies its own chat template");
    for (const char* local : {"threads", "ctx", "backend", "simd", "cache-type", "repeat-penalty", "repeat-last-n"})
        if (args.has(local)) throw UsageError(std::string("--") + local + " is for local models, not with --provider/--base-url");
    RemoteClient client(args);
    check_remote_thinking(args, client.provider());
    std::unique_ptr<ConversationSaver> saver = ConversationSaver::from_args(args);
    const remote::RequestSampling sampling = remote_sampling_from_args(args);
    if (saver) {
        saver->set_settings({client.model(), client.provider(), "", remote_sampling_json(sampling)});
        saver->begin_turn(text, client.model());
    }
    StreamPrinter printer;
    RemoteResult r = client.generate({{"user", text}}, sampling, [&](bool reasoning, const std::string& piece) {
        Event e = remote_piece_event(reasoning, piece);
        if (!json) printer.piece(e);
        if (saver) saver->piece(e);
    });
    if (!json && printer.printed()) printer.finish();
    if (saver) saver->finish(remote_generate_result(r));
    if (!args.has("quiet") && r.reason != StopReason::Error) {
        std::string tokens = r.usage.completion_tokens < 0 ? std::string("no usage reported")
                                                           : std::to_string(r.usage.completion_tokens) + " tokens";
        if (r.usage.reasoning_tokens >= 0) tokens += " (" + std::to_string(r.usage.reasoning_tokens) + " reasoning)";
        std::fprintf(stderr, "ponder: %s, first text after %.0f ms, %s, %.0f ms in all, stop: %s\n", client.describe().c_str(),
                     r.first_token_ms, tokens.c_str(), r.total_ms, stop_reason_name(r.reason));
    }
    if (json) {
        nlohmann::ordered_json j = remote_result_json(r, client);
        print_json(j, saver.get());
    }
    if (r.reason == StopReason::Error) throw CommandError(r.error);
    return 0;
}

} // namespace

int cmd_run(const std::vector<std::string>& argv) {
    std::set<std::string> options = kModelOptions;
    options.insert(kSamplerOptions.begin(), kSamplerOptions.end());
    options.insert({"prompt", "prompt-file", "n-predict"});
    options.insert(kThinkingOptions.begin(), kThinkingOptions.end());
    options.insert(kSaveOptions.begin(), kSaveOptions.end());
    options.insert(kRemoteOptions.begin(), kRemoteOptions.end());
    std::set<std::string> flags = {"raw", "json", "quiet"};
    flags.insert(kThinkingFlags.begin(), kThinkingFlags.end());
    flags.insert(kSaveFlags.begin(), kSaveFlags.end());
    Args args(argv, flags, options);
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
    if (args.has("prompt") == args.has("prompt-file")) throw UsageError("give exactly one of --prompt or --prompt-file");
    std::string text = args.has("prompt") ? args.get("prompt") : read_text_file(args.get("prompt-file"));
    GenerateOptions go;
    go.sampler = sampler_from_args(args);
    go.n_predict = parse_int(args, "n-predict", -1);
    go.thinking = thinking_from_args(args);
    const bool json = args.has("json");
    if (is_remote(args)) return run_remote(args, text, json);
    if (args.has("raw") && (args.has("db") || args.has("save")))
        throw UsageError("--raw text is not a conversation; it cannot be saved with --db or --save");
    std::unique_ptr<ConversationSaver> saver = ConversationSaver::from_args(args);  // before the long model load

    Loaded l = load_model_and_session(args, args.has("quiet"));
    std::vector<int32_t> prompt = prompt_tokens(*l.model, text, args.has("raw"), go.prompt_opens_think);
    if (saver) {
        saver->set_settings({model_file_name(args), "local", "", sampling_json(go.sampler)});
        saver->begin_turn(text, model_file_name(args));
    }

    StreamPrinter printer;
    auto on_event = [&](const Event& e) {
        if (!json) printer.piece(e);  // errors are reported once, by the CommandError below
        if (saver) saver->piece(e);
    };
    g_running = l.session.get();
    std::signal(SIGINT, on_sigint);
    GenerateResult r = l.session->generate(prompt, go, on_event);
    std::signal(SIGINT, SIG_DFL);
    g_running = nullptr;
    if (!json && printer.printed()) printer.finish();
    if (saver) saver->finish(r);
    const GenerationStats& st = r.stats;
    if (!args.has("quiet") && r.reason != StopReason::Error)
        std::fprintf(stderr, "ponder: prompt %d tokens (%d evaluated) in %.0f ms, %d tokens in %.0f ms (%.1f tok/s), stop: %s\n",
                     st.prompt_tokens, st.prompt_evaluated, st.prompt_ms, st.generated_tokens, st.generation_ms,
                     st.generation_ms > 0 ? 1000.0 * st.generated_tokens / st.generation_ms : 0.0, stop_reason_name(r.reason));
    if (json) {
        nlohmann::ordered_json j;
        j["prompt_tokens"] = prompt;
        j["tokens"] = r.tokens;
        std::string text_out = model_tokenizer(*l.model).decode(r.tokens);
        j["text"] = text_out;
        j["reasoning"] = r.reasoning;
        j["answer"] = r.answer;
        j["stop_reason"] = stop_reason_name(r.reason);
        j["timings"] = {{"prompt_ms", st.prompt_ms},
                        {"prompt_tokens", st.prompt_tokens},
                        {"generation_ms", st.generation_ms},
                        {"generated_tokens", st.generated_tokens},
                        {"first_token_ms", st.first_token_ms}};
        j["reasoning_tokens"] = st.reasoning_tokens;
        j["forced"] = nlohmann::ordered_json::parse(forced_actions_to_json(r.forced));
        if (!r.error.empty()) j["error"] = r.error;
        print_json(j, saver.get());
    }
    if (r.reason == StopReason::Error) throw CommandError(r.error);
    return 0;
}

} // namespace ponder::cli
