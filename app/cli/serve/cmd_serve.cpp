// ponder-cli serve: Ponder's engine behind an OpenAI-compatible HTTP API (chat completions with
// DeepSeek's reasoning_content, models, health). Listens on 127.0.0.1 unless an API key is set.
#include "../args.h"
#include "../commands.h"
#include "../generation.h"
#include "api.h"
#include "listen_socket.h"
#include "server.h"

#include "../scaling_curve.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace ponder::cli {

int cmd_serve(const std::vector<std::string>& argv) {
    std::set<std::string> options = kModelOptions;
    options.insert({"host", "port", "api-key-env", "queue", "max-body", "name", "keep-alive", "max-connections",
                    "request-timeout", "effort-budgets"});
    options.insert(kThinkingOptions.begin(), kThinkingOptions.end());
    Args args(argv, kThinkingFlags, options);
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");

    serve::ServeOptions so;
    so.host = args.get("host", "127.0.0.1");
    so.port = parse_int(args, "port", 8080);
    if (so.port < 0 || so.port > 65535) throw UsageError("--port must be between 0 and 65535");
    int queue = parse_int(args, "queue", 16), max_body = parse_int(args, "max-body", 1 << 20);
    int max_connections = parse_int(args, "max-connections", 256);
    if (queue < 0) throw UsageError("--queue must be 0 or more");
    if (max_body < 1) throw UsageError("--max-body must be at least 1 byte");
    if (max_connections < 1) throw UsageError("--max-connections must be at least 1");
    so.max_waiting = static_cast<size_t>(queue);
    so.limits.max_body_bytes = static_cast<size_t>(max_body);
    so.max_connections = static_cast<size_t>(max_connections);
    so.keep_alive_s = parse_double(args, "keep-alive", 5);
    if (!(so.keep_alive_s > 0)) throw UsageError("--keep-alive must be a positive number of seconds");
    so.request_timeout_s = so.write_timeout_s = parse_double(args, "request-timeout", 30);
    if (!(so.request_timeout_s > 0)) throw UsageError("--request-timeout must be a positive number of seconds");

    // The key comes from the environment, so it is not visible in `ps` or shell history.
    serve::ApiConfig config;
    if (args.has("api-key-env")) {
        const std::string var = args.get("api-key-env");
        const char* key = std::getenv(var.c_str());
        if (!key || !*key) throw UsageError("--api-key-env " + var + ": that environment variable is not set or empty");
        config.api_key = key;
    }
    // Anything but loopback exposes the model (and the machine's time) to the network: only with a key.
    bool loopback = false;
    std::string error;
    if (!serve::host_is_loopback(so.host, loopback, error)) throw CommandError(error);
    if (!loopback && config.api_key.empty())
        throw UsageError("refusing to listen on " + so.host +
                         ", which is not a loopback address, without an API key; set one with --api-key-env VAR");

    Loaded l = load_model_and_session(args, false);
    if (model_chat_template(*l.model) == ChatTemplateKind::Unsupported) throw CommandError(model_chat_template_error(*l.model));
    std::filesystem::path file(model_path(args));
    config.model_name = args.get("name", file.extension() == ".gguf" ? file.stem().string() : file.filename().string());
    config.n_ctx = l.session->n_ctx();
    config.listen_host = so.host;
    config.thinking = thinking_from_args(args);
    if (args.has("effort-budgets")) {
        const std::vector<int> b = parse_budget_list(args.get("effort-budgets"), "--effort-budgets");
        if (b.size() != 3) throw UsageError("--effort-budgets takes three budgets: LOW,MEDIUM,HIGH (e.g. 1024,4096,unlimited)");
        config.effort_low = b[0];
        config.effort_medium = b[1];
        config.effort_high = b[2];
    }

    serve::Api api(*l.model, config);
    serve::Server server(api, *l.session, so);
    if (!server.listen(error)) throw CommandError(error);
    std::fprintf(stderr, "ponder-cli serve: listening on %s\n", server.url().c_str());
    std::fflush(stderr);
    server.run();
    return 0;
}

} // namespace ponder::cli
