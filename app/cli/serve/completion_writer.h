// One chat completion's response, built from the engine's events: OpenAI's chat.completion object,
// or a stream of chat.completion.chunk events with the thought in `reasoning_content` and the
// answer in `content`, as DeepSeek's API sends them. Plain data in, HTTP bytes out: no sockets,
// no threads, so the formatting is testable on its own.
#pragma once

#include "stop_matcher.h"

#include "ponder/engine.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ponder::serve {

struct CompletionInfo {
    std::string id;       // "chatcmpl-..."
    int64_t created = 0;  // Unix seconds
    std::string model;
    bool stream = false;
    bool include_usage = false;
    bool chunked = true;     // HTTP/1.1 chunked framing of the stream
    bool keep_alive = true;  // of a non-streamed response
    int prompt_tokens = 0;
    std::vector<std::string> stop;
};

// What the server log reports about a finished completion.
struct CompletionSummary {
    int status = 200;
    int prompt_tokens = 0, cached_tokens = 0, completion_tokens = 0, reasoning_tokens = 0;
    std::string finish_reason;  // "stop", "length", "cancelled", "error"
};

class CompletionWriter {
public:
    explicit CompletionWriter(CompletionInfo info);

    // Streaming: the first event (the assistant role), sent when generation starts.
    std::string start();
    // Bytes to send for this event now (streaming only; a whole response is built by finish()).
    std::string on_event(const Event& e);
    // A stop string was completed: the caller cancels the generation; later events are ignored.
    bool stop_found() const { return answer_stop_.stopped(); }
    // The rest of the response: the final chunk, usage and [DONE] (streaming), or the whole
    // response (not streaming).
    std::string finish(const GenerateResult& r);
    const CompletionSummary& summary() const { return summary_; }

private:
    std::string data_event(const std::string& json_text) const;

    CompletionInfo info_;
    StopMatcher answer_stop_;
    std::string reasoning_, answer_;  // what has been sent (or, not streaming, will be)
    std::vector<ForcedAction> forced_;  // what the engine did to the thought
    CompletionSummary summary_;
};

} // namespace ponder::serve
