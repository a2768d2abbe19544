// The OpenAI-compatible API: one parsed HTTP request in, either a complete response or a chat
// completion job for the worker out. Routing, the API key, request checking and the prompt (the
// model's chat template, its length against the context) live here; sockets do not.
#pragma once

#include "generation_worker.h"
#include "http_request.h"

#include "ponder/engine.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "ponder/thinking.h"

namespace ponder::serve {

struct ApiConfig {
    std::string model_name;  // the id /v1/models reports and responses carry
    std::string api_key;     // empty: no key required, and only local requests (see local_origin.h)
    std::string listen_host; // --host: a Host header naming it is local too
    int n_ctx = 0;           // the session's context, in tokens
    // Reasoning control for every request (--think-budget, --loop-stop, ...): a request's own
    // budget or reasoning_effort replaces the budget.
    ThinkingOptions thinking;
    // reasoning_effort "low" / "medium" / "high" as thinking budgets (-1: no budget); "none" and
    // "minimal" are 0. --effort-budgets LOW,MEDIUM,HIGH.
    int effort_low = 1024, effort_medium = 4096, effort_high = -1;
};

struct ApiReply {
    int status = 200;                       // for the log
    std::string bytes;                      // the whole response, unless `job` is set
    std::shared_ptr<GenerationJob> job;     // a completion to queue (its response comes from the worker)
    bool close = false;                     // close the connection after `bytes`
};

class Api {
public:
    Api(const Model& model, ApiConfig config);

    ApiReply handle(const HttpRequest& request, uint64_t connection);
    // The 503 for a job the queue had no room for.
    ApiReply queue_full(const GenerationJob& job, size_t waiting) const;
    // An error response for a request the parser refused (always closes the connection).
    static ApiReply parse_error(int status, const std::string& message);

private:
    bool authorized(const HttpRequest& request) const;
    // Without a key: the 403 for a request that is not from a local program (rebinding, web pages).
    bool foreign(const HttpRequest& request, ApiReply& refusal) const;
    ApiReply chat_completion(const HttpRequest& request, uint64_t connection);
    static ApiReply error(int status, std::string type, std::string code, std::string message, bool keep_alive,
                          std::string extra_headers = {});

    const Model& model_;
    ApiConfig config_;
    ChatRenderOptions render_;
    uint64_t next_job_ = 1;
    std::mt19937_64 rng_;  // completion ids and seeds of requests that give none
};

} // namespace ponder::serve
