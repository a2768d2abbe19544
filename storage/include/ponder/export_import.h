// Conversations out of and into the database, in formats other tools read.
//
// JSON ("ponder-conversations", version 1):
//   {"format": "ponder-conversations", "version": 1, "exported_at": "2026-11-30T14:25:01.123Z",
//    "conversations": [
//      {"id": 12, "title": "...", "created_at": "...", "updated_at": "...", "pinned": false,
//       "model": "...", "provider": "...", "sampling": {"temperature": 0.6},
//       "messages": [                       <- the branch on screen, OpenAI-style, root first
//         {"role": "system", "content": "..."},                     (the system prompt, if any)
//         {"role": "user", "content": "...", "id": 40, "parent": null, "state": "complete", ...},
//         {"role": "assistant", "content": "...", "reasoning_content": "...", "id": 41, "parent": 40,
//          "state": "complete", "model": "...", "created_at": "...", "prompt_tokens": 12, ...}],
//       "other_branches": [ ...the messages not on that branch (earlier edits, other answers),
//                           same fields, oldest first ]}]}
// One conversation per line. Readers that know OpenAI's format use "messages" and ignore the
// rest; Ponder's import rebuilds the whole tree from the ids and parents, so an export loses
// nothing. The last entry of "messages" is the active leaf.
//
// Import also takes the plain form: messages without "id" / "parent" form one chain; a leading
// system message becomes the system prompt. Everything is validated before anything is written;
// the first bad record is named ("conversations[2].messages[7].role: ..."), and the whole file is
// imported in one transaction, so a bad file changes nothing. Imported conversations get new ids;
// a message still streaming in the file arrives as interrupted.
//
// Markdown: the branch on screen, readable, reasoning folded in <details> blocks.
// JSONL: one {"prompt", "reasoning", "answer", "messages", ...} line per complete answer in every
// branch (regenerations included), "messages" being the history before it in OpenAI form: the
// shape distillation datasets for small reasoning models are fine-tuned from.
//
// Stored text keeps its bytes; JSON and Markdown must be UTF-8, so invalid sequences are written
// as U+FFFD there (NUL bytes survive JSON as \u0000).
#pragma once

#include "ponder/conversation_store.h"
#include "ponder/storage.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

enum class ExportFormat { Json, Markdown, Jsonl };
bool parse_export_format(std::string_view s, ExportFormat& out);  // "json", "md" / "markdown", "jsonl"

// `ids` empty: every conversation, oldest first. Writes as it reads, one conversation at a time.
bool export_conversations(Database& db, const std::vector<int64_t>& ids, ExportFormat format, std::ostream& out,
                          std::string& error);

// A conversation read from an export file, validated, not yet in the database. Message ids and
// parent ids are positions in `messages` (1-based; parent 0: a first message), parents first.
struct ImportedConversation {
    std::string title;
    int64_t created_at = 0, updated_at = 0;
    bool pinned = false;
    ConversationSettings settings;
    std::vector<Message> messages;
    int64_t active_leaf = 0;  // position in `messages`, 0 when there are none
};

bool parse_conversations_json(std::string_view json_text, std::vector<ImportedConversation>& out, std::string& error);

struct ImportResult {
    std::vector<int64_t> conversation_ids;  // the new ids, in file order
    int64_t message_count = 0;
};

// Parses, validates and imports in one transaction: all or nothing.
bool import_conversations(Database& db, std::string_view json_text, ImportResult& result, std::string& error);

} // namespace ponder
