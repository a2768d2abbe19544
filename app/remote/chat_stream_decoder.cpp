#include "remote/chat_stream_decoder.h"

#include <nlohmann/json.hpp>
#include <utility>

namespace ponder::remote {

using nlohmann::json;

namespace {

// A string field, or nothing when it is absent, null or another type.
const std::string* string_field(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
}

int64_t int_field(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer()) return -1;
    return it->get<int64_t>();
}

std::optional<Usage> usage_of(const json& chunk) {
    auto it = chunk.find("usage");
    if (it == chunk.end() || !it->is_object()) return std::nullopt;
    Usage u;
    u.prompt_tokens = int_field(*it, "prompt_tokens");
    u.completion_tokens = int_field(*it, "completion_tokens");
    if (auto d = it->find("completion_tokens_details"); d != it->end() && d->is_object())
        u.reasoning_tokens = int_field(*d, "reasoning_tokens");
    u.cached_prompt_tokens = int_field(*it, "prompt_cache_hit_tokens");
    if (auto d = it->find("prompt_tokens_details"); u.cached_prompt_tokens < 0 && d != it->end() && d->is_object())
        u.cached_prompt_tokens = int_field(*d, "cached_tokens");
    return u;
}

std::string shorten(std::string_view text, size_t max = 120) {
    std::string s(text.substr(0, max));
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    if (text.size() > max) s += "...";
    return s;
}

std::string message_of(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (!j.is_object()) return {};
    for (const char* key : {"message", "detail", "error", "msg"}) {
        auto it = j.find(key);
        if (it == j.end()) continue;
        std::string inner = message_of(*it);
        if (!inner.empty()) return inner;
    }
    return {};
}

} // namespace

std::string error_message_from_body(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return {};
    // FastAPI validation errors: {"detail":[{"loc":[...],"msg":"..."}]}
    if (auto d = j.find("detail"); d != j.end() && d->is_array() && !d->empty()) return shorten(message_of((*d)[0]), 300);
    if (!j.contains("error") && !j.contains("detail") && !(j.contains("object") && j["object"] == "error")) return {};
    return shorten(message_of(j), 300);
}

void ChatStreamDecoder::content(std::string_view text, StreamUpdate& u) {
    if (text.empty()) return;
    if (reasoning_field_) {
        u.answer.append(text);
        return;
    }
    inline_used_ = true;
    if (!splitter_) {
        start_.append(text);
        static constexpr std::string_view kOpen = "<think>";
        size_t k = start_.find_first_not_of(" \t\r\n");
        std::string_view rest = k == std::string::npos ? std::string_view() : std::string_view(start_).substr(k);
        if (rest.size() < kOpen.size() && kOpen.substr(0, rest.size()) == rest) return;  // can't tell yet
        // The model opened the thought itself: the splitter sees the tag. Otherwise the template
        // may have opened it.
        splitter_.emplace(rest.substr(0, kOpen.size()) == kOpen ? false : inline_think_open_);
        split(std::exchange(start_, {}), u);
        return;
    }
    split(text, u);
}

void ChatStreamDecoder::split(std::string_view text, StreamUpdate& u) {
    for (auto& piece : splitter_->push(text)) (piece.reasoning ? u.reasoning : u.answer) += piece.text;
}

void ChatStreamDecoder::flush_inline(StreamUpdate& u) {
    if (!inline_used_) return;
    inline_used_ = false;
    if (!splitter_) {
        splitter_.emplace(inline_think_open_);
        split(std::exchange(start_, {}), u);
    }
    for (auto& piece : splitter_->flush()) (piece.reasoning ? u.reasoning : u.answer) += piece.text;
}

StreamUpdate ChatStreamDecoder::push(std::string_view data) {
    StreamUpdate u;
    if (done_ || failed_) return u;
    // Servers differ in whitespace around the payload.
    while (!data.empty() && (data.front() == ' ' || data.front() == '\t')) data.remove_prefix(1);
    while (!data.empty() && (data.back() == ' ' || data.back() == '\t' || data.back() == '\n')) data.remove_suffix(1);
    if (data.empty()) return u;
    if (data == "[DONE]") {
        done_ = true;
        u = finish();
        u.done = true;
        return u;
    }
    json chunk = json::parse(data, nullptr, false);
    if (chunk.is_discarded() || !chunk.is_object()) {
        failed_ = true;
        u.malformed = true;
        u.error = shorten(data);
        return u;
    }
    if (auto e = chunk.find("error"); e != chunk.end() && !e->is_null()) {
        failed_ = true;
        u.error = message_of(*e);
        if (u.error.empty()) u.error = shorten(e->dump());
        return u;
    }
    u.usage = usage_of(chunk);
    auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array() || choices->empty()) return u;  // e.g. the usage chunk
    const json& choice = (*choices)[0];
    if (!choice.is_object()) return u;
    auto delta = choice.find("delta");
    if (delta == choice.end()) delta = choice.find("message");
    if (delta != choice.end() && delta->is_object()) {
        for (const char* key : {"reasoning_content", "reasoning"}) {
            if (const std::string* r = string_field(*delta, key)) {
                // A server with a reasoning parser: from now on content is the answer. Text the
                // inline splitter held back ("<thi") was answer text after all.
                if (!reasoning_field_) flush_inline(u);
                reasoning_field_ = true;
                u.reasoning += *r;
                break;
            }
        }
        if (const std::string* c = string_field(*delta, "content")) content(*c, u);
    }
    if (const std::string* f = string_field(choice, "finish_reason")) {
        finish_reason_ = *f;
        u.finish_reason = *f;
    }
    return u;
}

StreamUpdate ChatStreamDecoder::finish() {
    StreamUpdate u;
    if (!reasoning_field_) flush_inline(u);
    u.finish_reason = finish_reason_;
    return u;
}

StreamUpdate ChatStreamDecoder::decode_response(std::string_view body) {
    StreamUpdate u;
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        u.malformed = true;
        u.error = shorten(body);
        return u;
    }
    u = push(body);
    StreamUpdate tail = finish();
    u.reasoning += tail.reasoning;
    u.answer += tail.answer;
    u.done = true;
    return u;
}

} // namespace ponder::remote
