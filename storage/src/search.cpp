// Full-text search over titles and messages (FTS5 indexes from migration 3).
#include "ponder/conversation_store.h"

#include "search_query.h"

#include <vector>

namespace ponder {

std::string fts_query_from_text(std::string_view text) {
    std::vector<std::string> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) i++;
        size_t start = i;
        while (i < text.size() && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) i++;
        std::string_view w = text.substr(start, i - start);
        // Only words the tokenizer keeps something of: letters, digits, anything non-ASCII.
        bool has_token = false;
        for (char c : w)
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c & 0x80))
                has_token = true;
        if (!has_token) continue;
        std::string quoted = "\"";
        for (char c : w) {
            if (c == '\0') continue;  // FTS5 query text ends at a NUL
            quoted += c;
            if (c == '"') quoted += '"';
        }
        words.push_back(quoted + "\"");
    }
    std::string q;
    for (const std::string& w : words) q += (q.empty() ? "" : " ") + w;
    return q;
}

bool ConversationStore::search(std::string_view query, const SearchOptions& options, std::vector<SearchHit>& out,
                               std::string& error) {
    out.clear();
    std::string q = fts_query_from_text(query);
    if (q.empty() || options.limit <= 0) return true;

    // Newest first rather than by relevance: FTS5 then stops after `limit` rows instead of
    // ranking every match (a common word matches a good part of a million messages), and
    // snippets are made for those rows only, inside the subquery.
    Statement titles(db_, R"sql(
        SELECT f.id, f.snip, c.updated_at, c.title FROM
            (SELECT rowid AS id, highlight(conversations_fts, 0, ?2, ?3) AS snip FROM conversations_fts
             WHERE conversations_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?4) f
        JOIN conversations c ON c.id = f.id ORDER BY f.id DESC)sql");
    titles.bind(1, q).bind(2, options.mark_begin).bind(3, options.mark_end).bind(4, int64_t{options.limit});
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
    if (left <= 0) return true;
    // Without reasoning: a column filter keeps matches to the answer text; snippets from column
    // 0 (content), or from whichever column matched best (-1).
    std::string match = options.include_reasoning ? q : "{content} : (" + q + ")";
    Statement messages(db_, R"sql(
        SELECT f.id, f.snip, m.conversation_id, m.role, m.created_at, c.title FROM
            (SELECT rowid AS id, snippet(messages_fts, ?5, ?2, ?3, '…', 16) AS snip FROM messages_fts
             WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?4) f
        JOIN messages m ON m.id = f.id JOIN conversations c ON c.id = m.conversation_id ORDER BY f.id DESC)sql");
    messages.bind(1, match).bind(2, options.mark_begin).bind(3, options.mark_end).bind(4, left);
    messages.bind(5, int64_t{options.include_reasoning ? -1 : 0});
    while (messages.step()) {
        SearchHit h;
        h.message_id = messages.column_int(0);
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
    return true;
}

} // namespace ponder
