#include "ponder/chat_template.h"

#include "ponder/tokenizer.h"

namespace ponder {

namespace {
constexpr std::string_view kBos = "<｜begin▁of▁sentence｜>";
constexpr std::string_view kEos = "<｜end▁of▁sentence｜>";
constexpr std::string_view kUser = "<｜User｜>";
constexpr std::string_view kAssistant = "<｜Assistant｜>";
constexpr std::string_view kThink = "<think>";
constexpr std::string_view kEndThink = "</think>";
} // namespace

std::string_view chat_template_kind_name(ChatTemplateKind kind) {
    switch (kind) {
    case ChatTemplateKind::DeepSeekR1: return "deepseek-r1";
    case ChatTemplateKind::DeepSeekR1Legacy: return "deepseek-r1-legacy";
    default: return "unsupported";
    }
}

ChatTemplateKind chat_template_detect(std::string_view src) {
    auto has = [&](std::string_view s) { return src.find(s) != std::string_view::npos; };
    if (!has(kUser) || !has(kAssistant)) return ChatTemplateKind::Unsupported;
    // The generation prompt literal, as the Jinja source spells it (an escaped or a real newline).
    if (has("<｜Assistant｜><think>\\n") || has("<｜Assistant｜><think>\n")) return ChatTemplateKind::DeepSeekR1;
    return ChatTemplateKind::DeepSeekR1Legacy;
}

bool chat_template_of_model(std::string_view src, ChatTemplateKind& kind, std::string& error) {
    kind = chat_template_detect(src);
    if (kind != ChatTemplateKind::Unsupported) return true;
    error = src.empty() ? "unsupported chat template: the model file has none (tokenizer.chat_template)"
                        : "unsupported chat template: Ponder renders the DeepSeek-R1 format "
                          "(<｜User｜>/<｜Assistant｜>) and this model uses another one";
    return false;
}

std::string_view chat_strip_reasoning(std::string_view content) {
    size_t at = content.rfind(kEndThink);
    return at == std::string_view::npos ? content : content.substr(at + kEndThink.size());
}

std::vector<ChatSegment> chat_render_segments(const std::vector<ChatMessage>& messages,
                                              const ChatRenderOptions& options) {
    std::vector<ChatSegment> out;
    auto special = [&](std::string_view t) { out.push_back({true, std::string(t)}); };
    auto text = [&](std::string_view t) {
        if (!t.empty()) out.push_back({false, std::string(t)});
    };
    special(kBos);
    const ChatMessage* system = nullptr;  // the template keeps the last system message only
    for (const ChatMessage& m : messages)
        if (m.role == "system") system = &m;
    if (system) text(system->content);
    for (const ChatMessage& m : messages) {
        if (m.role == "user") {
            special(kUser);
            text(m.content);
        } else if (m.role == "assistant") {
            special(kAssistant);
            text(chat_strip_reasoning(m.content));
            special(kEos);
        }
    }
    if (options.add_generation_prompt) {
        special(kAssistant);
        if (options.think_prefix) {
            special(kThink);
            text("\n");
        }
    }
    return out;
}

std::string chat_render_text(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options) {
    std::string out;
    for (const ChatSegment& s : chat_render_segments(messages, options)) out += s.text;
    return out;
}

bool chat_render_tokens(const Tokenizer& tokenizer, const std::vector<ChatMessage>& messages,
                        const ChatRenderOptions& options, std::vector<int32_t>& out, std::string& error) {
    for (const ChatSegment& s : chat_render_segments(messages, options)) {
        if (!s.special) {
            std::vector<int32_t> ids = tokenizer.encode(s.text, /*allow_special=*/false);
            out.insert(out.end(), ids.begin(), ids.end());
            continue;
        }
        int32_t id = tokenizer.find(s.text);
        if (id < 0 || !tokenizer.is_special(id)) {
            error = "the model's vocabulary has no " + s.text + " token; it is not an R1-family model";
            return false;
        }
        out.push_back(id);
    }
    return true;
}

} // namespace ponder
