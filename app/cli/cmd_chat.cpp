// ponder-cli chat: an interactive terminal chat. Multi-turn (earlier reasoning is not sent
// back), reasoning dimmed, Ctrl-C stops the current answer and keeps the program.
#include "args.h"
#include "commands.h"
#include "conversation_saver.h"
#include "generation.h"
#include "remote_generation.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace ponder::cli {

namespace {
// The "> " prompt and one line of input; false at Ctrl-D or an empty line (the end of the chat).
bool read_user_line(bool tty, std::string& line) {
    std::fputs(tty ? "\033[1m> \033[0m" : "> ", stdout);
    std::fflush(stdout);
    return std::getline(std::cin, line) && !line.empty();
}

Session* g_session = nullptr;
volatile std::sig_atomic_t g_generating = 0;
void on_sigint(int) {
    if (g_generating && g_session) g_session->cancel();
    else std::_Exit(130);  // Ctrl-C at the prompt leaves the program
}
// --provider / --base-url: the same chat with a server. Its template is the server's business;
// earlier answers go back without their reasoning.
int chat_remote(const Args& args) {
    RemoteClient client(args);
    check_remote_thinking(args, client.provider());
    const remote::RequestSampling sampling = remote_sampling_from_args(args);
    std::unique_ptr<ConversationSaver> saver = ConversationSaver::from_args(args);
    if (saver) saver->set_settings({client.model(), client.provider(), args.get("system"), remote_sampling_json(sampling)});
    std::vector<ChatMessage> messages;
    if (args.has("system")) messages.push_back({"system", args.get("system")});
    const bool tty = isatty(STDOUT_FILENO);
    std::signal(SIGINT, SIG_DFL);  // at the prompt Ctrl-C quits; during an answer it stops it
    std::fprintf(stderr, "Chatting with %s on %s. An empty line or Ctrl-D quits, Ctrl-C stops an answer.\n",
                 client.model().c_str(), client.describe().c_str());
    std::string line;
    for (;;) {
        if (!read_user_line(tty, line)) break;
        messages.push_back({"user", line});
        StreamPrinter printer;
        if (saver) saver->begin_turn(line, client.model());
        RemoteResult r = client.generate(messages, sampling, [&](bool reasoning, const std::string& piece) {
            Event e = remote_piece_event(reasoning, piece);
            printer.piece(e);
            if (saver) saver->piece(e);
        });
        if (r.reason == StopReason::Cancelled) std::fputs(" [stopped]", stdout);
        printer.finish();
        if (r.reason == StopReason::Error) std::fprintf(stderr, "ponder-cli: error: %s\n", r.error.c_str());
        if (saver) saver->finish(remote_generate_result(r));
        messages.push_back({"assistant", r.answer});
    }
    return 0;
}

} // namespace

int cmd_chat(const std::vector<std::string>& argv) {
    std::set<std::string> options = kModelOptions;
    options.insert(kSamplerOptions.begin(), kSamplerOptions.end());
    options.insert({"system", "n-predict"});
    options.insert(kThinkingOptions.begin(), kThinkingOptions.end());
    options.insert(kSaveOptions.begin(), kSaveOptions.end());
    options.insert(kRemoteOptions.begin(), kRemoteOptions.end());
    std::set<std::string> flags = kSaveFlags;
    flags.insert(kThinkingFlags.begin(), kThinkingFlags.end());
    Args args(argv, flags, options);
    if (is_remote(args)) return chat_remote(args);
    GenerateOptions go;
    go.sampler = sampler_from_args(args);
    go.n_predict = parse_int(args, "n-predict", -1);
    go.thinking = thinking_from_args(args);
    std::unique_ptr<ConversationSaver> saver = ConversationSaver::from_args(args);  // one conversation per chat
    if (saver) saver->set_settings({model_file_name(args), "local", args.get("system"), sampling_json(go.sampler)});
    Loaded l = load_model_and_session(args, false);
    ChatTemplateKind kind = model_chat_template(*l.model);
    if (kind == ChatTemplateKind::Unsupported) throw CommandError(model_chat_template_error(*l.model));
    ChatRenderOptions ro;
    ro.think_prefix = kind == ChatTemplateKind::DeepSeekR1;
    go.prompt_opens_think = ro.think_prefix;

    const bool tty = isatty(STDOUT_FILENO);
    std::vector<ChatMessage> messages;
    if (args.has("system")) messages.push_back({"system", args.get("system")});
    g_session = l.session.get();
    std::signal(SIGINT, on_sigint);
    std::fprintf(stderr, "Type a message; an empty line or Ctrl-D quits, Ctrl-C stops an answer.\n");
    std::string line;
    for (;;) {
        if (!read_user_line(tty, line)) break;
        messages.push_back({"user", line});
        std::vector<int32_t> prompt;
        std::string error;
        if (!chat_render_tokens(model_tokenizer(*l.model), messages, ro, prompt, error)) throw CommandError(error);
        StreamPrinter printer;
        if (saver) saver->begin_turn(line, model_file_name(args));
        g_generating = 1;
        GenerateResult r = l.session->generate(prompt, go, [&](const Event& e) {
            printer.piece(e);
            if (saver) saver->piece(e);
        });
        g_generating = 0;
        if (r.reason == StopReason::Cancelled) std::fputs(" [stopped]", stdout);
        printer.finish();
        if (r.reason == StopReason::Error) std::fprintf(stderr, "ponder-cli: error: %s\n", r.error.c_str());
        if (saver) saver->finish(r);
        // The reply joins the conversation; the template drops its reasoning in later turns.
        messages.push_back({"assistant", r.reasoning.empty() ? r.answer : "<think>\n" + r.reasoning + "</think>\n\n" + r.answer});
    }
    g_session = nullptr;
    return 0;
}

} // namespace ponder::cli
