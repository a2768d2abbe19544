// ponder-cli against a remote OpenAI-compatible server instead of a local model file:
//   --provider deepseek|vllm|sglang|ollama|lmstudio   a preset (its usual address and key variable)
//   --base-url URL                                    any server (with or without a trailing /v1)
//   --api-key-env VAR                                 the key is read from $VAR, never from a flag
//   --model NAME                                      the server's model id
// Used by run, chat and eval so they behave the same as with a local model.
#pragma once

#include "args.h"
#include "ponder/engine.h"
#include "remote/chat_request.h"
#include "remote/chat_stream_decoder.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <vector>

namespace ponder::cli {

inline const std::set<std::string> kRemoteOptions = {"provider", "base-url", "api-key-env"};

// Whether the command talks to a server (--provider or --base-url given).
bool is_remote(const Args& args);

struct RemoteResult {
    std::string reasoning, answer;
    StopReason reason = StopReason::None;  // Eos, Length, Cancelled or Error
    std::string error;                     // one line, for Error
    int http_status = 0;
    remote::Usage usage;
    double first_token_ms = -1, total_ms = 0;
    int retries = 0;
};

class RemoteClient {
public:
    // Resolves the endpoint, key and model from the flags; throws UsageError for a bad combination
    // (no model, a preset that needs a key without one, plain http to a public host, ...).
    explicit RemoteClient(const Args& args);
    ~RemoteClient();

    // One streamed answer to `messages` (answers only, no reasoning). `on_piece` gets each text
    // piece as it arrives. Ctrl-C (SIGINT) cancels it: the reason is then Cancelled.
    RemoteResult generate(const std::vector<ChatMessage>& messages, const remote::RequestSampling& sampling,
                          const std::function<void(bool reasoning, const std::string& text)>& on_piece);

    const std::string& model() const { return model_; }
    const std::string& provider() const { return provider_; }  // preset id, or "custom"
    std::string describe() const;  // "DeepSeek (https://api.deepseek.com)" for logs

private:
    struct State;
    std::unique_ptr<State> s_;
    std::string model_, provider_;
};

// The sampling flags the user gave (--temp, --top-p, --top-k, --min-p, --seed), and --n-predict
// as max_tokens: only what was asked for is sent, so the server's defaults apply otherwise.
remote::RequestSampling remote_sampling_from_args(const Args& args);
// Reasoning control against a server: only --think-budget, and only where the server takes one
// (vLLM); the engine-side flags (--think-min, --loop-stop, ...) are refused with the reason.
void check_remote_thinking(const Args& args, const std::string& preset_id);
void check_remote_thinking_budget(const std::string& preset_id);  // UsageError unless the server takes one

// The sampling a conversation records ({"temperature":..} with only what was sent).
std::string remote_sampling_json(const remote::RequestSampling& s);
// run --json's object for a remote answer: the local keys (reasoning, answer, stop_reason,
// timings) without token ids, plus provider, model, usage and, on failure, error / http_status.
nlohmann::ordered_json remote_result_json(const RemoteResult& r, const RemoteClient& client);

// Events as the local engine emits them, so the conversation saver and printer work unchanged.
Event remote_piece_event(bool reasoning, const std::string& text);
GenerateResult remote_generate_result(const RemoteResult& r);

} // namespace ponder::cli
