// Every schema change Ponder ever made, in order. Entry k takes the database from user_version k
// to k + 1 and runs in one transaction (Database::migrate). Never edit a shipped entry: a user's
// file was made by it. Append a new one, and a test that migrates data from every earlier version.
//
// Conventions: times are INTEGER milliseconds since the Unix epoch (UTC); ids are AUTOINCREMENT,
// so an id is never reused (exports, app_state and the app's views hold them) and a message's id
// is always greater than its parent's (the store relies on it to find the newest leaf).
#include "migrations.h"

#include <iterator>

namespace ponder::schema {

const char* const kMigrations[] = {
    // 1: key/value application state (window geometry, last conversation, ...).
    "CREATE TABLE app_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;",

    // 2: conversations as trees of messages, and the registry of local model files.
    R"sql(
CREATE TABLE conversations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,       -- last message activity: orders the conversation list
    pinned         INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    model          TEXT NOT NULL DEFAULT '',  -- model file name or remote model id last used
    provider       TEXT NOT NULL DEFAULT '',  -- "local", "deepseek", an endpoint's name, ...
    system_prompt  TEXT NOT NULL DEFAULT '',
    sampling_json  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(sampling_json)),
    active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL  -- the branch on screen ends here
) STRICT;

-- Edits and regenerations are siblings (same parent), so no text is ever replaced.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id        INTEGER REFERENCES messages(id) ON DELETE CASCADE,  -- NULL: a first message
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content          TEXT NOT NULL DEFAULT '',
    reasoning        TEXT NOT NULL DEFAULT '',  -- the model's thought (<think> ... </think>)
    reasoning_ms     INTEGER NOT NULL DEFAULT 0,  -- how long it thought
    state            TEXT NOT NULL DEFAULT 'complete'
                     CHECK (state IN ('complete', 'streaming', 'cancelled', 'error', 'interrupted')),
    error            TEXT NOT NULL DEFAULT '',  -- state 'error': what went wrong
    model            TEXT NOT NULL DEFAULT '',
    prompt_tokens    INTEGER NOT NULL DEFAULT 0,  -- 0: not measured (user messages)
    generated_tokens INTEGER NOT NULL DEFAULT 0,
    prompt_tokens_per_s     REAL NOT NULL DEFAULT 0,
    generation_tokens_per_s REAL NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    writer           TEXT  -- while streaming: "pid start-time boot-id" of the process writing it
) STRICT;

-- Siblings (and the foreign key's cascade from a parent) by parent; a conversation's messages by id.
CREATE INDEX messages_by_parent ON messages(parent_id, conversation_id, id);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
-- Small: only messages being written right now. Every open scans it for dead writers.
CREATE INDEX messages_streaming ON messages(id) WHERE state = 'streaming';
CREATE INDEX conversations_by_recency ON conversations(pinned, updated_at, id);
CREATE INDEX conversations_by_leaf ON conversations(active_leaf_id);

CREATE TRIGGER messages_parent_same_conversation BEFORE INSERT ON messages
WHEN NEW.parent_id IS NOT NULL
     AND (SELECT conversation_id FROM messages WHERE id = NEW.parent_id) IS NOT NEW.conversation_id
BEGIN SELECT RAISE(ABORT, 'a message''s parent must be in the same conversation'); END;

CREATE TRIGGER messages_tree_is_fixed BEFORE UPDATE OF conversation_id, parent_id, role ON messages
BEGIN SELECT RAISE(ABORT, 'a message cannot move in the tree or change its role'); END;

-- Text only grows while it streams; after that a change is a new sibling.
CREATE TRIGGER messages_text_is_final BEFORE UPDATE OF content, reasoning ON messages
WHEN OLD.state <> 'streaming'
BEGIN SELECT RAISE(ABORT, 'a finished message''s text cannot change (edit makes a sibling)'); END;

CREATE TRIGGER conversations_leaf_same_conversation BEFORE UPDATE OF active_leaf_id ON conversations
WHEN NEW.active_leaf_id IS NOT NULL
     AND (SELECT conversation_id FROM messages WHERE id = NEW.active_leaf_id) IS NOT NEW.id
BEGIN SELECT RAISE(ABORT, 'the active message must be in the same conversation'); END;

CREATE TABLE models (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    path          TEXT NOT NULL UNIQUE,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    modified_at   INTEGER NOT NULL DEFAULT 0,  -- the file's mtime when it was registered or last changed
    sha256        TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
    metadata_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata_json)),  -- cached GGUF header facts
    added_at      INTEGER NOT NULL,
    last_used_at  INTEGER  -- NULL: never loaded
) STRICT;
)sql",

    // 3: full-text search. The indexes are derived data, kept apart from the tables so a later
    // migration can drop and rebuild them (another tokenizer, say) without touching messages.
    // A message is indexed once it stops streaming: re-indexing a growing text four times a
    // second would cost more than the write itself.
    R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(content, reasoning, content = 'messages', content_rowid = 'id',
                                             tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE conversations_fts USING fts5(title, content = 'conversations', content_rowid = 'id',
                                                  tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO messages_fts(rowid, content, reasoning)
    SELECT id, content, reasoning FROM messages WHERE state <> 'streaming';
INSERT INTO conversations_fts(rowid, title) SELECT id, title FROM conversations;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN NEW.state <> 'streaming' BEGIN
    INSERT INTO messages_fts(rowid, content, reasoning) VALUES (NEW.id, NEW.content, NEW.reasoning);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN OLD.state <> 'streaming' BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
        VALUES ('delete', OLD.id, OLD.content, OLD.reasoning);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, reasoning, state ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
        SELECT 'delete', OLD.id, OLD.content, OLD.reasoning WHERE OLD.state <> 'streaming';
    INSERT INTO messages_fts(rowid, content, reasoning)
        SELECT NEW.id, NEW.content, NEW.reasoning WHERE NEW.state <> 'streaming';
END;
CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts(rowid, title) VALUES (NEW.id, NEW.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', OLD.id, OLD.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', OLD.id, OLD.title);
    INSERT INTO conversations_fts(rowid, title) VALUES (NEW.id, NEW.title);
END;
)sql",

    // 4: prefix search ("straw" finds "strawberry") within the search latency goals at a million
    // messages (tests/bench/bench_storage.cpp). A plain FTS5 prefix query reads the whole list of
    // every word it matches before it can return the newest hit (120-780 ms there), so:
    // - prefixes of 1-3 characters, which match hundreds or thousands of words, get FTS5 prefix
    //   indexes: one list per prefix, read from its newest end like a word's;
    // - a longer prefix is expanded to the words it completes through search_terms and searched as
    //   "word OR word ...", also read from the newest end (about 40 us a word; 4-letter prefixes
    //   complete to tens of words, 3-letter ones up to 833 of the benchmark's 20,000);
    // - detail=column (no word positions; search has no phrases) pays for most of the prefix
    //   indexes: at a million messages messages_fts takes 396 MB, against 231 MB with positions
    //   and no prefixes, and about 630 MB with both.
    // The triggers of migration 3 name these tables and go on serving them.
    R"sql(
DROP TABLE messages_fts;
DROP TABLE conversations_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(content, reasoning, content = 'messages', content_rowid = 'id',
                                             tokenize = 'unicode61 remove_diacritics 2', detail = column,
                                             prefix = '1 2 3');
CREATE VIRTUAL TABLE conversations_fts USING fts5(title, content = 'conversations', content_rowid = 'id',
                                                  tokenize = 'unicode61 remove_diacritics 2', detail = column,
                                                  prefix = '1 2 3');
INSERT INTO messages_fts(rowid, content, reasoning)
    SELECT id, content, reasoning FROM messages WHERE state <> 'streaming';
INSERT INTO conversations_fts(rowid, title) SELECT id, title FROM conversations;

-- The indexes' tokenizer as SQL can call it (FTS3's unicode61 splits and folds exactly as FTS5's:
-- tests/storage/test_search.cpp checks every code point). Stores nothing.
CREATE VIRTUAL TABLE search_tokenizer USING fts3tokenize('unicode61', 'remove_diacritics=2');

