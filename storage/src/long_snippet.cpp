// Snippets of long messages, made here rather than by FTS5 (see search_query.h for why).
#include "search_query.h"

#include <algorithm>
#include <deque>

namespace ponder {

namespace {

constexpr size_t kSnippetTokens = 16;  // as the snippet() call in search.cpp asks of FTS5
constexpr size_t kTokensBeforeMatch = 5;

struct Span {
    size_t start = 0, end = 0;
    bool matched = false;
};

bool matches(const std::string& token, const std::vector<std::string>& words, bool whole_words) {
    for (const std::string& w : words)
        if (whole_words ? token == w : token.compare(0, w.size(), w) == 0) return true;
    return false;
}

} // namespace

bool long_snippet(Database& db, std::string_view text, const std::vector<std::string>& words, bool whole_words,
                  const std::string& mark_begin, const std::string& mark_end, std::string& out, std::string& error) {
    out.clear();
    // Without ORDER BY the tokenizer table yields tokens as it cuts them, so reading stops a few
    // tokens past the first match instead of cutting the whole text.
    Statement tokens(db, R"sql(SELECT token, start, "end" FROM search_tokenizer WHERE input = ?1)sql");
    tokens.bind(1, text);
    std::deque<Span> window;
    bool found = false, first_in_window = true, more_after = false;
    while (tokens.step()) {
        Span s{static_cast<size_t>(tokens.column_int(1)), static_cast<size_t>(tokens.column_int(2)), false};
        if (found && window.size() == kSnippetTokens) {
            more_after = true;
            break;
        }
        s.matched = matches(tokens.column_text(0), words, whole_words);
        window.push_back(s);
        if (!found && s.matched) found = true;
        if (!found && window.size() > kTokensBeforeMatch) {
            window.pop_front();
            first_in_window = false;
        }
    }
    if (!tokens.error().empty()) {
        error = "cutting a long message into words: " + tokens.error();
        return false;
    }
    if (!found) return true;
    size_t at = first_in_window ? 0 : window.front().start;
    if (!first_in_window) out += "…";
    for (const Span& s : window) {
        if (s.end > text.size() || s.start < at || s.end < s.start) break;  // offsets are bytes of `text`
        out.append(text.substr(at, s.start - at));
        if (s.matched) out += mark_begin;
        out.append(text.substr(s.start, s.end - s.start));
        if (s.matched) out += mark_end;
        at = s.end;
    }
    if (more_after)
        out += "…";
    else
        out.append(text.substr(std::min(at, text.size())));
    return true;
}

} // namespace ponder
