// Import of "ponder-conversations" JSON files (format in export_import.h): validate everything
// first, naming the first bad record by its path in the file, then write in one transaction.
#include "ponder/export_import.h"

#include "text.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

namespace ponder {

namespace {

using json = nlohmann::json;

constexpr int kFormatVersion = 1;

// A value from the file, short and on one line, for an error message (never dumped whole: it
// may be huge, or nested thousands deep).
std::string shown(const std::string& s) {
    std::string_view cut = text::utf8_prefix(s, 40);
    std::string quoted = json(std::string(cut)).dump();  // quotes, and escapes for newlines
    if (cut.size() < s.size()) quoted.insert(quoted.size() - 1, "...");
    return quoted;
}

std::string shown(const json& v) {
    if (v.is_string()) return shown(v.get_ref<const std::string&>());
    if (v.is_primitive()) return v.dump();
    return std::string("an ") + v.type_name();
}

// Reads the fields of one JSON object; the first problem is kept with its path.
class Fields {
public:
    Fields(const json& obj, std::string path, std::string& error) : obj_(obj), path_(std::move(path)), error_(error) {}

    bool has(const char* key) const { return obj_.contains(key) && !obj_[key].is_null(); }
    bool fail(const char* key, const std::string& what) {
        error_ = path_ + "." + key + ": " + what;
        return false;
    }
    bool string(const char* key, std::string& out, bool required = false) {
        if (!has(key)) return !required || fail(key, "missing");
        if (!obj_[key].is_string()) return fail(key, std::string("expected a string, got ") + obj_[key].type_name());
        out = obj_[key].get<std::string>();
        return true;
    }
    bool boolean(const char* key, bool& out) {
        if (!has(key)) return true;
        if (!obj_[key].is_boolean()) return fail(key, std::string("expected true or false, got ") + obj_[key].type_name());
        out = obj_[key].get<bool>();
        return true;
    }
    bool count(const char* key, int64_t& out) {  // a whole number >= 0
        if (!has(key)) return true;
        const json& v = obj_[key];
        if (v.is_number_unsigned() && v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
            out = static_cast<int64_t>(v.get<uint64_t>());
            return true;
        }
        if (v.is_number_integer() && v.get<int64_t>() >= 0) {
            out = v.get<int64_t>();
            return true;
        }
        return fail(key, "expected a whole number >= 0, got " + shown(v));
    }
    bool rate(const char* key, double& out) {  // a finite number >= 0
        if (!has(key)) return true;
        const json& v = obj_[key];
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
            return fail(key, "expected a number >= 0, got " + shown(v));
        out = v.get<double>();
        return true;
    }
    bool time(const char* key, int64_t& out) {
        std::string s;
        if (!has(key)) return true;
        if (!string(key, s)) return false;
        if (!text::parse_iso8601(s, out)) return fail(key, "expected a UTC time like 2026-11-30T14:25:01.123Z, got " + shown(s));
        return true;
    }
    bool array(const char* key, const json*& out) {
        out = nullptr;
        if (!has(key)) return true;
        if (!obj_[key].is_array()) return fail(key, std::string("expected an array, got ") + obj_[key].type_name());
        out = &obj_[key];
        return true;
    }

private:
    const json& obj_;
    std::string path_;
    std::string& error_;
};

// One message entry, read where it stands in the file. `id` / `parent` are the file's own ids
// (0 when absent).
struct FileMessage {
    Message m;
    int64_t file_id = 0, file_parent = 0;
    bool has_id = false, has_parent = false;
    std::string path;
};

bool read_message(const json& j, const std::string& path, int64_t default_time, FileMessage& out, std::string& error) {
    out.path = path;
    if (!j.is_object()) {
        error = path + ": expected an object, got " + j.type_name();
        return false;
    }
    Fields f(j, path, error);
    std::string role, state = "complete";
    if (!f.string("role", role, true)) return false;
    if (!parse_role(role, out.m.role)) return f.fail("role", "expected \"user\" or \"assistant\", got " + shown(role));
    if (!f.string("content", out.m.content, true) || !f.string("reasoning_content", out.m.reasoning) ||
        !f.string("state", state) || !f.string("error", out.m.error) || !f.string("model", out.m.model))
        return false;
    if (out.m.role == Role::User && !out.m.reasoning.empty())
        return f.fail("reasoning_content", "only answers have reasoning");
    if (!parse_message_state(state, out.m.state))
        return f.fail("state", "expected complete, streaming, cancelled, error or interrupted, got " + shown(state));
    if (out.m.state == MessageState::Streaming) out.m.state = MessageState::Interrupted;  // no writer here
    out.m.created_at = default_time;
    MessageStats& s = out.m.stats;
    if (!f.time("created_at", out.m.created_at) || !f.count("prompt_tokens", s.prompt_tokens) ||
        !f.count("generated_tokens", s.generated_tokens) || !f.rate("prompt_tokens_per_s", s.prompt_tokens_per_s) ||
        !f.rate("generation_tokens_per_s", s.generation_tokens_per_s) || !f.count("reasoning_ms", s.reasoning_ms))
        return false;
    if (j.contains("forced_thinking") && !j["forced_thinking"].is_null()) {
        if (!j["forced_thinking"].is_array()) return f.fail("forced_thinking", "expected a list, got " + shown(j["forced_thinking"]));
        s.forced_thinking = j["forced_thinking"].dump();
    }
    out.has_id = j.contains("id");
    out.has_parent = j.contains("parent");
    if (out.has_id && (!f.count("id", out.file_id) || out.file_id == 0))
        return f.fail("id", "expected a whole number >= 1, got " + shown(j["id"]));
    if (out.has_parent && !j["parent"].is_null() && (!f.count("parent", out.file_parent) || out.file_parent == 0))
        return f.fail("parent", "expected null or a message id, got " + shown(j["parent"]));
    return true;
}

bool read_sampling(const json& c, const std::string& path, std::string& out, std::string& error) {
    if (!c.contains("sampling") || c["sampling"].is_null()) return true;
    const json& s = c["sampling"];
    if (!s.is_object()) {
        error = path + ".sampling: expected an object, got " + s.type_name();
        return false;
    }
    // Flat: settings are numbers, strings or booleans (and no nesting to recurse into).
    for (auto it = s.begin(); it != s.end(); ++it)
        if (!it.value().is_number() && !it.value().is_string() && !it.value().is_boolean()) {
            error = path + ".sampling[" + shown(it.key()) + "]: expected a number, string or boolean, got " +
                    it.value().type_name();
            return false;
        }
    out = s.dump();
    return true;
}

bool read_conversation(const json& c, const std::string& path, ImportedConversation& out, std::string& error) {
    if (!c.is_object()) {
        error = path + ": expected an object, got " + c.type_name();
        return false;
    }
    Fields f(c, path, error);
    out.created_at = out.updated_at = text::now_ms();
    const json* messages = nullptr;
    const json* others = nullptr;
    if (!f.string("title", out.title) || !f.time("created_at", out.created_at) || !f.boolean("pinned", out.pinned) ||
        !f.string("model", out.settings.model) || !f.string("provider", out.settings.provider) ||
        !f.string("system_prompt", out.settings.system_prompt) ||
        !read_sampling(c, path, out.settings.sampling_json, error) || !f.array("messages", messages) ||
        !f.array("other_branches", others))
        return false;
    out.updated_at = out.created_at;
    if (!f.time("updated_at", out.updated_at)) return false;

    // The branch on screen: an optional system message first, then the chain to the active leaf.
    std::vector<FileMessage> path_msgs, all;
    size_t n = messages ? messages->size() : 0;
    for (size_t i = 0; i < n; i++) {
        const json& j = (*messages)[i];
        std::string p = path + ".messages[" + std::to_string(i) + "]";
        if (j.is_object() && j.contains("role") && j["role"] == "system") {
            if (i != 0) {
                error = p + ".role: a system message can only come first";
                return false;
            }
            Fields sf(j, p, error);
            std::string prompt;
            if (!sf.string("content", prompt, true)) return false;
            if (!out.settings.system_prompt.empty() && out.settings.system_prompt != prompt) {
                error = p + ": differs from the conversation's system_prompt";
                return false;
            }
            out.settings.system_prompt = prompt;
            continue;
        }
        FileMessage fm;
        if (!read_message(j, p, out.created_at, fm, error)) return false;
        path_msgs.push_back(std::move(fm));
    }
    const bool tree = !path_msgs.empty() && path_msgs[0].has_id;
    for (size_t i = 0; i < path_msgs.size(); i++) {
        FileMessage& fm = path_msgs[i];
        if (fm.has_id != tree || (!tree && fm.has_parent)) {
            error = fm.path + (tree ? ": has no id, but the messages before it do"
                                    : ": has an id or parent, but the first message has no id");
            return false;
        }
        if (tree && fm.file_parent != (i ? path_msgs[i - 1].file_id : 0)) {
            error = fm.path + ".parent: must be " +
                    (i ? std::to_string(path_msgs[i - 1].file_id) + ", the message before it" : std::string("null, it is the first message"));
            return false;
        }
    }
    if (others && !others->empty() && !tree) {
        error = path + ".other_branches: needs messages with ids and parents";
        return false;
    }
    all = path_msgs;
    for (size_t i = 0; others && i < others->size(); i++) {
        FileMessage fm;
        std::string p = path + ".other_branches[" + std::to_string(i) + "]";
        if (!read_message((*others)[i], p, out.created_at, fm, error)) return false;
        if (!fm.has_id || !fm.has_parent) {
            error = p + ": needs an id and a parent (null for a first message)";
            return false;
        }
        all.push_back(std::move(fm));
    }
    if (!tree) {  // one chain, in file order
        for (size_t i = 0; i < all.size(); i++) {
            all[i].m.id = static_cast<int64_t>(i + 1);
            all[i].m.parent_id = static_cast<int64_t>(i);
        }
        out.active_leaf = static_cast<int64_t>(all.size());
        for (FileMessage& fm : all) out.messages.push_back(std::move(fm.m));
        return true;
    }
    // A tree: ids unique, every parent an older message of this conversation. Ids grow with
    // creation, so sorting by them keeps parents first and siblings in their order.
    std::map<int64_t, size_t> by_id;
    for (size_t i = 0; i < all.size(); i++)
        if (!by_id.emplace(all[i].file_id, i).second) {
            error = all[i].path + ".id: " + std::to_string(all[i].file_id) + " is used twice in this conversation";
            return false;
        }
    for (const FileMessage& fm : all)
        if (fm.file_parent && (!by_id.count(fm.file_parent) || fm.file_parent >= fm.file_id)) {
            error = fm.path + ".parent: " + std::to_string(fm.file_parent) +
                    " is not an earlier message of this conversation (ids grow with creation)";
            return false;
        }
    std::map<int64_t, int64_t> position;  // file id -> 1-based position in out.messages
    for (const auto& [file_id, i] : by_id) {
        Message m = all[i].m;
        m.id = static_cast<int64_t>(out.messages.size() + 1);
        m.parent_id = all[i].file_parent ? position.at(all[i].file_parent) : 0;
        position[file_id] = m.id;
        out.messages.push_back(std::move(m));
    }
    out.active_leaf = path_msgs.empty() ? 0 : position.at(path_msgs.back().file_id);
    return true;
}

bool insert_conversation(Database& db, const ImportedConversation& c, int64_t& id, std::string& error) {
    Statement conv(db, "INSERT INTO conversations (title, created_at, updated_at, pinned, model, provider, "
                       "system_prompt, sampling_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    conv.bind(1, c.title).bind(2, c.created_at).bind(3, c.updated_at).bind(4, int64_t{c.pinned});
    conv.bind(5, c.settings.model).bind(6, c.settings.provider).bind(7, c.settings.system_prompt);
    conv.bind(8, c.settings.sampling_json);
    if (!conv.run()) {
        error = conv.error();
        return false;
    }
    id = db.last_insert_id();
    Statement msg(db, R"sql(
        INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, reasoning_ms, state, error, model,
                              prompt_tokens, generated_tokens, prompt_tokens_per_s, generation_tokens_per_s, created_at,
                              forced_thinking)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))sql");
    std::vector<int64_t> new_ids(c.messages.size() + 1, 0);
    for (size_t i = 0; i < c.messages.size(); i++) {
        const Message& m = c.messages[i];
        msg.reset();
        msg.bind(1, id);
        if (m.parent_id) msg.bind(2, new_ids[static_cast<size_t>(m.parent_id)]);
        else msg.bind_null(2);
        msg.bind(3, role_name(m.role)).bind(4, m.content).bind(5, m.reasoning).bind(6, m.stats.reasoning_ms);
        msg.bind(7, message_state_name(m.state)).bind(8, m.error).bind(9, m.model).bind(10, m.stats.prompt_tokens);
        msg.bind(11, m.stats.generated_tokens).bind_double(12, m.stats.prompt_tokens_per_s);
        msg.bind_double(13, m.stats.generation_tokens_per_s).bind(14, m.created_at);
        msg.bind(15, text::forced_thinking_array(m.stats.forced_thinking));
        if (!msg.run()) {
            error = "message " + std::to_string(i + 1) + ": " + msg.error();
            return false;
        }
        new_ids[i + 1] = db.last_insert_id();
    }
    if (c.active_leaf) {
        Statement leaf(db, "UPDATE conversations SET active_leaf_id = ?2 WHERE id = ?1");
        if (!leaf.bind(1, id).bind(2, new_ids[static_cast<size_t>(c.active_leaf)]).run()) {
            error = leaf.error();
            return false;
        }
    }
    return true;
}

} // namespace

