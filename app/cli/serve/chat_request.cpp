#include "chat_request.h"

#include <algorithm>

#include <cmath>
#include <nlohmann/json.hpp>

namespace ponder::serve {

using nlohmann::json;

namespace {

constexpr size_t kMaxStops = 16;          // OpenAI allows 4; a few more cost nothing
constexpr size_t kMaxStopBytes = 256;     // each; the matcher holds back up to this much text

// Fills `error` and returns false, so checks read `if (...) return refuse(...)`.
struct Refuser {
    ApiError& error;
    bool operator()(std::string code, std::string message) const {
        error = ApiError{400, "invalid_request_error", std::move(code), std::move(message)};
        return false;
    }
};

// A JSON integer, or a float with an integral value (some clients write 100.0).
bool as_integer(const json& v, int64_t& out) {
    if (v.is_number_integer()) {
        out = v.get<int64_t>();  // unsigned values past int64 wrap to negative and fail range checks
        return !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX));
    }
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
            out = static_cast<int64_t>(d);
            return true;
        }
    }
    return false;
}

// A message's content: a string, or an array of {"type":"text","text":...} parts joined by newlines.
bool content_text(const json& content, const std::string& role, std::string& out, const Refuser& refuse) {
    if (content.is_string()) {
        out = content.get<std::string>();
        return true;
    }
    if (content.is_null() && role == "assistant") {  // an assistant turn that only called tools
        out.clear();
        return true;
    }
    if (!content.is_array()) return refuse("invalid_type", "A message's content must be a string or an array of text parts.");
    out.clear();
    for (const json& part : content) {
        if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
            return refuse("invalid_type", "Each content part must be an object with a string 'type'.");
        std::string type = part["type"].get<std::string>();
        if (type != "text")
            return refuse("unsupported_content", "Content parts of type '" + type + "' are not supported; this model reads text only.");
        if (!part.contains("text") || !part["text"].is_string())
            return refuse("invalid_type", "A text content part needs a string 'text'.");
        if (!out.empty()) out += '\n';
        out += part["text"].get<std::string>();
    }
    return true;
}

bool parse_messages(const json& body, ChatRequest& out, const Refuser& refuse) {
    if (!body.contains("messages")) return refuse("missing_messages", "The request needs a 'messages' array.");
    const json& messages = body["messages"];
    if (!messages.is_array()) return refuse("invalid_type", "'messages' must be an array.");
    if (messages.empty()) return refuse("missing_messages", "'messages' must contain at least one message.");
    for (const json& m : messages) {
        if (!m.is_object()) return refuse("invalid_type", "Each message must be an object.");
        if (!m.contains("role") || !m["role"].is_string()) return refuse("invalid_type", "Each message needs a string 'role'.");
        std::string role = m["role"].get<std::string>();
        if (role == "developer") role = "system";  // OpenAI's newer name for the system role
        if (role == "tool" || role == "function")
            return refuse("unsupported_tools", "Tool and function messages are not supported by this server.");
        if (role != "system" && role != "user" && role != "assistant")
            return refuse("invalid_role", "Message role '" + role + "' is not one of system, user or assistant.");
        if (m.contains("tool_calls") && !m["tool_calls"].is_null() && !(m["tool_calls"].is_array() && m["tool_calls"].empty()))
            return refuse("unsupported_tools", "Tool calls are not supported by this server.");
        if (!m.contains("content")) return refuse("missing_content", "Each message needs a 'content'.");
        std::string text;
        if (!content_text(m["content"], role, text, refuse)) return false;
        // A "reasoning_content" field on an input message is ignored: R1 never sees old thoughts.
        out.messages.push_back({role, std::move(text)});
    }
    if (out.messages.back().role != "user") return refuse("invalid_messages", "The last message must be from the user.");
    return true;
}

// A number field within [lo, hi]; absent or null leaves `out` unset.
bool number_field(const json& body, const char* name, double lo, double hi, std::optional<double>& out, const Refuser& refuse) {
    if (!body.contains(name) || body[name].is_null()) return true;
    const json& v = body[name];
    std::string range = "between " + json(lo).dump() + " and " + json(hi).dump();
    if (!v.is_number()) return refuse("invalid_type", std::string("'") + name + "' must be a number " + range + ".");
    double d = v.get<double>();
    if (!(d >= lo && d <= hi)) return refuse("invalid_value", std::string("'") + name + "' must be " + range + ".");
    out = d;
    return true;
}

bool integer_field(const json& body, const char* name, int64_t lo, int64_t hi, std::optional<int64_t>& out, const Refuser& refuse) {
    if (!body.contains(name) || body[name].is_null()) return true;
    int64_t v = 0;
    if (!as_integer(body[name], v)) return refuse("invalid_type", std::string("'") + name + "' must be an integer.");
    if (v < lo || v > hi)
        return refuse("invalid_value", std::string("'") + name + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ".");
    out = v;
    return true;
}

