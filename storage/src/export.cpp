// Export: JSON (lossless, OpenAI-style messages), Markdown (for people), JSONL (training triples).
// The formats are described in export_import.h.
#include "ponder/export_import.h"

#include "text.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace ponder {

namespace {

using ojson = nlohmann::ordered_json;

// Invalid UTF-8 becomes U+FFFD instead of an exception: JSON has to be UTF-8.
std::string dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

struct Loaded {
    Conversation conversation;
    std::vector<Message> all;   // creation order
    std::vector<Message> path;  // root to active leaf, with sibling positions
};

bool load(ConversationStore& store, int64_t id, Loaded& out, std::string& error) {
    return store.get_conversation(id, out.conversation, error) && store.load_all_messages(id, out.all, error) &&
           store.load_active_branch(id, out.path, error);
}

ojson message_json(const Message& m) {
    ojson j;
    j["role"] = role_name(m.role);
    j["content"] = m.content;
    if (m.role == Role::Assistant) j["reasoning_content"] = m.reasoning;
    j["id"] = m.id;
    j["parent"] = m.parent_id ? ojson(m.parent_id) : ojson(nullptr);
    j["state"] = message_state_name(m.state);
    if (!m.error.empty()) j["error"] = m.error;
    if (!m.model.empty()) j["model"] = m.model;
    j["created_at"] = text::iso8601(m.created_at);
    const MessageStats& s = m.stats;
    if (s.prompt_tokens) j["prompt_tokens"] = s.prompt_tokens;
    if (s.generated_tokens) j["generated_tokens"] = s.generated_tokens;
    if (s.prompt_tokens_per_s != 0) j["prompt_tokens_per_s"] = s.prompt_tokens_per_s;
    if (s.generation_tokens_per_s != 0) j["generation_tokens_per_s"] = s.generation_tokens_per_s;
    if (s.reasoning_ms) j["reasoning_ms"] = s.reasoning_ms;
    if (!s.forced_thinking.empty()) {
        ojson forced = ojson::parse(text::forced_thinking_array(s.forced_thinking));
        if (!forced.empty()) j["forced_thinking"] = std::move(forced);
    }
    return j;
}

ojson sampling_json(const std::string& s) {
    ojson j = ojson::parse(s, nullptr, /*allow_exceptions=*/false);
    return j.is_object() ? j : ojson::object();
}

ojson conversation_json(const Loaded& l) {
    const Conversation& c = l.conversation;
    ojson j;
    j["id"] = c.id;
    j["title"] = c.title;
    j["created_at"] = text::iso8601(c.created_at);
    j["updated_at"] = text::iso8601(c.updated_at);
    j["pinned"] = c.pinned;
    j["model"] = c.settings.model;
    j["provider"] = c.settings.provider;
    j["sampling"] = sampling_json(c.settings.sampling_json);
    ojson messages = ojson::array(), others = ojson::array();
    if (!c.settings.system_prompt.empty())
        messages.push_back(ojson{{"role", "system"}, {"content", c.settings.system_prompt}});
    std::map<int64_t, bool> on_path;
    for (const Message& m : l.path) {
        messages.push_back(message_json(m));
        on_path[m.id] = true;
    }
    for (const Message& m : l.all)
        if (!on_path.count(m.id)) others.push_back(message_json(m));
    j["messages"] = std::move(messages);
    j["other_branches"] = std::move(others);
    return j;
}

void write_markdown(const Loaded& l, std::ostream& out) {
    const Conversation& c = l.conversation;
    auto u = [](const std::string& s) { return text::valid_utf8(s); };
    out << "# " << u(c.title.empty() ? "Untitled conversation" : c.title) << "\n\n";
    out << "*Conversation " << c.id << ", started " << text::iso8601(c.created_at);
    if (!c.settings.model.empty()) out << ", model " << u(c.settings.model);
    out << "*\n\n";
    if (!c.settings.system_prompt.empty()) out << "## System\n\n" << u(c.settings.system_prompt) << "\n\n";
    for (const Message& m : l.path) {
        out << (m.role == Role::User ? "## User" : "## Assistant");
        if (m.sibling_count > 1) out << " (version " << m.sibling_index + 1 << " of " << m.sibling_count << ")";
        out << "\n\n";
        if (!m.reasoning.empty()) {
            char secs[64] = "Thinking";
            if (m.stats.reasoning_ms > 0)
                std::snprintf(secs, sizeof secs, "Thought for %.1f s", static_cast<double>(m.stats.reasoning_ms) / 1000);
            out << "<details>\n<summary>" << secs << "</summary>\n\n" << u(m.reasoning) << "\n\n</details>\n\n";
        }
        // What the engine did to the thought, said plainly: a cut thought is not the model's own end.
        for (const std::string& d : text::forced_thinking_descriptions(m.stats.forced_thinking)) out << "*(" << u(d) << ")*\n\n";
        if (!m.content.empty()) out << u(m.content) << "\n\n";
        switch (m.state) {
        case MessageState::Complete: break;
        case MessageState::Streaming: out << "*(still being written)*\n\n"; break;
        case MessageState::Cancelled: out << "*(stopped)*\n\n"; break;
        case MessageState::Interrupted: out << "*(interrupted)*\n\n"; break;
        case MessageState::Error: out << "*(error: " << u(m.error) << ")*\n\n"; break;
        }
    }
}

// One line per complete answer, in every branch. "messages" is the history as the model saw it:
// system prompt, then earlier turns without their reasoning (R1 is never shown its own earlier
// thoughts), ending with the prompt.
void write_jsonl(const Loaded& l, std::ostream& out) {
    std::map<int64_t, const Message*> by_id;
    for (const Message& m : l.all) by_id[m.id] = &m;
    for (const Message& answer : l.all) {
        if (answer.role != Role::Assistant || answer.state != MessageState::Complete || answer.content.empty()) continue;
        auto parent = by_id.find(answer.parent_id);
        if (parent == by_id.end() || parent->second->role != Role::User) continue;
        std::vector<const Message*> history;
        for (const Message* m = parent->second; m;) {
            history.push_back(m);
            auto up = by_id.find(m->parent_id);
            m = up == by_id.end() ? nullptr : up->second;
        }
        ojson messages = ojson::array();
        if (!l.conversation.settings.system_prompt.empty())
            messages.push_back(ojson{{"role", "system"}, {"content", l.conversation.settings.system_prompt}});
        for (auto it = history.rbegin(); it != history.rend(); ++it)
            messages.push_back(ojson{{"role", role_name((*it)->role)}, {"content", (*it)->content}});
        ojson j;
        j["prompt"] = parent->second->content;
        j["reasoning"] = answer.reasoning;
        j["answer"] = answer.content;
        j["messages"] = std::move(messages);
        j["model"] = answer.model;
        j["conversation_id"] = l.conversation.id;
        j["message_id"] = answer.id;
        out << dump(j) << '\n';
    }
}

// A read transaction: the export is one snapshot even while the app writes (WAL lets it).
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database& db) : db_(db) { open_ = db_.exec("BEGIN DEFERRED", error_); }
    ~ReadSnapshot() {
        std::string ignored;
        if (open_) db_.exec("COMMIT", ignored);
    }
    const std::string& error() const { return error_; }

