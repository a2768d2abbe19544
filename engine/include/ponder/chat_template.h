// The DeepSeek-R1 chat format, rendered exactly as the official tokenizer_config.json template
// does (R1-FACTS.md section 2), to text (for comparison with Jinja) and to token ids (what the
// engine evaluates: template tokens by id, message text with special tokens NEVER recognised).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

class Tokenizer;

enum class ChatTemplateKind {
    Unsupported,
    DeepSeekR1,        // Feb 2025 revision: generation prompt ends "<｜Assistant｜><think>\n"
    DeepSeekR1Legacy,  // Jan 2025 revision: generation prompt ends "<｜Assistant｜>"
};
std::string_view chat_template_kind_name(ChatTemplateKind kind);

// Recognises R1-style templates from the Jinja source in tokenizer.chat_template.
ChatTemplateKind chat_template_detect(std::string_view jinja_source);

// The template kind of a model from its tokenizer.chat_template text, or false with an error a
// user can act on (no template, or a template Ponder cannot render yet).
bool chat_template_of_model(std::string_view jinja_source, ChatTemplateKind& kind, std::string& error);

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

struct ChatRenderOptions {
    bool add_generation_prompt = true;
    bool think_prefix = true;  // end the generation prompt with "<think>\n" (Feb 2025 template)
};

// One piece of a rendered conversation: a template token, or message text.
struct ChatSegment {
    bool special;
    std::string text;
};

// The conversation as the template lays it out: BOS, the last system message's text, then
// "<｜User｜>" u / "<｜Assistant｜>" a "<｜end▁of▁sentence｜>" (earlier assistant turns keep only
// the text after their last "</think>"), and the generation prompt.
std::vector<ChatSegment> chat_render_segments(const std::vector<ChatMessage>& messages,
                                              const ChatRenderOptions& options);

// Concatenated text of the segments (what the Jinja template produces).
std::string chat_render_text(const std::vector<ChatMessage>& messages, const ChatRenderOptions& options);

// Token ids: template tokens looked up by text, message text encoded with special tokens off.
// Returns false (with `error`) when the vocabulary lacks one of R1's template tokens.
bool chat_render_tokens(const Tokenizer& tokenizer, const std::vector<ChatMessage>& messages,
                        const ChatRenderOptions& options, std::vector<int32_t>& out, std::string& error);

// The text of an assistant message as later turns see it: everything up to and including the
// last "</think>" removed.
std::string_view chat_strip_reasoning(std::string_view content);

} // namespace ponder
