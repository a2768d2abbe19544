// Search as a search box needs it: every word matches the start of a word, newest first, matched
// words marked, with and without the reasoning; typed syntax means nothing and never fails. The
// results are checked against a plain scan of the messages; the vocabulary that expands prefixes
// (search_terms) against FTS5's own after every kind of write; the SQL tokenizer that both rely on
// against FTS5's for every code point.
#include "ponder/conversation_store.h"
#include "ponder/export_import.h"
#include "ponder/streaming_writer.h"
#include "search_query.h"
#include "test_util.h"

#include <algorithm>
#include <random>

using namespace ponder;
using namespace ponder::test;

namespace {

std::unique_ptr<Database> memory_db() {
    std::string err;
    auto db = Database::open(":memory:", err);
    EXPECT_NE(db, nullptr) << err;
    return db;
}

int64_t finished_answer(ConversationStore& store, Database& db, int64_t conv, int64_t parent, const std::string& text,
                        const std::string& reasoning = "") {
    std::string err;
    int64_t id = store.begin_assistant_message(conv, parent, "m", err);
    EXPECT_TRUE(id) << err;
    StreamingWriter w(db, id, StreamingPolicy{0, 1});
    if (!reasoning.empty()) w.add_reasoning(reasoning);
    w.add_content(text);
    EXPECT_TRUE(w.finish(MessageState::Complete, {}, "", err)) << err;
    return id;
}

// Every token of `text`, as the indexes cut and fold it.
std::vector<std::string> tokens_of(Database& db, std::string_view text) {
    Statement st(db, "SELECT token FROM search_tokenizer WHERE input = ?1 ORDER BY position");
    st.bind(1, text);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.column_text(0));
    EXPECT_EQ(st.error(), "");
    return out;
}

// Whether every query word starts some token of the text (or equals one, for whole words).
bool scan_matches(const std::vector<std::string>& text_tokens, const std::vector<std::string>& words, bool whole) {
    for (const std::string& w : words) {
        bool found = std::any_of(text_tokens.begin(), text_tokens.end(), [&](const std::string& t) {
            return whole ? t == w : t.compare(0, w.size(), w) == 0;
        });
        if (!found) return false;
    }
    return true;
}

// What search must return, by reading every title and message: title ids, then message ids,
// newest first, at most `limit` in all.
std::vector<std::pair<int64_t, int64_t>> scan(Database& db, std::string_view query, const SearchOptions& o) {
    std::vector<std::string> words;
    std::string err;
    EXPECT_TRUE(search_words(db, query, words, err)) << err;
    std::vector<std::pair<int64_t, int64_t>> out;  // (conversation id, message id or 0)
    if (words.empty()) return out;
    Statement titles(db, "SELECT id, title FROM conversations ORDER BY id DESC");
    while (titles.step() && out.size() < static_cast<size_t>(o.limit))
        if (scan_matches(tokens_of(db, titles.column_text(1)), words, o.whole_words))
            out.push_back({titles.column_int(0), 0});
    Statement msgs(db, "SELECT id, conversation_id, content, reasoning FROM messages WHERE state <> 'streaming' "
                       "ORDER BY id DESC");
    while (msgs.step() && out.size() < static_cast<size_t>(o.limit)) {
        std::string text = msgs.column_text(2);
        if (o.include_reasoning) text += " " + msgs.column_text(3);
        if (scan_matches(tokens_of(db, text), words, o.whole_words)) out.push_back({msgs.column_int(1), msgs.column_int(0)});
    }
    return out;
}

std::vector<std::pair<int64_t, int64_t>> ids(const std::vector<SearchHit>& hits) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const SearchHit& h : hits) out.push_back({h.conversation_id, h.message_id});
    return out;
}

