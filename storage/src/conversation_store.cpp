// Conversations and message trees (search is in search.cpp).
#include "ponder/conversation_store.h"

#include "process_identity.h"
#include "text.h"

#include <nlohmann/json.hpp>

namespace ponder {

namespace {

// The columns read_message() expects, for a query over `messages m`.
constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, coalesce(m.parent_id, 0), m.role, m.content, m.reasoning, m.state, m.error, m.model, "
    "m.prompt_tokens, m.generated_tokens, m.prompt_tokens_per_s, m.generation_tokens_per_s, m.reasoning_ms, "
    "m.created_at, m.forced_thinking";
constexpr int kMessageColumnCount = 16;

void read_message(Statement& st, Message& m) {
    m.id = st.column_int(0);
    m.conversation_id = st.column_int(1);
    m.parent_id = st.column_int(2);
    parse_role(st.column_text(3), m.role);  // the schema's CHECK allows no other values
    m.content = st.column_text(4);
    m.reasoning = st.column_text(5);
    parse_message_state(st.column_text(6), m.state);
    m.error = st.column_text(7);
    m.model = st.column_text(8);
    m.stats.prompt_tokens = st.column_int(9);
    m.stats.generated_tokens = st.column_int(10);
    m.stats.prompt_tokens_per_s = st.column_double(11);
    m.stats.generation_tokens_per_s = st.column_double(12);
    m.stats.reasoning_ms = st.column_int(13);
    m.created_at = st.column_int(14);
    m.stats.forced_thinking = st.column_text(15);
    if (m.stats.forced_thinking == "[]") m.stats.forced_thinking.clear();
}

bool failed(std::string& error, const std::string& what, const std::string& why) {
    error = what + ": " + why;
    return false;
}

bool sampling_is_object(const std::string& s) {
    auto j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
    return j.is_object();
}

// One line, runs of white space as one space.
std::string one_line(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

} // namespace

const char* role_name(Role r) { return r == Role::User ? "user" : "assistant"; }

bool parse_role(std::string_view s, Role& out) {
    if (s == "user") out = Role::User;
    else if (s == "assistant") out = Role::Assistant;
    else return false;
    return true;
}

const char* message_state_name(MessageState s) {
    switch (s) {
    case MessageState::Complete: return "complete";
    case MessageState::Streaming: return "streaming";
    case MessageState::Cancelled: return "cancelled";
    case MessageState::Error: return "error";
    case MessageState::Interrupted: return "interrupted";
    }
    return "complete";
}

bool parse_message_state(std::string_view s, MessageState& out) {
    for (MessageState st : {MessageState::Complete, MessageState::Streaming, MessageState::Cancelled,
                            MessageState::Error, MessageState::Interrupted})
        if (s == message_state_name(st)) {
            out = st;
            return true;
        }
    return false;
}

std::string title_from_text(std::string_view text) {
    constexpr size_t kMaxChars = 60;
    size_t start = 0;
    std::string_view line;
    while (start < text.size()) {  // the first line with something on it
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) break;
        line = {};
        start = end + 1;
    }
    std::string t = one_line(line);
    size_t chars = 0, cut = t.size();
    for (size_t i = 0; i < t.size(); i++) {
        if ((static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) continue;  // inside a UTF-8 sequence
        if (chars++ == kMaxChars) {
            cut = i;
            break;
        }
    }
    if (cut < t.size()) t = t.substr(0, cut) + "\xE2\x80\xA6";  // …
    return t;
}

std::string format_utc_time(int64_t ms) { return text::iso8601(ms); }

std::string format_local_time(int64_t ms) { return text::local_minutes(ms); }

// --- conversations ---

int64_t ConversationStore::create_conversation(std::string_view title, const ConversationSettings& settings,
                                               std::string& error) {
    if (!sampling_is_object(settings.sampling_json)) {
        error = "sampling settings must be a JSON object";
        return 0;
    }
    int64_t now = text::now_ms();
    Statement st(db_, "INSERT INTO conversations (title, created_at, updated_at, model, provider, system_prompt, "
                      "sampling_json) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6)");
    st.bind(1, title).bind(2, now).bind(3, settings.model).bind(4, settings.provider);
    st.bind(5, settings.system_prompt).bind(6, settings.sampling_json);
    if (!st.run()) return failed(error, "creating a conversation", st.error());
    return db_.last_insert_id();
}

bool ConversationStore::list_conversations(int limit, int offset, std::vector<ConversationSummary>& out,
                                           std::string& error) {
    out.clear();
    // The preview reads only the start of the leaf's text, or of its question when the leaf has
    // no answer text (stopped while thinking): never the reasoning, which is not the answer.
    // The count walks one index range.
    Statement st(db_, R"sql(
        SELECT c.id, c.title, c.updated_at, c.pinned, c.model, substr(m.content, 1, 200), substr(p.content, 1, 200),
               (SELECT count(*) FROM messages x WHERE x.conversation_id = c.id)
        FROM conversations c LEFT JOIN messages m ON m.id = c.active_leaf_id LEFT JOIN messages p ON p.id = m.parent_id
        ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?1 OFFSET ?2)sql");
    st.bind(1, int64_t{limit}).bind(2, int64_t{offset});
    while (st.step()) {
        ConversationSummary s;
        s.id = st.column_int(0);
        s.title = st.column_text(1);
        s.updated_at = st.column_int(2);
        s.pinned = st.column_int(3) != 0;
        s.model = st.column_text(4);
        std::string preview = one_line(st.column_text(5));
        if (preview.empty()) preview = one_line(st.column_text(6));
        s.preview = std::string(text::utf8_prefix(preview, 120));
        s.message_count = st.column_int(7);
        out.push_back(std::move(s));
    }
    return st.error().empty() || failed(error, "listing conversations", st.error());
}

bool ConversationStore::get_conversation(int64_t id, Conversation& out, std::string& error) {
    Statement st(db_, "SELECT id, title, created_at, updated_at, pinned, model, provider, system_prompt, sampling_json, "
                      "coalesce(active_leaf_id, 0) FROM conversations WHERE id = ?1");
    if (!st.bind(1, id).step()) {
        error = st.error().empty() ? "no conversation " + std::to_string(id) : "reading a conversation: " + st.error();
        return false;
    }
    out.id = st.column_int(0);
    out.title = st.column_text(1);
    out.created_at = st.column_int(2);
    out.updated_at = st.column_int(3);
    out.pinned = st.column_int(4) != 0;
    out.settings.model = st.column_text(5);
    out.settings.provider = st.column_text(6);
    out.settings.system_prompt = st.column_text(7);
    out.settings.sampling_json = st.column_text(8);
    out.active_leaf_id = st.column_int(9);
    return true;
}

namespace {
bool update_one(Database& db, Statement& st, int64_t id, const char* what, std::string& error) {
    if (!st.run()) return failed(error, what, st.error());
    if (db.changes() == 0) return failed(error, what, "no conversation " + std::to_string(id));
    return true;
}
} // namespace

bool ConversationStore::rename_conversation(int64_t id, std::string_view title, std::string& error) {
    Statement st(db_, "UPDATE conversations SET title = ?2 WHERE id = ?1");
    st.bind(1, id).bind(2, title);
    return update_one(db_, st, id, "renaming a conversation", error);
}

bool ConversationStore::set_pinned(int64_t id, bool pinned, std::string& error) {
    Statement st(db_, "UPDATE conversations SET pinned = ?2 WHERE id = ?1");
    st.bind(1, id).bind(2, int64_t{pinned});
    return update_one(db_, st, id, "pinning a conversation", error);
}

bool ConversationStore::update_settings(int64_t id, const ConversationSettings& s, std::string& error) {
    if (!sampling_is_object(s.sampling_json)) return failed(error, "saving settings", "sampling settings must be a JSON object");
    Statement st(db_, "UPDATE conversations SET model = ?2, provider = ?3, system_prompt = ?4, sampling_json = ?5 "
                      "WHERE id = ?1");
    st.bind(1, id).bind(2, s.model).bind(3, s.provider).bind(4, s.system_prompt).bind(5, s.sampling_json);
    return update_one(db_, st, id, "saving settings", error);
}

bool ConversationStore::delete_conversation(int64_t id, std::string& error) {
    Statement st(db_, "DELETE FROM conversations WHERE id = ?1");  // messages follow by ON DELETE CASCADE
    st.bind(1, id);
    return update_one(db_, st, id, "deleting a conversation", error);
}

// --- messages ---

bool ConversationStore::load_active_branch(int64_t conversation_id, std::vector<Message>& out, std::string& error) {
    out.clear();
    Conversation c;
    if (!get_conversation(conversation_id, c, error)) return false;
    // Up from the leaf by parent links; root first is id order, as a child is always newer
    // than its parent. The parent is looked up in a scalar subquery, not a join: for a join in
    // the recursive step SQLite (3.40) may build a Bloom filter over the whole messages table on
    // every step (20 ms at 20,000 messages, seconds at a million). Sibling positions come from
    // the (parent_id, conversation_id, id) index: two short range counts per message.
    Statement st(db_, std::string(R"sql(
        WITH RECURSIVE path(id, parent) AS (
            SELECT id, parent_id FROM messages WHERE id = ?1
            UNION ALL
            SELECT path.parent, (SELECT parent_id FROM messages WHERE id = path.parent) FROM path
            WHERE path.parent IS NOT NULL)
        SELECT )sql") + kMessageColumns + R"sql(,
            (SELECT count(*) FROM messages s WHERE s.parent_id IS m.parent_id AND s.conversation_id = m.conversation_id
                                                   AND s.id < m.id),
            (SELECT count(*) FROM messages s WHERE s.parent_id IS m.parent_id AND s.conversation_id = m.conversation_id)
        FROM messages m WHERE m.id IN (SELECT id FROM path) ORDER BY m.id)sql");
    if (c.active_leaf_id) st.bind(1, c.active_leaf_id);
    else st.bind_null(1);
    while (st.step()) {
        Message m;
        read_message(st, m);
        m.sibling_index = static_cast<int>(st.column_int(kMessageColumnCount));
        m.sibling_count = static_cast<int>(st.column_int(kMessageColumnCount + 1));
        out.push_back(std::move(m));
    }
    return st.error().empty() || failed(error, "loading a conversation", st.error());
}

bool ConversationStore::load_all_messages(int64_t conversation_id, std::vector<Message>& out, std::string& error) {
    out.clear();
    Statement st(db_, std::string("SELECT ") + kMessageColumns +
                          " FROM messages m WHERE m.conversation_id = ?1 ORDER BY m.id");
    st.bind(1, conversation_id);
    while (st.step()) {
        Message m;
        read_message(st, m);
        out.push_back(std::move(m));
    }
    return st.error().empty() || failed(error, "loading messages", st.error());
}

bool ConversationStore::load_message(int64_t id, Message& out, std::string& error) {
    Statement st(db_, std::string("SELECT ") + kMessageColumns + " FROM messages m WHERE m.id = ?1");
    if (!st.bind(1, id).step()) {
        error = st.error().empty() ? "no message " + std::to_string(id) : "reading a message: " + st.error();
        return false;
    }
    read_message(st, out);
    return true;
}

bool ConversationStore::siblings(int64_t message_id, Siblings& out, std::string& error) {
    out = {};
    Statement st(db_, "SELECT s.id FROM messages m JOIN messages s ON s.parent_id IS m.parent_id "
                      "AND s.conversation_id = m.conversation_id WHERE m.id = ?1 ORDER BY s.id");
    st.bind(1, message_id);
    while (st.step()) {
        if (st.column_int(0) == message_id) out.index = static_cast<int>(out.ids.size());
        out.ids.push_back(st.column_int(0));
    }
    if (!st.error().empty()) return failed(error, "reading siblings", st.error());
    if (out.ids.empty()) return failed(error, "reading siblings", "no message " + std::to_string(message_id));
    return true;
}

int64_t ConversationStore::switch_branch(int64_t message_id, std::string& error) {
    Transaction tx(db_);
    Message m;
    if (!load_message(message_id, m, error)) return 0;
    // A child is always newer than its parent, so the newest message under `message_id` has no
    // children: it is the newest leaf.
    Statement st(db_, R"sql(
        WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id)
        SELECT max(id) FROM sub)sql");
    if (!st.bind(1, message_id).step()) {
        failed(error, "switching branch", st.error());
        return 0;
    }
    int64_t leaf = st.column_int(0);
    st.reset();
    if (!set_active_leaf(m.conversation_id, leaf, error) || !tx.commit(error)) return 0;
    return leaf;
}

bool ConversationStore::set_active_leaf(int64_t conversation_id, int64_t leaf_id, std::string& error) {
    Statement st(db_, "UPDATE conversations SET active_leaf_id = ?2 WHERE id = ?1");
    st.bind(1, conversation_id).bind(2, leaf_id);
    return update_one(db_, st, conversation_id, "selecting the active message", error);
}

int64_t ConversationStore::insert_message(const Message& m, const std::string& writer, std::string& error) {
    Statement st(db_, R"sql(
        INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, state, model, created_at, writer)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql");
    st.bind(1, m.conversation_id);
    if (m.parent_id) st.bind(2, m.parent_id);
    else st.bind_null(2);
    st.bind(3, role_name(m.role)).bind(4, m.content).bind(5, m.reasoning).bind(6, message_state_name(m.state));
    st.bind(7, m.model).bind(8, m.created_at);
    if (writer.empty()) st.bind_null(9);
    else st.bind(9, writer);
    if (!st.run()) {
        failed(error, "adding a message", st.error());
        return 0;
    }
    int64_t id = db_.last_insert_id();
    Statement touch(db_, "UPDATE conversations SET active_leaf_id = ?2, updated_at = ?3 WHERE id = ?1");
    if (!touch.bind(1, m.conversation_id).bind(2, id).bind(3, m.created_at).run()) {
        failed(error, "adding a message", touch.error());
        return 0;
    }
    return id;
}

namespace {
// A message to insert under `parent_id` (0: a first message), stamped now.
Message new_message(int64_t conversation_id, int64_t parent_id, Role role) {
    Message m;
    m.conversation_id = conversation_id;
    m.parent_id = parent_id;
    m.role = role;
    m.created_at = text::now_ms();
    return m;
}
} // namespace

int64_t ConversationStore::append_message(int64_t conversation_id, int64_t parent_id, Role role,
                                          std::string_view content, std::string& error) {
    Transaction tx(db_);
    Conversation c;
    if (!get_conversation(conversation_id, c, error)) return 0;
    Message m = new_message(conversation_id, parent_id, role);
    m.content = content;
    int64_t id = insert_message(m, "", error);
    return id && tx.commit(error) ? id : 0;
}

int64_t ConversationStore::append_user_message(int64_t conversation_id, std::string_view content, std::string& error) {
    Conversation c;
    if (!get_conversation(conversation_id, c, error)) return 0;
    return append_message(conversation_id, c.active_leaf_id, Role::User, content, error);
}

int64_t ConversationStore::edit_message(int64_t message_id, std::string_view content, std::string& error) {
    Message m;
    if (!load_message(message_id, m, error)) return 0;
    return append_message(m.conversation_id, m.parent_id, m.role, content, error);
}

int64_t ConversationStore::begin_assistant_message(int64_t conversation_id, int64_t parent_id, std::string_view model,
                                                   std::string& error) {
    Transaction tx(db_);
    Conversation c;
    if (!get_conversation(conversation_id, c, error)) return 0;
    Message m = new_message(conversation_id, parent_id, Role::Assistant);
    m.state = MessageState::Streaming;
    m.model = model;
    int64_t id = insert_message(m, process_identity::current(), error);
    return id && tx.commit(error) ? id : 0;
}

int64_t ConversationStore::begin_regeneration(int64_t message_id, std::string_view model, std::string& error) {
    Message m;
    if (!load_message(message_id, m, error)) return 0;
    if (m.role != Role::Assistant) {
        error = "message " + std::to_string(message_id) + " is not an answer; only answers are regenerated";
        return 0;
    }
    return begin_assistant_message(m.conversation_id, m.parent_id, model, error);
}

bool ConversationStore::delete_message(int64_t message_id, std::string& error) {
    Transaction tx(db_);
    Message m;
    if (!load_message(message_id, m, error)) return false;
    Statement del(db_, "DELETE FROM messages WHERE id = ?1");  // children by ON DELETE CASCADE
    if (!del.bind(1, message_id).run()) return failed(error, "deleting a message", del.error());
    Conversation c;
    if (!get_conversation(m.conversation_id, c, error)) return false;
    if (c.active_leaf_id == 0) {  // the leaf was under it: ON DELETE SET NULL cleared it
        // As in switch_branch: the newest message under a node is a leaf.
        Statement st(db_, m.parent_id ? R"sql(
            WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT x.id FROM messages x JOIN sub ON x.parent_id = sub.id)
            SELECT max(id) FROM sub)sql"
                                      : "SELECT max(id) FROM messages WHERE conversation_id = ?1");
        st.bind(1, m.parent_id ? m.parent_id : m.conversation_id);
        if (!st.step()) return failed(error, "deleting a message", st.error());
        int64_t leaf = st.column_int(0);  // 0 (NULL) when nothing is left
        st.reset();
        if (leaf && !set_active_leaf(m.conversation_id, leaf, error)) return false;
    }
    return tx.commit(error) || failed(error, "deleting a message", error);
}

} // namespace ponder
