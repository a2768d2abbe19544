#include "api.h"

#include "chat_request.h"
#include "http_response.h"
#include "local_origin.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace ponder::serve {

namespace {

// Equal in time that depends only on the key's length, so response times leak nothing of it.
bool constant_time_equal(std::string_view given, std::string_view key) {
    unsigned diff = given.size() != key.size() ? 1u : 0u;
    for (size_t i = 0; i < key.size(); i++)
        diff |= static_cast<unsigned char>(key[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

std::string json_text(const nlohmann::ordered_json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; }

// A path or header to quote in a message: bounded, so a huge one does not make a huge error.
std::string quoted_path(std::string_view path) {
    return "'" + std::string(path.substr(0, 100)) + (path.size() > 100 ? "...'" : "'");
}

} // namespace

Api::Api(const Model& model, ApiConfig config) : model_(model), config_(std::move(config)), rng_(std::random_device{}()) {
    render_.think_prefix = model_chat_template(model) == ChatTemplateKind::DeepSeekR1;
}

ApiReply Api::error(int status, std::string type, std::string code, std::string message, bool keep_alive,
                    std::string extra_headers) {
    ApiError e{status, std::move(type), std::move(code), std::move(message)};
    return ApiReply{status, http_error_response(e, keep_alive, extra_headers), nullptr, !keep_alive};
}

ApiReply Api::parse_error(int status, const std::string& message) {
    const char* code = status == 413 ? "body_too_large" : status == 411 ? "length_required" : status == 408 ? "request_timeout"
                     : status == 431 ? "headers_too_large" : status == 505 ? "http_version_not_supported"
                     : status == 501 ? "not_implemented" : status == 417 ? "expectation_failed" : "bad_request";
    return error(status, "invalid_request_error", code, message, false);
}

ApiReply Api::queue_full(const GenerationJob& job, size_t waiting) const {
    return error(503, "server_error", "queue_full",
                 "The server is busy with " + std::to_string(waiting) + " requests waiting; retry in a moment.",
                 job.info.keep_alive && job.info.chunked, "Retry-After: 1\r\n");
}

bool Api::authorized(const HttpRequest& request) const {
    if (config_.api_key.empty()) return true;
    const std::string* h = request.header("authorization");
    if (!h || h->size() < 7) return false;
    std::string scheme = h->substr(0, 7);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "bearer ") return false;
    std::string_view key = std::string_view(*h).substr(7);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    return constant_time_equal(key, config_.api_key);
}

// Without a key, loopback is the only protection, and a browser can reach loopback on behalf of
// any web page: a rebound name in Host, or a cross-site Origin, is refused on every path. With a
// key the key decides: a page cannot send it (no CORS), and a LAN client names a LAN host.
bool Api::foreign(const HttpRequest& request, ApiReply& refusal) const {
    if (!config_.api_key.empty()) return false;
    const bool keep = request.keep_alive();
    const std::string* host = request.header("host");  // none: HTTP/1.0, never a browser
    if (host && !host_header_is_local(*host, config_.listen_host)) {
        refusal = error(403, "permission_error", "host_not_allowed",
                        "The Host header names " + quoted_path(*host) +
                            ", not this machine; without an API key this server answers only requests for localhost, "
                            "127.0.0.1 or [::1] (a guard against DNS rebinding).", keep);
        return true;
    }
    const std::string* origin = request.header("origin");
    if (origin && !origin_is_local(*origin)) {
        refusal = error(403, "permission_error", "origin_not_allowed",
                        "Requests from the web page at " + quoted_path(*origin) +
                            " are refused; without an API key this server answers only programs on this machine and "
                            "pages served from localhost (set one with --api-key-env to allow others).", keep);
        return true;
    }
    return false;
}

ApiReply Api::handle(const HttpRequest& request, uint64_t connection) {
    const bool keep = request.keep_alive();
    const std::string_view path = request.path();
    const bool get = request.method == "GET";
    if (ApiReply refusal; foreign(request, refusal)) return refusal;
    // /health stays open so a supervisor can probe the server without the key.
    if (path != "/health" && !authorized(request)) {
        bool sent = request.header("authorization") != nullptr;
        return error(401, "authentication_error", "invalid_api_key",
                     sent ? "The API key is not valid." : "This server needs an API key, sent as 'Authorization: Bearer KEY'.", keep);
    }
    auto wrong_method = [&](const char* allowed) {
        return error(405, "invalid_request_error", "method_not_allowed",
                     std::string("Use ") + allowed + " for " + quoted_path(path) + ", not " + request.method + ".", keep,
                     std::string("Allow: ") + allowed + "\r\n");
    };
    nlohmann::ordered_json model{{"id", config_.model_name}, {"object", "model"}, {"created", 0}, {"owned_by", "ponder"}};
    if (path == "/health") {
        if (!get) return wrong_method("GET");
        return ApiReply{200, http_response(200, "application/json", "{\"status\":\"ok\"}\n", keep), nullptr, !keep};
    }
    if (path == "/v1/models") {
        if (!get) return wrong_method("GET");
        nlohmann::ordered_json list{{"object", "list"}, {"data", nlohmann::ordered_json::array({model})}};
        return ApiReply{200, http_response(200, "application/json", json_text(list), keep), nullptr, !keep};
    }
    if (path.substr(0, 11) == "/v1/models/") {
        if (!get) return wrong_method("GET");
        if (path.substr(11) != config_.model_name)
            return error(404, "invalid_request_error", "model_not_found",
                         "The model " + quoted_path(path.substr(11)) + " does not exist; this server has '" + config_.model_name + "'.", keep);
        return ApiReply{200, http_response(200, "application/json", json_text(model), keep), nullptr, !keep};
    }
    if (path == "/v1/chat/completions") {
        if (request.method != "POST") return wrong_method("POST");
        return chat_completion(request, connection);
    }
    return error(404, "invalid_request_error", "not_found",
                 "There is no endpoint " + quoted_path(path) + "; this server has /v1/chat/completions, /v1/models and /health.", keep);
}

ApiReply Api::chat_completion(const HttpRequest& request, uint64_t connection) {
    const bool keep = request.keep_alive();
    ChatRequest chat;
    ApiError e;
    if (!parse_chat_request(request.body, chat, e)) return error(e.status, e.type, e.code, e.message, keep);
    std::vector<int32_t> prompt;
    std::string render_error;
    if (!chat_render_tokens(model_tokenizer(model_), chat.messages, render_, prompt, render_error))
        return error(500, "server_error", "template_failed", render_error, keep);
    const int n_prompt = static_cast<int>(prompt.size()), n_ctx = config_.n_ctx;
    if (n_prompt >= n_ctx)
        return error(400, "invalid_request_error", "context_length_exceeded",
                     "The prompt is " + std::to_string(n_prompt) + " tokens, too many tokens for the context of " +
                         std::to_string(n_ctx) + "; shorten the conversation.", keep);
    if (chat.max_tokens && static_cast<int64_t>(n_prompt) + *chat.max_tokens > n_ctx)
        return error(400, "invalid_request_error", "context_length_exceeded",
                     "The prompt is " + std::to_string(n_prompt) + " tokens and max_tokens asks for " +
                         std::to_string(*chat.max_tokens) + " more, too many tokens for the context of " +
                         std::to_string(n_ctx) + "; shorten the conversation or lower max_tokens.", keep);

    auto job = std::make_shared<GenerationJob>();
    job->id = next_job_++;
    job->connection = connection;
    job->prompt = std::move(prompt);
    job->received = std::chrono::steady_clock::now();
    SamplerParams& p = job->options.sampler;  // R1's recommendation (0.6 / 0.95) unless the request says
    if (chat.temperature) p.temperature = static_cast<float>(*chat.temperature);
    if (chat.top_p) {
        if (*chat.top_p == 0) p.temperature = 0;  // keep only the most likely token: greedy
        else p.top_p = static_cast<float>(*chat.top_p);
    }
    if (chat.top_k) p.top_k = *chat.top_k;
    if (chat.min_p) p.min_p = static_cast<float>(*chat.min_p);
    if (chat.repetition_penalty) p.repeat_penalty = static_cast<float>(*chat.repetition_penalty);
    p.seed = chat.seed ? *chat.seed : rng_();  // without a seed, two requests may differ, as with any API
    job->options.n_predict = chat.max_tokens ? *chat.max_tokens : -1;
    job->options.prompt_opens_think = render_.think_prefix;
    job->options.thinking = config_.thinking;
    if (chat.thinking_budget) {
        job->options.thinking.budget = *chat.thinking_budget;
    } else if (chat.reasoning_effort) {
        const std::string& effort = *chat.reasoning_effort;
        job->options.thinking.budget = effort == "low"      ? config_.effort_low
                                     : effort == "medium" ? config_.effort_medium
                                     : effort == "high"   ? config_.effort_high
                                                          : 0;  // none, minimal
    }

    CompletionInfo& info = job->info;
    char id[40];
    std::snprintf(id, sizeof id, "chatcmpl-%016llx", static_cast<unsigned long long>(rng_()));
    info.id = id;
    info.created = static_cast<int64_t>(std::time(nullptr));
    info.model = config_.model_name;
    info.stream = chat.stream;
    info.include_usage = chat.include_usage;
    info.chunked = request.minor_version >= 1;  // HTTP/1.0 has no chunks: the stream ends at close
    info.keep_alive = keep && (!chat.stream || info.chunked);
    info.prompt_tokens = n_prompt;
    info.stop = std::move(chat.stop);
    bool close = !info.keep_alive;
    return ApiReply{200, {}, std::move(job), close};
}

} // namespace ponder::serve
