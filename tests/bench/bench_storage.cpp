// bench_storage [--db PATH] [--conversations N] [--messages N] [--rebuild] [--stream-seconds S]
//
// The conversation store at the size the issue names: 10,000 conversations, 1,000,000 messages
// (one conversation of 1,000), text from a Zipf-distributed vocabulary of 20,000 made-up words so
// the full-text index has realistic posting lists. Messages of different conversations are
// interleaved in time, as they are when someone chats on and off, so a long conversation's
// messages are spread over the file. Prints: the time to open the file, to list the 50 most
// recent conversations, to load the 1,000-message conversation, to search (whole words, and
// prefixes as a search box sends them while a word is typed), and what saving an answer while it
// streams costs at 100 tokens/s. A program that prints numbers, not a test.
#include "ponder/conversation_store.h"
#include "ponder/storage.h"
#include "ponder/streaming_writer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace ponder;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "bench_storage: %s\n", msg.c_str());
    std::exit(1);
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Median and 90th percentile of `runs` timings of f, in ms.
std::pair<double, double> time_it(int runs, const std::function<void()>& f) {
    std::vector<double> t;
    for (int i = 0; i < runs; i++) {
        auto start = Clock::now();
        f();
        t.push_back(ms_since(start));
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], t[t.size() * 9 / 10]};
}

// Words with Zipf frequencies: word k is drawn with weight 1 / (k + 1).
class Vocabulary {
public:
    explicit Vocabulary(size_t n) {
        const char* syllables[] = {"ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "ve", "zu", "da", "ri",
                                   "mo", "sa", "ke", "fu", "gi", "ho", "ja", "wu", "be", "tho", "qua", "xen"};
        std::mt19937_64 rng(7);
        std::set<std::string> seen;
        while (words.size() < n) {
            std::string w;
            int parts = 2 + static_cast<int>(rng() % 3);  // 24^2 + 24^3 + 24^4 possible words
            for (int p = 0; p < parts; p++) w += syllables[rng() % std::size(syllables)];
            if (seen.insert(w).second) words.push_back(w);
        }
        double sum = 0;
        for (size_t k = 0; k < n; k++) cumulative.push_back(sum += 1.0 / static_cast<double>(k + 1));
    }
    const std::string& draw(std::mt19937_64& rng) const {
        double x = std::uniform_real_distribution<double>(0, cumulative.back())(rng);
        return words[static_cast<size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin())];
    }
    std::string text(std::mt19937_64& rng, int n_words) const {
        std::string s;
        for (int i = 0; i < n_words; i++) {
            if (i) s += (i % 12 == 11) ? ". " : " ";
            s += draw(rng);
        }
        return s + ".";
    }
    std::vector<std::string> words;

private:
    std::vector<double> cumulative;
};

constexpr const char* kRareWord = "zyzzogeton";  // planted in one message in 20,000

struct Built {
    int64_t big_conversation = 0;
    double seconds = 0;
};