// search_terms against FTS5's own list of the words in messages_fts and the messages holding them.
void expect_vocabulary_exact(Database& db) {
    std::string err;
    ASSERT_TRUE(db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_words USING fts5vocab(main, messages_fts, row)", err))
        << err;
    EXPECT_EQ(count_rows(db, "SELECT count(*) FROM (SELECT term, doc FROM temp.fts_words "
                             "EXCEPT SELECT term, messages FROM search_terms)"), 0);
    EXPECT_EQ(count_rows(db, "SELECT count(*) FROM (SELECT term, messages FROM search_terms "
                             "EXCEPT SELECT term, doc FROM temp.fts_words)"), 0);
    EXPECT_TRUE(db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)", err)) << err;
}

std::string utf8(uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

} // namespace

// Prefix expansion and the query's own words both come from search_tokenizer (FTS3's unicode61);
// the indexes use FTS5's. Any difference would lose matches, so: every code point, inside a word
// and alone, plus combining marks, NULs and bytes that are not UTF-8, cut the same way by both.
TEST(Search, SqlTokenizerCutsEveryCodePointAsTheIndexesDo) {
    auto db = memory_db();
    std::string err;
    ASSERT_TRUE(db->exec("CREATE VIRTUAL TABLE temp.doc USING fts5(x, tokenize = 'unicode61 remove_diacritics 2');"
                         "CREATE VIRTUAL TABLE temp.doc_words USING fts5vocab(temp, doc, instance);",
                         err))
        << err;
    std::vector<std::string> texts;
    std::string all;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        all += "ab" + utf8(cp) + "cd " + utf8(cp) + "\n";
        if (all.size() > (1 << 20)) texts.push_back(std::move(all)), all.clear();
    }
    texts.push_back(all);
    texts.push_back("e\xCC\x81te Cafe\xCC\x81 A\xCC\x8A\xCC\x8A x\xCC\xA3y \xE1\xBA\xA0\xCC\x81");  // combining marks
    texts.push_back(std::string("nul\0byte", 8) + " bad\xFF\xFEutf8 \xC3 end\xE2\x82 \xF0\x9F\x8D\x93 \xED\xA0\x80x");
    Statement insert(*db, "INSERT INTO temp.doc(rowid, x) VALUES (?1, ?2)");
    for (size_t i = 0; i < texts.size(); i++) {
        insert.reset();
        ASSERT_TRUE(insert.bind(1, static_cast<int64_t>(i + 1)).bind(2, texts[i]).run()) << insert.error();
    }
    std::vector<std::vector<std::string>> from_index(texts.size());
    Statement indexed(*db, "SELECT doc, term FROM temp.doc_words ORDER BY doc, offset");
    while (indexed.step()) from_index.at(static_cast<size_t>(indexed.column_int(0) - 1)).push_back(indexed.column_text(1));
    ASSERT_EQ(indexed.error(), "");
    for (size_t i = 0; i < texts.size(); i++) {
        SCOPED_TRACE("text " + std::to_string(i));
        std::vector<std::string> from_sql = tokens_of(*db, texts[i]);
        ASSERT_EQ(from_sql.size(), from_index[i].size());
        for (size_t k = 0; k < from_sql.size(); k++) ASSERT_EQ(from_sql[k], from_index[i][k]) << "token " << k;
    }
}

