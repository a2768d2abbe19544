// The JSON body of a chat completion request, built for the server it goes to. Earlier answers go
// without their reasoning (DeepSeek answers 400 to reasoning_content in input, and R1 was trained
// without it); parameters a model ignores or rejects are left out. Plain C++, no Qt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ponder::remote {

struct RequestMessage {
    std::string role;     // "system", "user", "assistant"
    std::string content;  // answers: the answer only
};

struct RequestSampling {
    std::optional<double> temperature, top_p, min_p;
    std::optional<int> top_k;
    std::optional<int> max_tokens;
    std::optional<uint64_t> seed;
    // Tokens of thought before the server ends it; sent only to servers that take one
    // (ProviderPreset::thinking_budget_field), others think as long as they like.
    std::optional<int> thinking_budget;
};

struct ChatRequestSpec {
    std::string preset_id;  // decides which parameters are sent
    std::string model;
    std::vector<RequestMessage> messages;
    RequestSampling sampling;
    bool stream = true;
};

// The request body. Consecutive messages of the same role are joined (DeepSeek's reasoner
// refuses them; they appear when an answer failed and the user asked again).
std::string build_chat_request(const ChatRequestSpec& spec);

} // namespace ponder::remote
