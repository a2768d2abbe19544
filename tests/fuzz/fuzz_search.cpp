// libFuzzer target: text typed into the search box (storage/src/search.cpp). For any bytes: no
// crash, leak or undefined behaviour, and search never fails. Stored as a title and a message,
// the text is found by itself (as prefixes and as whole words), by the first character of each of
// its words, and not by a word it lacks (when it is UTF-8); deleted again, it leaves no word in
// search_terms.
#include "ponder/conversation_store.h"
#include "search_query.h"
#include "text.h"

#include <cstdio>
#include <cstdlib>

using namespace ponder;

namespace {

Database& db() {
    static std::unique_ptr<Database> d = [] {
        std::string error;
        auto opened = Database::open(":memory:", error);
        if (!opened) std::abort();
        return opened;
    }();
    return *d;
}

// Searches `query` and returns which of the title and the message it found; aborts on a failure
// or on any other hit.
std::pair<bool, bool> found(ConversationStore& store, std::string_view query, const SearchOptions& o, int64_t conv,
                            int64_t msg) {
    std::vector<SearchHit> hits;
    std::string error;
    if (!store.search(query, o, hits, error) || !error.empty()) {
        std::fprintf(stderr, "search failed: %s\n", error.c_str());
        std::abort();
    }
    bool title = false, message = false;
    for (const SearchHit& h : hits) {
        if (h.conversation_id != conv) std::abort();
        if (h.message_id == 0 && !title) title = true;
        else if (h.message_id == msg && !message) message = true;
        else std::abort();
    }
    return {title, message};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // What fits a search box, with room for more than the 32 words that count; longer inputs (the
    // shared corpus has 64 KB files) only slow the runs down.
    if (size > 4096) return 0;
    std::string text(reinterpret_cast<const char*>(data), size);
    ConversationStore store(db());
    std::string error;
    int64_t conv = store.create_conversation(text, {}, error);
    int64_t msg = conv ? store.append_user_message(conv, text, error) : 0;
    if (!msg) std::abort();
    std::vector<std::string> words;
    if (!search_words(db(), text, words, error)) std::abort();

    SearchOptions prefixes, whole, thoughts;
    whole.whole_words = true;
    thoughts.include_reasoning = true;
    // Text that is not UTF-8 is searched as UTF-8 (search_words), so it need not find itself.
    const bool some = !words.empty(), utf8 = text::valid_utf8(text) == text;
    for (const SearchOptions* o : {&prefixes, &whole, &thoughts})
        if (found(store, text, *o, conv, msg) != std::make_pair(some, some) && utf8) std::abort();
    if (some && utf8) {
        std::string starts;  // the first character of every word
        for (const std::string& w : words) {
            size_t n = 1;
            while (n < w.size() && (static_cast<unsigned char>(w[n]) & 0xC0) == 0x80) n++;
            starts += w.substr(0, n) + " ";
        }
        if (found(store, starts, prefixes, conv, msg) != std::make_pair(true, true)) std::abort();
        // All of its words and one it does not hold (when that word still counts).
        const std::string absent = "zzqxjzzqxjzzqxj";
        if (words.size() < kMaxSearchWords && text.find(absent) == std::string::npos &&
            found(store, text + " " + absent, prefixes, conv, msg) != std::make_pair(false, false))
            std::abort();
    }

    if (!store.delete_conversation(conv, error)) std::abort();
    Statement left(db(), "SELECT count(*) FROM search_terms");
    if (!left.step() || left.column_int(0) != 0) std::abort();
    return 0;
}
