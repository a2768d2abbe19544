// Text typed into a search box to FTS5 queries. Nothing of the text is syntax: it is split into
// words and folded by the indexes' own tokenizer ('-', ':', '*', '"', AND, NEAR and brackets are
// separators or plain words), and every word must occur. Each word matches the start of a word
// ("straw" finds "strawberry"), unless whole_words is asked for.
#pragma once

#include "ponder/storage.h"

#include <string>
#include <string_view>
#include <vector>

namespace ponder {

// The first 32 words count: a longer query is a pasted passage, which its first 32 words find, and
// each word costs the query time.
constexpr size_t kMaxSearchWords = 32;

// The words of `text` as the indexes hold them (case folded, accents removed), each once, in order.
bool search_words(Database& db, std::string_view text, std::vector<std::string>& out, std::string& error);

struct SearchPlan {
    std::string titles;    // FTS5 query for conversations_fts
    std::string messages;  // FTS5 query for messages_fts, no column filter; "" when no message can match
};

// The queries for `words` (from search_words, not empty). A word of up to 3 characters is a
// prefix query (prefix indexes 1-3, migration 4); a longer one becomes its completions from
// search_terms, ("straw" OR "strawberry" OR ...), or a plain prefix query past a few hundred.
bool plan_search(Database& db, const std::vector<std::string>& words, bool whole_words, SearchPlan& out,
                 std::string& error);

// A snippet of a message longer than kLongSnippetBytes: the 16 words around the first word of
// `text` that matches `words` (as the search does), matches between the marks, '…' where the
// text is cut; "" when nothing in `text` matches. FTS5's snippet() scores a window around every
// match against every other match, quadratic in the matches of one message: a 10 MB paste in
// which the searched word occurs a million times takes it many minutes. This reads the text
// once, stopping soon after the first match.
constexpr int64_t kLongSnippetBytes = 64 * 1024;
bool long_snippet(Database& db, std::string_view text, const std::vector<std::string>& words, bool whole_words,
                  const std::string& mark_begin, const std::string& mark_end, std::string& out, std::string& error);

} // namespace ponder