// One transaction, prepared statements, the schema's own triggers (so the FTS index is built
// as the app builds it).
Built build(Database& db, int n_conversations, int n_messages) {
    Built b;
    auto start = Clock::now();
    std::string err;
    if (!db.exec("PRAGMA cache_size = -262144", err)) die(err);  // 256 MB while loading
    Vocabulary vocab(20000);
    std::mt19937_64 rng(42);
    Transaction tx(db);
    Statement conv(db, "INSERT INTO conversations (title, created_at, updated_at, pinned, model, provider) "
                       "VALUES (?1, ?2, ?2, ?3, 'DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf', 'local')");
    Statement msg(db, R"sql(
        INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, model, generated_tokens,
                              generation_tokens_per_s, created_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql");
    Statement leaf(db, "UPDATE conversations SET active_leaf_id = ?2, updated_at = ?3 WHERE id = ?1");
    const int64_t t0 = 1735689600000;  // 2025-01-01, one message a few seconds apart from there
    int64_t clock = t0;
    struct Conv {
        int64_t id = 0, leaf = 0;
        int left = 0;
    };
    std::vector<Conv> convs(static_cast<size_t>(n_conversations));
    // The 1,000-message conversation, and the rest spread evenly over the others.
    const int big = 1000;
    const int rest = n_messages - big;
    for (size_t i = 0; i < convs.size(); i++) {
        conv.reset();
        conv.bind(1, vocab.text(rng, 3 + static_cast<int>(rng() % 5))).bind(2, clock).bind(3, int64_t{rng() % 100 == 0});
        if (!conv.run()) die(conv.error());
        convs[i].id = db.last_insert_id();
        convs[i].left = i == 0 ? big
                               : rest / (n_conversations - 1) + (static_cast<int>(i) <= rest % (n_conversations - 1) ? 1 : 0);
    }
    b.big_conversation = convs[0].id;
    auto insert = [&](Conv& c, const char* role, const std::string& content, const std::string& reasoning,
                      int64_t parent) {
        msg.reset();
        msg.bind(1, c.id);
        if (parent) msg.bind(2, parent);
        else msg.bind_null(2);
        bool answer = role[0] == 'a';
        msg.bind(3, role).bind(4, content).bind(5, reasoning).bind(6, answer ? "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf" : "");
        msg.bind(7, int64_t{answer ? 120 : 0}).bind_double(8, answer ? 31.5 : 0).bind(9, clock += 3000);
        if (!msg.run()) die(msg.error());
        c.left--;
        return db.last_insert_id();
    };
    int64_t made = 0, questions = 0;
    std::vector<size_t> order(convs.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    while (made < n_messages) {  // rounds: one turn for each conversation with messages left
        std::shuffle(order.begin(), order.end(), rng);
        for (size_t i : order) {
            Conv& c = convs[i];
            if (c.left <= 0) continue;
            std::string question = vocab.text(rng, 12);
            if (questions++ % 10000 == 7) question += std::string(" ") + kRareWord;
            int64_t user = insert(c, "user", question, "", c.leaf);
            made++;
            c.leaf = user;
            if (c.left <= 0) continue;
            int64_t parent = user;
            // One answer in ten has a regenerated sibling (not in the long conversation, so that
            // its branch on screen is all of its 1,000 messages).
            if (i != 0 && c.left >= 2 && rng() % 10 == 0) {
                insert(c, "assistant", vocab.text(rng, 40), vocab.text(rng, 60), parent);
                made++;
            }
            c.leaf = insert(c, "assistant", vocab.text(rng, 40), vocab.text(rng, 60), parent);
            made++;
        }
    }
    for (const Conv& c : convs) {
        leaf.reset();
        if (!leaf.bind(1, c.id).bind(2, c.leaf).bind(3, clock).run()) die(leaf.error());
    }
    if (!tx.commit(err)) die(err);
    if (!db.exec("PRAGMA cache_size = -2000; PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;", err)) die(err);
    b.seconds = ms_since(start) / 1000;
    return b;
}

} // namespace

int main(int argc, char** argv) {
    std::string path = "/tmp/ponder-bench-storage.db";
    int n_conversations = 10000, n_messages = 1000000;
    double stream_seconds = 10;
    bool rebuild = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die(a + " needs a value");
            return argv[++i];
        };
        if (a == "--db") path = next();
        else if (a == "--conversations") n_conversations = std::stoi(next());
        else if (a == "--messages") n_messages = std::stoi(next());
        else if (a == "--stream-seconds") stream_seconds = std::stod(next());
        else if (a == "--rebuild") rebuild = true;
        else die("unknown argument " + a);
    }
    if (n_conversations < 2 || n_messages < 1000 + n_conversations) die("need >= 2 conversations and enough messages");
    namespace fs = std::filesystem;
    std::string err;
    if (rebuild)
        for (const char* s : {"", "-wal", "-shm"}) fs::remove(path + s);
    int64_t big = 0;
    if (!fs::exists(path)) {
        auto db = Database::open(path, err);
        if (!db) die(err);
        std::printf("building %s: %d conversations, %d messages ...\n", path.c_str(), n_conversations, n_messages);
        std::fflush(stdout);
        Built b = build(*db, n_conversations, n_messages);
        big = b.big_conversation;
        std::printf("built in %.1f s\n", b.seconds);
    }
    auto start = Clock::now();
    auto db = Database::open(path, err);  // includes the scan for interrupted answers
    if (!db) die(err);
    double open_ms = ms_since(start);
    ConversationStore store(*db);
    if (!big) {
        Statement st(*db, "SELECT conversation_id FROM messages GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1");
        if (!st.step()) die(st.error());
        big = st.column_int(0);
    }
    Statement counts(*db, "SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages), "
                          "(SELECT count(*) FROM messages WHERE conversation_id = ?1)");
    counts.bind(1, big);
    if (!counts.step()) die(counts.error());
    std::printf("database: %lld conversations, %lld messages, %.0f MB on disk; the long conversation has %lld\n",
                static_cast<long long>(counts.column_int(0)), static_cast<long long>(counts.column_int(1)),
                static_cast<double>(fs::file_size(path)) / 1e6, static_cast<long long>(counts.column_int(2)));
    counts.reset();
    {  // where the bytes are (dbstat: SQLite's page statistics)
        Statement sizes(*db, "SELECT sum(pgsize) FILTER (WHERE name LIKE 'messages_fts%'), "
                             "sum(pgsize) FILTER (WHERE name LIKE 'conversations_fts%'), "
                             "sum(pgsize) FILTER (WHERE name = 'search_terms') FROM dbstat");
        if (sizes.step())
            std::printf("search indexes: messages %.0f MB, titles %.1f MB, search_terms %.1f MB\n",
                        static_cast<double>(sizes.column_int(0)) / 1e6, static_cast<double>(sizes.column_int(1)) / 1e6,
                        static_cast<double>(sizes.column_int(2)) / 1e6);
    }
    std::printf("%-52s %9s %9s\n", "operation", "median", "p90");
    std::printf("%-52s %8.2f ms\n", "open (migrations checked, interrupted answers scan)", open_ms);

    // A fresh connection, as the app has after starting: SQLite's page cache is empty.
    {
        auto fresh = Database::open(path, err);
        ConversationStore s(*fresh);
        std::vector<Message> branch;
        auto t = Clock::now();
        if (!s.load_active_branch(big, branch, err)) die(err);
        std::printf("%-52s %8.2f ms\n", "load the 1,000-message conversation, new connection", ms_since(t));
    }
    std::vector<ConversationSummary> list;
    auto [list_med, list_p90] = time_it(200, [&] {
        if (!store.list_conversations(50, 0, list, err)) die(err);
    });
    std::printf("%-52s %8.3f ms %8.3f ms\n", "list the 50 most recent conversations", list_med, list_p90);
    std::vector<Message> branch;
    auto [load_med, load_p90] = time_it(50, [&] {
        if (!store.load_active_branch(big, branch, err)) die(err);
    });
    std::printf("%-52s %8.3f ms %8.3f ms   (%zu messages, %.1f MB of text)\n", "load the 1,000-message conversation",
                load_med, load_p90, branch.size(), [&] {
                    size_t bytes = 0;
                    for (const Message& m : branch) bytes += m.content.size() + m.reasoning.size();
                    return static_cast<double>(bytes) / 1e6;
                }());

    Vocabulary vocab(20000);
    auto search = [&](const std::string& q, const SearchOptions& o, const char* what) {
        std::vector<SearchHit> hits;
        auto [med, p90] = time_it(30, [&] {
            if (!store.search(q, o, hits, err)) die(err);
        });
        char label[96];
        std::snprintf(label, sizeof label, "%s \"%s\"%s%s", what, q.c_str(), o.include_reasoning ? " + reasoning" : "",
                      o.limit != 50 ? (" limit " + std::to_string(o.limit)).c_str() : "");
        std::printf("%-52s %8.3f ms %8.3f ms   (%zu hits shown)\n", label, med, p90, hits.size());
    };
    const std::vector<std::pair<std::string, bool>> whole_words = {
        {vocab.words[0], false},                             // in most messages
        {vocab.words[100], false},                           // common
        {vocab.words[5000], false},                          // uncommon
        {kRareWord, false},                                  // in 1 message of 20,000
        {vocab.words[30] + " " + vocab.words[3000], false},  // two words, both required
        {vocab.words[0] + " " + kRareWord, true},            // the commonest and the rarest, thoughts too
        {vocab.words[19999], true},                          // the rarest of the vocabulary, thoughts too
    };
    for (const auto& [q, reasoning] : whole_words) {
        SearchOptions o;
        o.whole_words = true;
        o.include_reasoning = reasoning;
        search(q, o, "whole words");
    }
    // What a search box sends while a word is typed: its first 1, 2, 3, 4 letters and the whole
    // word, each a prefix. The commonest word (86% of messages), an uncommon one, the rare one
    // (whose 1-letter prefix is also that of common words), and a 2-letter start of no word.
    std::vector<std::string> prefixes;
    for (const std::string& w : {vocab.words[0], vocab.words[5000], std::string(kRareWord)})
        for (size_t n : {1, 2, 3, 4, 100}) prefixes.push_back(w.substr(0, n));
    prefixes.push_back("yx");
    prefixes.push_back(vocab.words[30].substr(0, 3) + " " + vocab.words[3000].substr(0, 4));  // two prefixes
    for (bool reasoning : {false, true})
        for (const std::string& q : prefixes) {
            SearchOptions o;
            o.include_reasoning = reasoning;
            search(q, o, "prefix");
        }
    // The app's sidebar: up to 200 hits, reasoning included.
    for (const std::string& q : {vocab.words[0].substr(0, 1), vocab.words[0].substr(0, 4), vocab.words[0]}) {
        SearchOptions o;
        o.include_reasoning = true;
        o.limit = 200;
        search(q, o, "sidebar");
    }

    // Streaming at 100 tokens/s: one piece every 10 ms into an answer in the long conversation,
    // with the default policy (a write every 250 ms); time spent in the writer / time generating.
    {
        int64_t parent = branch.empty() ? 0 : branch.back().id;
        int64_t id = store.begin_assistant_message(big, parent, "bench", err);
        if (!id) die(err);
        StreamingWriter w(*db, id);
        const int tokens = static_cast<int>(stream_seconds * 100);
        double in_writer = 0;
        auto begin = Clock::now();
        for (int k = 0; k < tokens; k++) {
            std::this_thread::sleep_until(begin + std::chrono::milliseconds(10 * (k + 1)));
            auto t = Clock::now();
            std::string piece = " " + vocab.words[static_cast<size_t>(k % 500)];
            if (k < tokens / 2) w.add_reasoning(piece);
            else w.add_content(piece);
            in_writer += ms_since(t);
        }
        auto t = Clock::now();
        if (!w.finish(MessageState::Complete, {}, "", err)) die(err);
        in_writer += ms_since(t);
        double total = ms_since(begin);
        std::printf("%-52s %8.3f %%        (%d tokens in %.1f s, %d writes of %.3f ms each on average)\n",
                    "streaming at 100 tok/s: time in the writer", 100 * in_writer / total, tokens, total / 1000,
                    w.flush_count() + 1, w.flush_seconds() * 1000 / (w.flush_count() + 1));
        if (!store.delete_message(id, err)) die(err);  // leave the benchmark database as it was
    }
    return 0;
}