-- Every word of messages_fts, for expanding prefixes. Counted, so that the last message holding a
-- word takes it away (a deleted conversation's words do not stay behind). Keeping it costs about
-- 0.3-0.4 ms a finished message of the benchmark (most of why its bulk insert takes 3.9 times as
-- long), none while one streams. Filled from FTS5's own list of the index just built (fts5vocab
-- sees this transaction).
CREATE TABLE search_terms (
    term     TEXT PRIMARY KEY NOT NULL,                -- as indexed: case folded, accents removed
    messages INTEGER NOT NULL CHECK (messages > 0)     -- indexed messages holding it (answer or reasoning)
) STRICT, WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.messages_fts_words USING fts5vocab(main, messages_fts, row);
INSERT INTO search_terms (term, messages) SELECT term, doc FROM temp.messages_fts_words;
DROP TABLE temp.messages_fts_words;

-- Kept as messages_fts is: a message counts once it stops streaming. The ' ' keeps the answer's
-- last word and the reasoning's first apart.
CREATE TRIGGER search_terms_insert AFTER INSERT ON messages WHEN NEW.state <> 'streaming' BEGIN
    INSERT INTO search_terms (term, messages)
        SELECT DISTINCT token, 1 FROM search_tokenizer WHERE input = NEW.content || ' ' || NEW.reasoning
        ON CONFLICT (term) DO UPDATE SET messages = messages + 1;
END;
CREATE TRIGGER search_terms_delete AFTER DELETE ON messages WHEN OLD.state <> 'streaming' BEGIN
    DELETE FROM search_terms WHERE messages = 1
        AND term IN (SELECT token FROM search_tokenizer WHERE input = OLD.content || ' ' || OLD.reasoning);
    UPDATE search_terms SET messages = messages - 1
        WHERE term IN (SELECT token FROM search_tokenizer WHERE input = OLD.content || ' ' || OLD.reasoning);
END;
-- Streaming writes (state stays 'streaming') skip both.
CREATE TRIGGER search_terms_update_old AFTER UPDATE OF content, reasoning, state ON messages
WHEN OLD.state <> 'streaming' BEGIN
    DELETE FROM search_terms WHERE messages = 1
        AND term IN (SELECT token FROM search_tokenizer WHERE input = OLD.content || ' ' || OLD.reasoning);
    UPDATE search_terms SET messages = messages - 1
        WHERE term IN (SELECT token FROM search_tokenizer WHERE input = OLD.content || ' ' || OLD.reasoning);
END;
CREATE TRIGGER search_terms_update_new AFTER UPDATE OF content, reasoning, state ON messages
WHEN NEW.state <> 'streaming' BEGIN
    INSERT INTO search_terms (term, messages)
        SELECT DISTINCT token, 1 FROM search_tokenizer WHERE input = NEW.content || ' ' || NEW.reasoning
        ON CONFLICT (term) DO UPDATE SET messages = messages + 1;
END;
)sql",

    // 5: what the engine did to an answer's thought (a thinking budget, "answer now", a loop), as
    // the engine writes it: [{"kind": "budget", "at": 2048, "description": "Thought cut at ..."}].
    R"sql(
ALTER TABLE messages ADD COLUMN forced_thinking TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(forced_thinking) AND json_type(forced_thinking) = 'array');
)sql",
};

const size_t kMigrationCount = std::size(kMigrations);

} // namespace ponder::schema