TEST(Search, WordsAreFoldedAndNothingIsSyntax) {
    auto db = memory_db();
    std::string err;
    auto words = [&](std::string_view text) {
        std::vector<std::string> w;
        EXPECT_TRUE(search_words(*db, text, w, err)) << err;
        return w;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(words("Hello WORLD"), (V{"hello", "world"}));
    EXPECT_EQ(words("Café NAÏVE schrödinger"), (V{"cafe", "naive", "schrodinger"}));
    EXPECT_EQ(words("\"a\" -b NEAR(c, 2) d* e:f {g} ^h AND OR NOT"),
              (V{"a", "b", "near", "c", "2", "d", "e", "f", "g", "h", "and", "or", "not"}));
    EXPECT_EQ(words("straw straw STRAW"), (V{"straw"}));
    EXPECT_EQ(words("日本語 テスト"), (V{"日本語", "テスト"}));
    EXPECT_EQ(words("don't e.g. node.js"), (V{"don", "t", "e", "g", "node", "js"}));
    EXPECT_EQ(words(std::string("a\0b", 3)), (V{"a", "b"}));
    EXPECT_EQ(words(""), V{});
    EXPECT_EQ(words(" \t\n  "), V{});
    EXPECT_EQ(words("🍓 🗼 - * \" ( ) :"), V{});
    EXPECT_EQ(words("🤔"), V{"🤔"});  // newer than unicode61's tables: a word character, as in the index
    std::string many;
    for (int i = 0; i < 40; i++) many += "w" + std::to_string(i) + " ";
    V first = words(many);
    ASSERT_EQ(first.size(), kMaxSearchWords);
    EXPECT_EQ(first.front(), "w0");
    EXPECT_EQ(first.back(), "w31");
}

TEST(Search, ShortPrefixesUseThePrefixIndexesLongerOnesTheirCompletions) {
    auto db = memory_db();
    ConversationStore store(*db);
    std::string err;
    int64_t c = store.create_conversation("fruit", {}, err);
    store.append_user_message(c, "strawberry straw strawman stripe", err);
    std::string abcd;  // a 4-letter prefix of more words than a query lists
    for (int i = 0; i <= 300; i++) abcd += " abcd" + std::to_string(i);
    store.append_user_message(c, abcd, err);
    auto plan = [&](std::vector<std::string> words, bool whole = false) {
        SearchPlan p;
        EXPECT_TRUE(plan_search(*db, words, whole, p, err)) << err;
        return p;
    };
    // search.cpp's kIndexedPrefixChars is the longest prefix index of migration 4.
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('messages_fts', 'conversations_fts') "
                              "AND sql LIKE '%prefix = ''1 2 3'')'"),
              2);
    EXPECT_EQ(plan({"s"}).messages, "\"s\"*");
    EXPECT_EQ(plan({"str"}).messages, "\"str\"*");
    EXPECT_EQ(plan({"stra"}).messages, "(\"straw\" OR \"strawberry\" OR \"strawman\")");
    EXPECT_EQ(plan({"strawb", "st"}).messages, "(\"strawberry\") AND \"st\"*");
    EXPECT_EQ(plan({"strawb", "st"}).titles, "\"strawb\"* AND \"st\"*");
    EXPECT_EQ(plan({"abcd"}).messages, "\"abcd\"*");  // 301 completions
    EXPECT_EQ(plan({"abcd29"}).messages, "(\"abcd29\" OR \"abcd290\" OR \"abcd291\" OR \"abcd292\" OR \"abcd293\" OR "
                                         "\"abcd294\" OR \"abcd295\" OR \"abcd296\" OR \"abcd297\" OR \"abcd298\" OR "
                                         "\"abcd299\")");
    EXPECT_EQ(plan({"strax", "s"}).messages, "");  // no word starts so: no message can match
    EXPECT_EQ(plan({"strax", "s"}).titles, "\"strax\"* AND \"s\"*");
    EXPECT_EQ(plan({"straw", "s"}, true).messages, "\"straw\" AND \"s\"");
}