private:
    Database& db_;
    bool open_;
    std::string error_;
};

} // namespace

bool parse_export_format(std::string_view s, ExportFormat& out) {
    if (s == "json") out = ExportFormat::Json;
    else if (s == "md" || s == "markdown") out = ExportFormat::Markdown;
    else if (s == "jsonl") out = ExportFormat::Jsonl;
    else return false;
    return true;
}

bool export_conversations(Database& db, const std::vector<int64_t>& ids, ExportFormat format, std::ostream& out,
                          std::string& error) {
    ReadSnapshot snapshot(db);
    if (!snapshot.error().empty()) {
        error = "reading for export: " + snapshot.error();
        return false;
    }
    std::vector<int64_t> all = ids;
    if (all.empty()) {
        Statement st(db, "SELECT id FROM conversations ORDER BY id");
        while (st.step()) all.push_back(st.column_int(0));
        if (!st.error().empty()) {
            error = "listing conversations: " + st.error();
            return false;
        }
    }
    ConversationStore store(db);
    if (format == ExportFormat::Json)
        out << R"({"format": "ponder-conversations", "version": 1, "exported_at": ")" << text::iso8601(text::now_ms())
            << R"(", "conversations": [)" << '\n';
    for (size_t i = 0; i < all.size(); i++) {
        Loaded l;
        if (!load(store, all[i], l, error)) return false;
        switch (format) {
        case ExportFormat::Json: out << dump(conversation_json(l)) << (i + 1 < all.size() ? ",\n" : "\n"); break;
        case ExportFormat::Markdown:
            if (i > 0) out << "---\n\n";
            write_markdown(l, out);
            break;
        case ExportFormat::Jsonl: write_jsonl(l, out); break;
        }
    }
    if (format == ExportFormat::Json) out << "]}\n";
    if (!out) {
        error = "writing the export failed";
        return false;
    }
    return true;
}

} // namespace ponder