bool parse_conversations_json(std::string_view json_text, std::vector<ImportedConversation>& out, std::string& error) {
    out.clear();
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::exception& e) {
        std::string what = e.what();
        size_t bracket = what.find("] ");  // "[json.exception.parse_error.101] parse error at line 1, ..."
        error = "not valid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2));
        return false;
    }
    if (!doc.is_object()) {
        error = std::string("expected a JSON object, got ") + doc.type_name();
        return false;
    }
    Fields f(doc, "file", error);
    std::string format;
    if (!f.string("format", format, true)) return false;
    if (format != "ponder-conversations")
        return f.fail("format", "expected \"ponder-conversations\", got " + shown(format));
    int64_t version = 0;
    if (!f.count("version", version)) return false;
    if (version > kFormatVersion)
        return f.fail("version", std::to_string(version) + " is from a newer Ponder (this one reads " +
                                     std::to_string(kFormatVersion) + "); update Ponder to import it");
    if (version != kFormatVersion) return f.fail("version", "missing or not " + std::to_string(kFormatVersion));
    const json* conversations = nullptr;
    if (!f.array("conversations", conversations)) return false;
    if (!conversations) return f.fail("conversations", "missing");
    for (size_t i = 0; i < conversations->size(); i++) {
        ImportedConversation c;
        if (!read_conversation((*conversations)[i], "conversations[" + std::to_string(i) + "]", c, error)) {
            out.clear();
            return false;
        }
        out.push_back(std::move(c));
    }
    return true;
}

bool import_conversations(Database& db, std::string_view json_text, ImportResult& result, std::string& error) {
    result = {};
    std::vector<ImportedConversation> parsed;
    if (!parse_conversations_json(json_text, parsed, error)) return false;
    Transaction tx(db);
    std::vector<int64_t> ids;
    int64_t count = 0;
    for (size_t i = 0; i < parsed.size(); i++) {
        int64_t id = 0;
        if (!insert_conversation(db, parsed[i], id, error)) {
            error = "conversations[" + std::to_string(i) + "]: " + error + "; nothing was imported";
            return false;
        }
        ids.push_back(id);
        count += static_cast<int64_t>(parsed[i].messages.size());
    }
    if (!tx.commit(error)) {
        error = "import failed, nothing was imported: " + error;
        return false;
    }
    result.conversation_ids = std::move(ids);
    result.message_count = count;
    return true;
}

} // namespace ponder
