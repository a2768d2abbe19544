#include "remote/chat_request.h"

#include "remote/provider_presets.h"

#include <nlohmann/json.hpp>

namespace ponder::remote {

std::string build_chat_request(const ChatRequestSpec& spec) {
    nlohmann::ordered_json body;
    body["model"] = spec.model;
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    std::string last_role;
    for (const RequestMessage& m : spec.messages) {
        if (m.role == "assistant" && m.content.empty()) continue;  // a failed answer carries nothing
        if (!messages.empty() && m.role == last_role && m.role != "system") {
            std::string joined = messages.back()["content"].get<std::string>() + "\n\n" + m.content;
            messages.back()["content"] = joined;
            continue;
        }
        messages.push_back({{"role", m.role}, {"content", m.content}});
        last_role = m.role;
    }
    body["messages"] = std::move(messages);
    body["stream"] = spec.stream;
    // Usage arrives in a last chunk only when asked for.
    if (spec.stream) body["stream_options"] = {{"include_usage", true}};

    const RequestSampling& s = spec.sampling;
    const ProviderPreset* preset = find_preset(spec.preset_id);
    if (!model_rejects_sampling(spec.preset_id, spec.model)) {
        if (s.temperature) body["temperature"] = *s.temperature;
        if (s.top_p) body["top_p"] = *s.top_p;
        if (s.seed) body["seed"] = *s.seed;
        if (preset && preset->accepts_extended_sampling) {
            if (s.top_k && *s.top_k > 0) body["top_k"] = *s.top_k;
            if (s.min_p && *s.min_p > 0) body["min_p"] = *s.min_p;
        }
    }
    if (s.max_tokens && *s.max_tokens > 0) body["max_tokens"] = *s.max_tokens;
    if (s.thinking_budget && *s.thinking_budget >= 0 && preset && !preset->thinking_budget_field.empty())
        body[preset->thinking_budget_field] = *s.thinking_budget;
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace ponder::remote
