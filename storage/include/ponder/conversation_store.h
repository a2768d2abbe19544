// Conversations and their message trees.
//
// A conversation's messages form a tree: editing a message or regenerating an answer adds a
// sibling (same parent), so no text is ever replaced or lost. The conversation remembers the
// leaf of the branch on screen (its active leaf); the UI shows the path from the root to it and
// pages between the siblings at each step ("< 2/3 >").
//
// A ConversationStore works on one Database and so on one thread (see storage.h). Every call
// that fails returns false (or 0 for an id) and says why in `error`; ids start at 1.
#pragma once

#include "ponder/storage.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

enum class Role { User, Assistant };
const char* role_name(Role r);  // "user", "assistant"
bool parse_role(std::string_view s, Role& out);

enum class MessageState {
    Complete,
    Streaming,    // being generated now; its text is saved as it grows (StreamingWriter)
    Cancelled,    // the user stopped it; the text so far is kept
    Error,        // generation failed; Message::error says why
    Interrupted,  // its writer died (crash, kill, power loss); the text saved so far is kept
};
const char* message_state_name(MessageState s);  // "complete", "streaming", ...
bool parse_message_state(std::string_view s, MessageState& out);

// What a finished generation measured. Zero means "not measured" (user messages).
struct MessageStats {
    int64_t prompt_tokens = 0;
    int64_t generated_tokens = 0;
    double prompt_tokens_per_s = 0;
    double generation_tokens_per_s = 0;
    int64_t reasoning_ms = 0;  // how long the model thought
    // What the engine did to the thought (a thinking budget ended it, "answer now", a loop), as
    // the engine writes it: a JSON array of {"kind", "at", "description", ...}; empty: nothing.
    std::string forced_thinking;
};

struct Message {
    int64_t id = 0;
    int64_t conversation_id = 0;
    int64_t parent_id = 0;  // 0: a first message
    Role role = Role::User;
    std::string content;
    std::string reasoning;
    MessageState state = MessageState::Complete;
    std::string error;  // state Error: what went wrong
    std::string model;
    MessageStats stats;
    int64_t created_at = 0;  // ms since the Unix epoch, UTC
    // Filled by load_active_branch: this message's place among its siblings, for "< 2/3 >"
    // (0-based index in creation order).
    int sibling_index = 0;
    int sibling_count = 1;
};

// Per-conversation settings: what the next answer will be generated with.
struct ConversationSettings {
    std::string model;     // model file name or remote model id
    std::string provider;  // "local", "deepseek", an endpoint's name, ...
    std::string system_prompt;
    std::string sampling_json = "{}";  // {"temperature": 0.6, "top_p": 0.95, ...}; must be a JSON object
};

struct Conversation {
    int64_t id = 0;
    std::string title;
    int64_t created_at = 0;
    int64_t updated_at = 0;  // last message activity
    bool pinned = false;
    ConversationSettings settings;
    int64_t active_leaf_id = 0;  // 0: no messages yet
};

// One row of the conversation list: cheap to fetch for a screenful.
struct ConversationSummary {
    int64_t id = 0;
    std::string title;
    int64_t updated_at = 0;
    bool pinned = false;
    std::string model;
    std::string preview;  // the start of the active leaf's answer (or question), on one line
    int64_t message_count = 0;  // every message in the tree, all branches
};

// The siblings of a message (itself included), in creation order.
struct Siblings {
    std::vector<int64_t> ids;
    int index = 0;  // where the asked-for message is in `ids`
};

struct SearchOptions {
    bool include_reasoning = false;  // also match inside the model's thoughts
    bool whole_words = false;        // "straw" finds "straw" only, not "strawberry"
    int limit = 50;
    std::string mark_begin = "[", mark_end = "]";  // around matched words in snippets
};

struct SearchHit {
    int64_t conversation_id = 0;
    std::string conversation_title;
    int64_t message_id = 0;  // 0: the title matched
    Role role = Role::User;
    std::string snippet;  // a few words around the match, matches marked
    int64_t created_at = 0;
};