// The thinking budget and OpenAI's reasoning_effort (docs/serve.md: how effort maps to budgets).
bool parse_thinking(const json& body, ChatRequest& out, const Refuser& refuse) {
    std::optional<int64_t> budget, kw_budget;
    if (!integer_field(body, "thinking_token_budget", 0, INT32_MAX, budget, refuse)) return false;
    if (body.contains("chat_template_kwargs") && !body["chat_template_kwargs"].is_null()) {
        const json& kw = body["chat_template_kwargs"];
        if (!kw.is_object()) return refuse("invalid_type", "'chat_template_kwargs' must be an object.");
        if (!integer_field(kw, "thinking_budget", 0, INT32_MAX, kw_budget, refuse)) return false;
    }
    if (budget) out.thinking_budget = static_cast<int>(*budget);
    else if (kw_budget) out.thinking_budget = static_cast<int>(*kw_budget);
    if (body.contains("reasoning_effort") && !body["reasoning_effort"].is_null()) {
        const json& e = body["reasoning_effort"];
        static const char* const kEfforts[] = {"none", "minimal", "low", "medium", "high"};
        if (!e.is_string() || std::find(std::begin(kEfforts), std::end(kEfforts), e.get<std::string>()) == std::end(kEfforts))
            return refuse("invalid_value", "'reasoning_effort' must be one of none, minimal, low, medium, high.");
        out.reasoning_effort = e.get<std::string>();
    }
    return true;
}

bool parse_stop(const json& body, ChatRequest& out, const Refuser& refuse) {
    if (!body.contains("stop") || body["stop"].is_null()) return true;
    const json& stop = body["stop"];
    std::vector<std::string> list;
    if (stop.is_string()) list.push_back(stop.get<std::string>());
    else if (stop.is_array()) {
        for (const json& s : stop) {
            if (!s.is_string()) return refuse("invalid_type", "'stop' must be a string or an array of strings.");
            list.push_back(s.get<std::string>());
        }
    } else {
        return refuse("invalid_type", "'stop' must be a string or an array of strings.");
    }
    if (list.size() > kMaxStops) return refuse("invalid_value", "'stop' may hold at most " + std::to_string(kMaxStops) + " strings.");
    for (std::string& s : list) {
        if (s.size() > kMaxStopBytes)
            return refuse("invalid_value", "Each stop string may be at most " + std::to_string(kMaxStopBytes) + " bytes.");
        if (!s.empty()) out.stop.push_back(std::move(s));  // an empty stop would end every answer at once
    }
    return true;
}

// Features this server does not have: refused, because ignoring them would return something else
// than what the client asked for.
bool refuse_unsupported(const json& body, const Refuser& refuse) {
    auto present = [&](const char* name) {
        if (!body.contains(name)) return false;
        const json& v = body[name];
        return !(v.is_null() || (v.is_array() && v.empty()) || (v.is_boolean() && !v.get<bool>()));
    };
    if (present("tools") || present("functions")) return refuse("unsupported_tools", "Tool calls are not supported by this server.");
    if (present("logprobs")) return refuse("unsupported_logprobs", "Log probabilities are not supported by this server.");
    if (body.contains("n") && !body["n"].is_null()) {
        int64_t n = 0;
        if (!as_integer(body["n"], n) || n != 1) return refuse("unsupported_n", "Only one choice per request is supported ('n' must be 1).");
    }
    if (body.contains("response_format") && !body["response_format"].is_null()) {
        const json& f = body["response_format"];
        if (!f.is_object() || !f.contains("type") || f["type"] != "text")
            return refuse("unsupported_response_format", "Only the 'text' response format is supported.");
    }
    return true;
}

} // namespace

bool parse_chat_request(std::string_view body_text, ChatRequest& out, ApiError& error) {
    out = ChatRequest();
    Refuser refuse{error};
    json body = json::parse(body_text.begin(), body_text.end(), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return refuse("invalid_json", "The request body is not valid JSON.");
    if (!body.is_object()) return refuse("invalid_json", "The request body must be a JSON object.");
    if (body.contains("model") && !body["model"].is_string() && !body["model"].is_null())
        return refuse("invalid_type", "'model' must be a string.");
    if (!refuse_unsupported(body, refuse) || !parse_messages(body, out, refuse)) return false;

    if (body.contains("stream") && !body["stream"].is_null()) {
        if (!body["stream"].is_boolean()) return refuse("invalid_type", "'stream' must be true or false.");
        out.stream = body["stream"].get<bool>();
    }
    if (body.contains("stream_options") && !body["stream_options"].is_null()) {
        const json& so = body["stream_options"];
        if (!so.is_object()) return refuse("invalid_type", "'stream_options' must be an object.");
        if (so.contains("include_usage") && !so["include_usage"].is_null()) {
            if (!so["include_usage"].is_boolean()) return refuse("invalid_type", "'stream_options.include_usage' must be true or false.");
            out.include_usage = so["include_usage"].get<bool>();
        }
    }
    std::optional<int64_t> max_tokens, max_completion_tokens, top_k, seed;
    if (!integer_field(body, "max_tokens", 1, INT32_MAX, max_tokens, refuse) ||
        !integer_field(body, "max_completion_tokens", 1, INT32_MAX, max_completion_tokens, refuse) ||
        !integer_field(body, "top_k", 0, INT32_MAX, top_k, refuse) ||
        !integer_field(body, "seed", INT64_MIN, INT64_MAX, seed, refuse))
        return false;
    // max_completion_tokens is OpenAI's newer name; it wins when both are given.
    if (max_completion_tokens) out.max_tokens = static_cast<int>(*max_completion_tokens);
    else if (max_tokens) out.max_tokens = static_cast<int>(*max_tokens);
    if (top_k) out.top_k = static_cast<int>(*top_k);
    if (seed) out.seed = static_cast<uint64_t>(*seed);
    if (!number_field(body, "temperature", 0, 2, out.temperature, refuse) ||
        !number_field(body, "top_p", 0, 1, out.top_p, refuse) || !number_field(body, "min_p", 0, 1, out.min_p, refuse) ||
        !number_field(body, "repetition_penalty", 0.01, 10, out.repetition_penalty, refuse))
        return false;
    return parse_stop(body, out, refuse) && parse_thinking(body, out, refuse);
}

} // namespace ponder::serve
