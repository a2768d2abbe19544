// The body of POST /v1/chat/completions, checked: JSON text in, either a ChatRequest or an
// OpenAI-style error (status, type, code, one-sentence message) out. No model, no sockets, no
// exceptions escape, so it is fuzzed on its own. Unknown fields are ignored (clients send many);
// known fields with the wrong type or range, and features the server does not have (n > 1,
// tools, logprobs, JSON mode, images), are refused rather than silently dropped.
#pragma once

#include "ponder/chat_template.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::serve {

struct ApiError {
    int status = 400;
    std::string type = "invalid_request_error";  // OpenAI's error types
    std::string code;                             // machine-readable, e.g. "invalid_json"
    std::string message;                          // one sentence a user can act on
};

struct ChatRequest {
    std::vector<ChatMessage> messages;     // roles "system", "user", "assistant"; reasoning not kept
    bool stream = false;
    bool include_usage = false;            // stream_options.include_usage
    std::optional<int> max_tokens;         // max_completion_tokens or max_tokens (reasoning included)
    std::optional<double> temperature;     // unset: the server's default (R1: 0.6)
    std::optional<double> top_p;           // unset: 0.95
    std::optional<int> top_k;
    std::optional<double> min_p;
    std::optional<double> repetition_penalty;
    std::optional<uint64_t> seed;          // unset: a fresh seed per request
    std::vector<std::string> stop;         // applied to the answer text (not the reasoning)
    // Tokens of thought before the engine ends it: 'thinking_token_budget' (vLLM's name) or
    // chat_template_kwargs.thinking_budget (SGLang's / Qwen3's); unset: reasoning_effort, then
    // the server's default.
    std::optional<int> thinking_budget;
    std::optional<std::string> reasoning_effort;  // "none", "minimal", "low", "medium", "high"
};

// Parses and checks a request body. Returns false with `error` filled when it is refused.
bool parse_chat_request(std::string_view body, ChatRequest& out, ApiError& error);

} // namespace ponder::serve