// A title from the first line of a message: trimmed, at most ~60 characters.
std::string title_from_text(std::string_view text);
// Times as exports write them ("2026-11-30T14:25:01.123Z", UTC) and as people read them
// ("2026-11-30 14:25", local time).
std::string format_utc_time(int64_t ms);
std::string format_local_time(int64_t ms);

class ConversationStore {
public:
    explicit ConversationStore(Database& db) : db_(db) {}

    // --- conversations ---
    int64_t create_conversation(std::string_view title, const ConversationSettings& settings, std::string& error);
    // Pinned first, then the most recently active; `offset` pages further down the list.
    bool list_conversations(int limit, int offset, std::vector<ConversationSummary>& out, std::string& error);
    bool get_conversation(int64_t id, Conversation& out, std::string& error);
    bool rename_conversation(int64_t id, std::string_view title, std::string& error);
    bool set_pinned(int64_t id, bool pinned, std::string& error);
    bool update_settings(int64_t id, const ConversationSettings& settings, std::string& error);
    bool delete_conversation(int64_t id, std::string& error);  // with all its messages

    // --- messages ---
    // The path from the first message to the active leaf, each with its sibling position.
    bool load_active_branch(int64_t conversation_id, std::vector<Message>& out, std::string& error);
    // Every message of the conversation, all branches, in creation order (parents first).
    bool load_all_messages(int64_t conversation_id, std::vector<Message>& out, std::string& error);
    bool load_message(int64_t id, Message& out, std::string& error);
    bool siblings(int64_t message_id, Siblings& out, std::string& error);
    // Shows the branch through `message_id` (a sibling the user paged to): the active leaf
    // becomes the newest message under it. Returns that leaf's id.
    int64_t switch_branch(int64_t message_id, std::string& error);

    // Adds a finished message as the last one of the active branch and makes it the active leaf.
    int64_t append_user_message(int64_t conversation_id, std::string_view content, std::string& error);
    // Adds a finished message under `parent_id` (0: a first message); it becomes the active leaf.
    int64_t append_message(int64_t conversation_id, int64_t parent_id, Role role, std::string_view content,
                           std::string& error);
    // An edit: a new sibling of `message_id` with the same role and the new text, made the
    // active leaf. The original stays, one page away.
    int64_t edit_message(int64_t message_id, std::string_view content, std::string& error);
    // Starts an answer under `parent_id`, in state Streaming and owned by this process, and makes
    // it the active leaf; write it with a StreamingWriter.
    int64_t begin_assistant_message(int64_t conversation_id, int64_t parent_id, std::string_view model,
                                    std::string& error);
    // Starts a new answer beside the assistant message `message_id` (same parent).
    int64_t begin_regeneration(int64_t message_id, std::string_view model, std::string& error);
    // Deletes a message and everything under it, because the user asked (nothing else ever
    // removes text). If the branch on screen went with it, the newest branch left beside it
    // (under the same parent) is shown, or the conversation's newest one.
    bool delete_message(int64_t message_id, std::string& error);

    // --- search ---
    // Words of `query` (plain text, no syntax; the first 32) must all occur, each as the start of
    // a word (case and accents ignored): "straw ber" finds "strawberry" next to "berries", as a
    // search box does while the user types. Every word is a prefix, not only the last: a finished
    // word matches itself too, and the order of words does not matter. Title hits first, then
    // messages, newest first; the snippet marks whole matched words. A few ms at a million
    // messages for prefixes of any length (tests/bench/bench_storage.cpp; search.cpp has the
    // one case that can take longer).
    bool search(std::string_view query, const SearchOptions& options, std::vector<SearchHit>& out,
                std::string& error);

private:
    bool set_active_leaf(int64_t conversation_id, int64_t leaf_id, std::string& error);
    int64_t insert_message(const Message& m, const std::string& writer, std::string& error);
    Database& db_;
};

} // namespace ponder
