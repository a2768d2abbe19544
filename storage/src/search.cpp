// Full-text search over titles and messages: the FTS5 indexes, search_tokenizer and search_terms
// of migration 4 (which says why the indexes are as they are).
#include "ponder/conversation_store.h"

#include "search_query.h"
#include "text.h"

#include <algorithm>

namespace ponder {

namespace {

// Keep in sync with migration 4's prefix = '1 2 3': FTS5 uses a prefix index only for a query
// prefix of exactly an indexed length (in characters), and reads every matching word otherwise.
constexpr size_t kIndexedPrefixChars = 3;
// A longer word is searched as its completions, ~40 us each at a million messages (the
// benchmark, where a 4-letter prefix completes to at most 82 words and a 3-letter one to 840):
// up to 300 for one word and 1,000 for the query, about 40 ms. Past that the word is a plain
// prefix query: exact, but it reads every completion's whole list, the one case that can take
// longer (the 120-780 ms of a prefix of the commonest words, at a million messages).
constexpr int64_t kMaxCompletions = 300;
constexpr size_t kMaxCompletionsPerQuery = 1000;

size_t utf8_chars(std::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// An FTS5 string: quoted, so nothing in it is syntax.
std::string quoted(std::string_view word) {
    std::string q = "\"";
    for (char c : word) {
        q += c;
        if (c == '"') q += '"';
    }
    return q + "\"";
}

// The least byte string above every string that starts with `prefix` (SQLite compares TEXT
// bytewise): the prefix with its last byte below 0xFF raised by one. "" when there is none.
std::string past_prefix(std::string_view prefix) {
    std::string s(prefix);
    while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xFF) s.pop_back();
    if (!s.empty()) s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
    return s;
}

// The snippets of the hits at `at` (long messages): from the answer, else from the reasoning
// when it is searched too.
bool snippets_of_long_messages(Database& db, const std::vector<size_t>& at, const std::vector<std::string>& words,
                               const SearchOptions& options, std::vector<SearchHit>& hits, std::string& error) {
    if (at.empty()) return true;
    Statement texts(db, "SELECT content, reasoning FROM messages WHERE id = ?1");
    for (size_t i : at) {
        SearchHit& h = hits[i];
        texts.reset();
        texts.bind(1, h.message_id);
        if (!texts.step()) {
            error = "reading message " + std::to_string(h.message_id) + " for its snippet: " +
                    (texts.error().empty() ? "it is gone" : texts.error());
            return false;
        }
        for (int column = 0; column < (options.include_reasoning ? 2 : 1) && h.snippet.empty(); column++)
            if (!long_snippet(db, texts.column_text(column), words, options.whole_words, options.mark_begin,
                              options.mark_end, h.snippet, error))
                return false;
    }
    return true;
}

} // namespace

bool search_words(Database& db, std::string_view text, std::vector<std::string>& out, std::string& error) {
    out.clear();
    // Read as UTF-8: a byte that is not becomes U+FFFD, a separator. The tokenizer would make a
    // word of it that FTS5 does not read back as one (and a message's bytes are kept as they
    // came, so such a word is in the index, but no one types it).
    Statement tokens(db, "SELECT token FROM search_tokenizer WHERE input = ?1 ORDER BY position");
    tokens.bind(1, text::valid_utf8(text));
    while (tokens.step()) {
        std::string word = tokens.column_text(0);
        if (word.empty() || std::find(out.begin(), out.end(), word) != out.end()) continue;
        out.push_back(std::move(word));
        if (out.size() == kMaxSearchWords) break;
    }
    if (!tokens.error().empty()) {
        error = "reading the search words: " + tokens.error();
        return false;
    }
    return true;
}

bool plan_search(Database& db, const std::vector<std::string>& words, bool whole_words, SearchPlan& out,
                 std::string& error) {
    out = {};
    Statement completions(db, "SELECT term FROM search_terms WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3");
    size_t expanded = 0;
    bool messages_can_match = true;
    for (const std::string& word : words) {
        const std::string sep = out.titles.empty() ? "" : " AND ";
        if (whole_words) {
            out.titles += sep + quoted(word);
            out.messages += sep + quoted(word);
            continue;
        }
        // Titles are few (a word in ten thousand titles is a short list): FTS5's own prefix query.
        out.titles += sep + quoted(word) + "*";
        if (utf8_chars(word) <= kIndexedPrefixChars) {
            out.messages += sep + quoted(word) + "*";
            continue;
        }
        const std::string past = past_prefix(word);
        if (past.empty()) {  // bytes 0xFF only: not UTF-8, and no range to read
            out.messages += sep + quoted(word) + "*";
            continue;
        }
        completions.reset();
        completions.bind(1, word).bind(2, past).bind(3, kMaxCompletions + 1);
        std::vector<std::string> found;
        while (completions.step()) found.push_back(completions.column_text(0));
        if (!completions.error().empty()) {
            error = "expanding \"" + word + "\": " + completions.error();
            return false;
        }
        if (found.empty()) messages_can_match = false;  // no message has a word starting so
        // A word cut from bytes that are not UTF-8 is not read back as itself from a query: the
        // prefix query finds it.
        const bool readable = std::all_of(found.begin(), found.end(), [](const std::string& w) {
            return text::valid_utf8(w) == w;
        });
        if (found.empty() || !readable || static_cast<int64_t>(found.size()) > kMaxCompletions ||
            expanded + found.size() > kMaxCompletionsPerQuery) {
            out.messages += sep + quoted(word) + "*";
            continue;
        }
        expanded += found.size();
        std::string any;
        for (const std::string& w : found) any += (any.empty() ? "(" : " OR ") + quoted(w);
        out.messages += sep + any + ")";
    }
    if (!messages_can_match) out.messages.clear();
    return true;
}

bool ConversationStore::search(std::string_view query, const SearchOptions& options, std::vector<SearchHit>& out,
                               std::string& error) {
    out.clear();
    if (options.limit <= 0) return true;
    std::vector<std::string> words;
    if (!search_words(db_, query, words, error)) return false;
    if (words.empty()) return true;
    SearchPlan plan;
    if (!plan_search(db_, words, options.whole_words, plan, error)) return false;

    // Newest first rather than by relevance: FTS5 then stops after `limit` rows instead of
    // ranking every match (a common word matches a good part of a million messages), and
    // snippets are made for those rows only, inside the subquery.
    Statement titles(db_, R"sql(
        SELECT f.id, f.snip, c.updated_at, c.title FROM
            (SELECT rowid AS id, highlight(conversations_fts, 0, ?2, ?3) AS snip FROM conversations_fts
             WHERE conversations_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?4) f
        JOIN conversations c ON c.id = f.id ORDER BY f.id DESC)sql");
    titles.bind(1, plan.titles).bind(2, options.mark_begin).bind(3, options.mark_end);
    titles.bind(4, int64_t{options.limit});
    while (titles.step()) {
        SearchHit h;
        h.conversation_id = titles.column_int(0);
        h.snippet = titles.column_text(1);
        h.created_at = titles.column_int(2);
        h.conversation_title = titles.column_text(3);
        out.push_back(std::move(h));
    }
    if (!titles.error().empty()) {
        error = "searching titles: " + titles.error();
        return false;
    }
    int64_t left = options.limit - static_cast<int64_t>(out.size());
    if (left <= 0 || plan.messages.empty()) return true;
    // Without reasoning: a column filter keeps matches to the answer text; snippets from column
    // 0 (content), or from whichever column matched best (-1).
    std::string match = options.include_reasoning ? plan.messages : "{content} : (" + plan.messages + ")";
    // A long message's snippet (NULL here) is made by long_snippet: snippet() is quadratic.
    Statement messages(db_, R"sql(
        SELECT f.id, f.snip, m.conversation_id, m.role, m.created_at, c.title FROM
            (SELECT rowid AS id,
                    CASE WHEN length(CAST(content AS BLOB)) + ifnull(length(CAST(reasoning AS BLOB)), 0) <= ?6
                         THEN snippet(messages_fts, ?5, ?2, ?3, '…', 16) END AS snip
             FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?4) f
        JOIN messages m ON m.id = f.id JOIN conversations c ON c.id = m.conversation_id ORDER BY f.id DESC)sql");
    messages.bind(1, match).bind(2, options.mark_begin).bind(3, options.mark_end).bind(4, left);
    messages.bind(5, int64_t{options.include_reasoning ? -1 : 0}).bind(6, kLongSnippetBytes);
    std::vector<size_t> long_hits;
    while (messages.step()) {
        SearchHit h;
        h.message_id = messages.column_int(0);
        if (messages.column_is_null(1))
            long_hits.push_back(out.size());
        else
            h.snippet = messages.column_text(1);
        h.conversation_id = messages.column_int(2);
        parse_role(messages.column_text(3), h.role);
        h.created_at = messages.column_int(4);
        h.conversation_title = messages.column_text(5);
        out.push_back(std::move(h));
    }
    if (!messages.error().empty()) {
        error = "searching messages: " + messages.error();
        return false;
    }
    return snippets_of_long_messages(db_, long_hits, words, options, out, error);
}

} // namespace ponder