TEST(Search, PrefixesFindWordsAsTheUserTypesThem) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    ConversationStore store(*db);
    int64_t fruit = store.create_conversation("Strawberry season", {}, err);
    int64_t q1 = store.append_user_message(fruit, "How many r's are in strawberry?", err);
    int64_t a1 = finished_answer(store, *db, fruit, q1, "There are three r's in the word.",
                                 "Spell it: s-t-r-a-w-b-e-r-r-y, then count berries.");
    int64_t other = store.create_conversation("Physics", {}, err);
    int64_t q2 = store.append_user_message(other, "Why are straws hollow? Strawberries grow on stolons.", err);
    int64_t q3 = store.append_user_message(other, "Ein Straßenname: Straßburg, naïve café", err);

    std::vector<SearchHit> hits;
    // Each letter typed: the results narrow, newest first, titles before messages.
    for (const char* typed : {"s", "st", "str", "stra", "straw", "strawb", "strawbe", "strawberry"}) {
        SCOPED_TRACE(typed);
        ASSERT_TRUE(store.search(typed, {}, hits, err)) << err;
        ASSERT_GE(hits.size(), 2u);
        EXPECT_EQ(hits[0].conversation_id, fruit);
        EXPECT_EQ(hits[0].message_id, 0);  // the title
        EXPECT_EQ(hits[0].snippet, std::string(typed) == "s" ? "[Strawberry] [season]" : "[Strawberry] season");
    }
    ASSERT_TRUE(store.search("strawb", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[1].message_id, q2);  // newer than q1
    EXPECT_EQ(hits[1].snippet, "Why are straws hollow? [Strawberries] grow on stolons.");
    EXPECT_EQ(hits[2].message_id, q1);
    EXPECT_EQ(hits[2].snippet, "How many r's are in [strawberry]?");
    ASSERT_TRUE(store.search("straw", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[1].snippet, "Why are [straws] hollow? [Strawberries] grow on stolons.");

    // Every word is a prefix, in any order; all must occur.
    ASSERT_TRUE(store.search("hol stra", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, q2);
    ASSERT_TRUE(store.search("stra hollowness", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    // Case and accents folded both ways; a word's start only, never its middle.
    ASSERT_TRUE(store.search("STRASSEN", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());  // ß is not "ss" to the tokenizer
    ASSERT_TRUE(store.search("straß NAIV cafe", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, q3);
    EXPECT_EQ(hits[0].snippet, "Ein [Straßenname]: [Straßburg], [naïve] [café]");
    ASSERT_TRUE(store.search("awberry", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());

    // Reasoning only when asked; its snippet then comes from the reasoning.
    ASSERT_TRUE(store.search("berri", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    SearchOptions thoughts;
    thoughts.include_reasoning = true;
    thoughts.mark_begin = "<b>";
    thoughts.mark_end = "</b>";
    ASSERT_TRUE(store.search("berri", thoughts, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, a1);
    EXPECT_EQ(hits[0].snippet, "Spell it: s-t-r-a-w-b-e-r-r-y, then count <b>berries</b>.");
    ASSERT_TRUE(store.search("thre spel", thoughts, hits, err)) << err;  // one in the answer, one in the thought
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, a1);
    ASSERT_TRUE(store.search("thre spel", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());

    // Whole words, for those who ask.
    SearchOptions whole;
    whole.whole_words = true;
    ASSERT_TRUE(store.search("straw", whole, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    ASSERT_TRUE(store.search("straws", whole, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].snippet, "Why are [straws] hollow? Strawberries grow on stolons.");

    // The limit counts titles and messages together.
    SearchOptions two;
    two.limit = 2;
    ASSERT_TRUE(store.search("s", two, hits, err)) << err;
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].message_id, 0);
    EXPECT_EQ(hits[1].message_id, q3);
}

TEST(Search, CjkEmojiAndOtherScripts) {
    auto db = memory_db();
    ConversationStore store(*db);
    std::string err;
    int64_t c = store.create_conversation("多语言", {}, err);
    int64_t ja = store.append_user_message(c, "東京タワーの高さは？ 🗼", err);
    int64_t ru = store.append_user_message(c, "Привет, мир! Ёлка", err);
    int64_t el = store.append_user_message(c, "Ελληνικά: άλφα βήτα", err);
    std::vector<SearchHit> hits;
    // Scripts without spaces are one word up to the next punctuation: found from its start.
    ASSERT_TRUE(store.search("東京", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, ja);
    EXPECT_EQ(hits[0].snippet, "[東京タワーの高さは]？ 🗼");
    ASSERT_TRUE(store.search("東京タワーの高さ", {}, hits, err)) << err;  // longer than the indexed prefixes
    EXPECT_EQ(hits.size(), 1u);
    ASSERT_TRUE(store.search("タワー", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    ASSERT_TRUE(store.search("多语", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, 0);
    ASSERT_TRUE(store.search("прив ЁЛ", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, ru);
    ASSERT_TRUE(store.search("ΆΛΦ", {}, hits, err)) << err;  // case folded
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, el);
    ASSERT_TRUE(store.search("αλφ", {}, hits, err)) << err;  // the tokenizer removes Latin accents only
    EXPECT_TRUE(hits.empty());
    // Emoji of Unicode 6.1 (unicode61's tables) are separators: alone they search for nothing.
    // Later ones are word characters to the index and to the query alike, so they are found.
    ASSERT_TRUE(store.search("🗼", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    ASSERT_TRUE(store.search("🗼東京", {}, hits, err)) << err;
    EXPECT_EQ(hits.size(), 1u);
    int64_t think = store.append_user_message(c, "hmm 🤔", err);
    ASSERT_TRUE(store.search("🤔", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, think);
}

// What a user may type, syntax or not, never fails and finds exactly what a scan finds.
// Past 64 KB a message's snippet is made by the store, not FTS5 (whose snippet() is quadratic in
// the matches of one message): the same shape, around the first match.
TEST(Search, LongMessagesGetSnippetsAroundTheirFirstMatch) {
    auto db = memory_db();
    ConversationStore store(*db);
    std::string err;
    int64_t c = store.create_conversation("Logs", {}, err);
    std::string alphas, omegas;
    for (int i = 0; i < 12000; i++) alphas += "alpha ";
    for (int i = 0; i < 12000; i++) omegas += " omega";
    const std::string middle = alphas + "Strawberry fields, forever straw" + omegas;
    int64_t mid = store.append_user_message(c, middle, err);
    ASSERT_TRUE(mid) << err;
    int64_t head = store.append_user_message(c, "Straws first. " + omegas, err);
    int64_t thought = finished_answer(store, *db, c, head, "Short answer.", alphas + "strawberry" + omegas);

    std::vector<SearchHit> hits;
    ASSERT_TRUE(store.search("straw", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].message_id, head);
    EXPECT_EQ(hits[0].snippet, "[Straws] first.  omega omega omega omega omega omega omega omega omega omega omega "
                               "omega omega omega…");
    EXPECT_EQ(hits[1].message_id, mid);
    EXPECT_EQ(hits[1].snippet, "…alpha alpha alpha alpha alpha [Strawberry] fields, forever [straw] omega omega omega "
                               "omega omega omega omega…");
    // Whole words: "straw" alone.
    SearchOptions whole;
    whole.whole_words = true;
    ASSERT_TRUE(store.search("straw", whole, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, mid);
    EXPECT_EQ(hits[0].snippet, "…alpha alpha Strawberry fields, forever [straw] omega omega omega omega omega omega "
                               "omega omega omega omega…");
    // From the reasoning when the answer does not match.
    SearchOptions thoughts;
    thoughts.include_reasoning = true;
    ASSERT_TRUE(store.search("strawberry", thoughts, hits, err)) << err;
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].message_id, thought);
    EXPECT_EQ(hits[0].snippet, "…alpha alpha alpha alpha alpha [strawberry] omega omega omega omega omega omega omega "
                               "omega omega omega…");
}

TEST(Search, OddInputNeverFailsNorMatchesWrongly) {
    auto db = memory_db();
    ConversationStore store(*db);
    std::string err;
    int64_t c = store.create_conversation("Odd \"quotes\" and NEAR(things)", {}, err);
    int64_t q = store.append_user_message(c, "Use -flag and a:b, then x* AND y OR z; NEAR(a b) \"quoted\" (paren) ^caret", err);
    finished_answer(store, *db, c, q, "col:value {content} : reasoning + plus, 3.14 e.g. don't", "NOT this, \"that\"");
    static const char kNulAndBadBytes[] = "nul\0inside and bad\xFF\xFE bytes";
    store.append_user_message(c, std::string(kNulAndBadBytes, sizeof kNulAndBadBytes - 1), err);
    std::string long_word(5000, 'q');
    store.append_user_message(c, long_word + " end", err);
    const std::vector<std::string> odd = {
        "\"", "\"\"", "\"quoted", "quoted\"", "-flag", "-", "--", "*", "**", "x*", "*x", "a:b", "col:value", ":",
        "{content}", "{content} : x", "{", "}", "(", ")", "(paren", "NEAR", "NEAR(", "NEAR(a b)", "NEAR/2", "AND",
        "OR", "NOT", "x AND y", "x OR z", "NOT this", "^", "^caret", "+", "+plus", ",", ";", "'", "don't", "e.g",
        "3.1", "3.14", ".", "\\", "\\\"", "%", "_", "?", "[", "]", "0", "00", " ", "\t\n", "", "🍓", "🍓🍓 x",
        "\xFF", "bad\xFF", std::string("nul\0in", 6), std::string(1, '\0'), long_word, long_word.substr(0, 4000),
        "日本", "ﾃｽﾄ", "\xE2\x80\x8B", "a\xCC\x81", "quoted paren caret flag",
    };
    SearchOptions with_reasoning;
    with_reasoning.include_reasoning = true;
    with_reasoning.limit = 100;
    SearchOptions whole;
    whole.whole_words = true;
    whole.limit = 100;
    SearchOptions plain;
    plain.limit = 100;
    std::vector<SearchHit> hits;
    for (const std::string& text : odd) {
        for (const SearchOptions* o : {&plain, &with_reasoning, &whole}) {
            SCOPED_TRACE("query \"" + text + "\", reasoning " + std::to_string(o->include_reasoning) + ", whole words " +
                         std::to_string(o->whole_words));
            ASSERT_TRUE(store.search(text, *o, hits, err)) << err;
            EXPECT_EQ(ids(hits), scan(*db, text, *o));
        }
    }
}

// Random texts from a vocabulary with long shared prefixes (so that all three ways of searching
// a word are taken: prefix index, completions, FTS5's own prefix query), random queries: the
// results are what a scan of every message finds, newest first, and each snippet marks a match.
TEST(Search, FindsWhatAScanFinds) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/scan.db");
    ConversationStore store(*db);
    std::mt19937 rng(11);
    std::vector<std::string> vocab = {"straw", "strawberry", "strawberries", "stray", "string", "strong", "café",
                                      "Cafeteria", "naïve", "über", "東京", "東京タワー", "x", "xy", "xyz", "xyzzy"};
    for (int i = 0; i < 320; i++) vocab.push_back("long" + std::to_string(i));  // "long": 320 completions
    auto text = [&](int n) {
        std::string s;
        for (int i = 0; i < n; i++) s += (i ? (rng() % 5 == 0 ? ", " : " ") : "") + vocab[rng() % vocab.size()];
        return s;
    };
    for (int conv = 0; conv < 20; conv++) {
        int64_t c = store.create_conversation(text(3), {}, err);
        int64_t parent = 0;
        for (int turn = 0; turn < 8; turn++) {
            int64_t q = store.append_message(c, parent, Role::User, text(6), err);
            ASSERT_TRUE(q) << err;
            parent = finished_answer(store, *db, c, q, text(10), text(12));
        }
    }
    std::vector<std::string> prefixes;
    for (const std::string& w : tokens_of(*db, "straw strawberry stray string cafeteria naive uber 東京タワー xyzzy long123"))
        for (size_t n = 1; n <= w.size(); n++)
            if (n == w.size() || (w[n] & 0xC0) != 0x80) prefixes.push_back(w.substr(0, n));  // whole characters
    prefixes.insert(prefixes.end(), {"stro", "strx", "lon", "long1", "long12", "longer"});
    std::vector<SearchHit> hits;
    for (int round = 0; round < 300; round++) {
        std::string query;
        for (int k = 0, words = 1 + static_cast<int>(rng() % 3); k < words; k++)
            query += (k ? " " : "") + prefixes[rng() % prefixes.size()];
        SearchOptions o;
        o.include_reasoning = rng() % 2;
        o.whole_words = rng() % 5 == 0;
        o.limit = rng() % 3 == 0 ? 10 : 1000;
        SCOPED_TRACE("query \"" + query + "\", reasoning " + std::to_string(o.include_reasoning) + ", whole " +
                     std::to_string(o.whole_words) + ", limit " + std::to_string(o.limit));
        ASSERT_TRUE(store.search(query, o, hits, err)) << err;
        ASSERT_EQ(ids(hits), scan(*db, query, o));
        for (const SearchHit& h : hits) EXPECT_NE(h.snippet.find('['), std::string::npos) << h.snippet;
    }
}

// search_terms is kept by triggers: every write that changes what messages_fts holds changes it
// the same way, down to the count of messages holding each word.
TEST(Search, VocabularyFollowsEveryWrite) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/v.db");
    ConversationStore store(*db);
    int64_t c = store.create_conversation("words", {}, err);
    int64_t q = store.append_user_message(c, "alpha beta Beta BETA", err);
    int64_t a = finished_answer(store, *db, c, q, "beta gamma", "gamma delta");
    expect_vocabulary_exact(*db);
    EXPECT_EQ(count_rows(*db, "SELECT messages FROM search_terms WHERE term = 'beta'"), 2);
    EXPECT_EQ(count_rows(*db, "SELECT messages FROM search_terms WHERE term = 'gamma'"), 1);  // once per message

    // A streaming answer counts once it is finished (or found interrupted), not while it grows.
    int64_t s = store.begin_assistant_message(c, q, "m", err);
    {
        StreamingWriter w(*db, s, StreamingPolicy{0, 1});
        w.add_content("epsilon");
        EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM search_terms WHERE term = 'epsilon'"), 0);
        w.add_reasoning(std::string(" zeta\0eta \xFF\xFE iota", 17));
    }  // dropped unfinished: interrupted, text kept
    expect_vocabulary_exact(*db);
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM search_terms WHERE term IN ('epsilon', 'zeta', 'eta', 'iota')"), 4);

    store.edit_message(q, "alpha edited", err);
    int64_t other = store.create_conversation("other", {}, err);
    store.append_user_message(other, "omega ÜBER 東京タワー", err);
    std::string one_mb;
    for (int i = 0; one_mb.size() < 1'000'000; i++) one_mb += "word" + std::to_string(i % 50000) + " ";
    store.append_user_message(other, one_mb, err);
    expect_vocabulary_exact(*db);

    ASSERT_TRUE(store.delete_message(a, err)) << err;
    expect_vocabulary_exact(*db);
    EXPECT_EQ(count_rows(*db, "SELECT messages FROM search_terms WHERE term = 'beta'"), 1);
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM search_terms WHERE term = 'delta'"), 0);

    // An import goes through the same triggers.
    std::ostringstream exported;
    ASSERT_TRUE(export_conversations(*db, {c}, ExportFormat::Json, exported, err)) << err;
    ImportResult imported;
    ASSERT_TRUE(import_conversations(*db, exported.str(), imported, err)) << err;
    expect_vocabulary_exact(*db);

    // Gone with the last message holding them.
    ASSERT_TRUE(store.delete_conversation(c, err)) << err;
    ASSERT_TRUE(store.delete_conversation(other, err)) << err;
    for (int64_t id : imported.conversation_ids) ASSERT_TRUE(store.delete_conversation(id, err)) << err;
    expect_vocabulary_exact(*db);
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM search_terms"), 0);
}
