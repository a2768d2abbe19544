// Turns the data of an OpenAI-compatible streaming chat completion (one SSE event per chunk) into
// what Ponder shows: reasoning, answer, usage, how it ended. Servers put the thought in different
// places and this is the one place that knows them:
//   delta.reasoning_content   DeepSeek's API; vLLM / SGLang with a reasoning parser
//   delta.reasoning           some servers (newer vLLM, OpenRouter-style gateways)
//   <think>...</think> inline in delta.content   servers without a parser
// Plain C++, no Qt: it is fuzzed.
#pragma once

#include "ponder/reasoning.h"

#include <cstdint>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

namespace ponder::remote {

struct Usage {
    int64_t prompt_tokens = -1;      // -1: not reported
    int64_t completion_tokens = -1;
    int64_t reasoning_tokens = -1;   // completion_tokens_details.reasoning_tokens
    int64_t cached_prompt_tokens = -1;  // DeepSeek's prompt_cache_hit_tokens / prompt_tokens_details.cached_tokens
};

// What one chunk (or the end of the stream) added.
struct StreamUpdate {
    std::string reasoning;  // text for the thinking panel
    std::string answer;     // text for the answer
    std::string finish_reason;  // "stop", "length", ... once the server says so
    std::optional<Usage> usage;
    bool done = false;      // "data: [DONE]" arrived
    std::string error;      // the server reported an error in the stream, or a chunk was malformed
    bool malformed = false; // ... the latter
};

// Decodes `message` objects of non-streamed responses too (choices[0].message).
class ChatStreamDecoder {
public:
    // inline_think_open: the server renders a template that already opened "<think>" (R1 and its
    // distills), so inline text starts as reasoning until "</think>". Only used when the server
    // sends no reasoning field.
    explicit ChatStreamDecoder(bool inline_think_open) : inline_think_open_(inline_think_open) {}

    // One SSE event's data. After an error or [DONE] further data is ignored.
    StreamUpdate push(std::string_view data);
    // The stream ended (connection closed or [DONE]): text the inline splitter held back.
    StreamUpdate finish();
    // A whole non-streamed response body ({"choices":[{"message":{...}}], "usage":...}).
    StreamUpdate decode_response(std::string_view body);

    bool saw_done() const { return done_; }
    bool saw_reasoning_field() const { return reasoning_field_; }
    const std::string& finish_reason() const { return finish_reason_; }

private:
    void content(std::string_view text, StreamUpdate& u);
    void split(std::string_view text, StreamUpdate& u);
    void flush_inline(StreamUpdate& u);

    bool inline_think_open_;
    // Created once the first inline text shows whether the model wrote "<think>" itself (older
    // templates) or the template had already opened it.
    std::optional<ReasoningSplitter> splitter_;
    std::string start_;  // inline text held until that is known
    bool reasoning_field_ = false;  // a reasoning field appeared: content is answer only
    bool inline_used_ = false;      // content went through the splitter
    bool done_ = false, failed_ = false;
    std::string finish_reason_;
};

// Readable text of an error object as servers send it: {"error":{"message":...}},
// {"error":"..."}, vLLM's {"object":"error","message":...}, FastAPI's {"detail":...}. Empty when
// `body` is none of these.
std::string error_message_from_body(std::string_view body);

} // namespace ponder::remote
