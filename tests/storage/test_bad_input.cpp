// Bad input: damaged database files (a clear message, moved aside on request, never
// overwritten), 10 MB messages, NUL bytes and invalid UTF-8 in content.
#include "ponder/export_import.h"
#include "ponder/streaming_writer.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

using namespace ponder;
using namespace ponder::test;

TEST(BadInput, DamagedFileIsReportedAndCanBeMovedAside) {
    std::string dir = fresh_dir(), err, path = dir + "/ponder.db";
    {
        std::ofstream(path, std::ios::binary) << std::string(8192, 'x');
        std::ofstream(path + "-wal", std::ios::binary) << "a log that belongs to it";
    }
    const std::string before = file_bytes(path);
    OpenFailure why = OpenFailure::None;
    EXPECT_EQ(Database::open(path, err, &why), nullptr);
    EXPECT_EQ(why, OpenFailure::Corrupt);
    EXPECT_NE(err.find(path), std::string::npos) << err;
    EXPECT_NE(err.find("damaged or not a database"), std::string::npos) << err;
    EXPECT_NE(err.find("left as it is"), std::string::npos) << err;
    EXPECT_EQ(file_bytes(path), before);  // never overwritten

    std::string moved = move_database_aside(path, err);
    ASSERT_FALSE(moved.empty()) << err;
    EXPECT_EQ(moved.rfind(path + ".corrupt-", 0), 0u) << moved;
    EXPECT_EQ(file_bytes(moved), before);
    EXPECT_EQ(file_bytes(moved + "-wal"), "a log that belongs to it");  // moved together
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));

    // A fresh database takes its place; a second damaged file moved aside in the same second
    // gets another name instead of replacing the first.
    auto db = open_ok(path);
    ASSERT_NE(db, nullptr);
    db.reset();
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string(4096, 'y');
    std::string moved2 = move_database_aside(path, err);
    ASSERT_FALSE(moved2.empty()) << err;
    EXPECT_NE(moved2, moved);
    EXPECT_EQ(file_bytes(moved), before);
    EXPECT_EQ(move_database_aside(dir + "/absent.db", err), "");
}

// Damage inside the file (not the header): either open refuses it as damaged, or the integrity
// check finds it. Nothing crashes, and reads report errors instead of garbage.
TEST(BadInput, DamageInsideTheFileIsFound) {
    std::string dir = fresh_dir(), err, path = dir + "/inner.db";
    {
        auto db = open_ok(path);
        ConversationStore store(*db);
        int64_t c = store.create_conversation("t", {}, err);
        for (int i = 0; i < 300; i++) store.append_user_message(c, "message number " + std::to_string(i) + std::string(200, 'z'), err);
        ASSERT_TRUE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)", err)) << err;
    }
    std::string bytes = file_bytes(path);
    ASSERT_GT(bytes.size(), 20u * 4096);
    for (size_t page = 3; page < bytes.size() / 4096; page += 2)  // every other page from the 4th
        for (size_t i = 0; i < 4096; i += 7) bytes[page * 4096 + i] = static_cast<char>(0xA5 ^ i);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    OpenFailure why = OpenFailure::None;
    auto db = Database::open(path, err, &why);
    if (!db) {
        EXPECT_EQ(why, OpenFailure::Corrupt) << err;
        return;
    }
    EXPECT_NE(db->integrity_check(), "ok");
    ConversationStore store(*db);
    std::vector<Message> all;
    std::vector<ConversationSummary> list;
    // Reads may fail; they must fail with a message, not crash.
    err.clear();
    if (!store.load_all_messages(1, all, err)) {
        EXPECT_FALSE(err.empty());
    }
    err.clear();
    if (!store.list_conversations(10, 0, list, err)) {
        EXPECT_FALSE(err.empty());
    }
}

TEST(BadInput, TenMegabyteMessages) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/big.db");
    ConversationStore store(*db);
    int64_t c = store.create_conversation("big", {}, err);
    std::string question;
    for (int i = 0; question.size() < 10 * 1000 * 1000; i++) question += "word" + std::to_string(i % 1000) + " ";
    question += "needleinahaystack";
    int64_t q = store.append_user_message(c, question, err);
    ASSERT_TRUE(q) << err;
    int64_t a = store.begin_assistant_message(c, q, "m", err);
    std::string expected;
    {
        StreamingWriter w(*db, a, StreamingPolicy{250, 64});
        std::string piece;
        while (piece.size() < 4096) piece += "streamed ";
        piece.resize(4096);
        // A pasted blob: one word of 256 KB. (Not 10 MB: SQLite's FTS3 tokenizer, which keeps
        // search_terms, grows a word 64 bytes at a time, and under AddressSanitizer every one of
        // those reallocations copies the word, so a 10 MB word takes hours there.)
        const std::string blob(256 * 1024, 'b');
        for (int i = 0; i < 2560; i++) {  // 10 MB in 4 KB pieces, written every 64 pieces
            w.add_content(i == 1000 ? blob : piece);
            expected += i == 1000 ? blob : piece;
        }
        ASSERT_TRUE(w.last_error().empty()) << w.last_error();
        ASSERT_TRUE(w.finish(MessageState::Complete, {}, "", err)) << err;
        EXPECT_GE(w.flush_count(), 40);
    }
    std::vector<Message> branch;
    ASSERT_TRUE(store.load_active_branch(c, branch, err)) << err;
    ASSERT_EQ(branch.size(), 2u);
    EXPECT_EQ(branch[0].content, question);
    EXPECT_EQ(branch[1].content.size(), expected.size());
    EXPECT_TRUE(branch[1].content == expected);
    std::vector<SearchHit> hits;
    ASSERT_TRUE(store.search("needleinahaystack", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, q);
    // A word that occurs a million times in the answer (FTS5's snippet() would take minutes).
    ASSERT_TRUE(store.search("streamed", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, a);
    EXPECT_EQ(hits[0].snippet.rfind("[streamed] [streamed] [streamed] ", 0), 0u) << hits[0].snippet.substr(0, 80);
    std::vector<ConversationSummary> list;
    ASSERT_TRUE(store.list_conversations(10, 0, list, err)) << err;
    EXPECT_LE(list[0].preview.size(), 120u);

    std::ostringstream out;
    ASSERT_TRUE(export_conversations(*db, {c}, ExportFormat::Json, out, err)) << err;
    auto other = open_ok(dir + "/big2.db");
    ImportResult r;
    ASSERT_TRUE(import_conversations(*other, out.str(), r, err)) << err;
    ConversationStore other_store(*other);
    ASSERT_TRUE(other_store.load_active_branch(r.conversation_ids[0], branch, err)) << err;
    EXPECT_TRUE(branch[0].content == question);
    EXPECT_TRUE(branch[1].content == expected);
}

// Bytes are stored as given: NULs and invalid UTF-8 come back exactly; exports stay valid
// (NUL as \u0000 in JSON, invalid sequences as U+FFFD), and search still works around them.
TEST(BadInput, NulBytesAndInvalidUtf8) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/bytes.db");
    ConversationStore store(*db);
    const std::string nul("before\0after", 12);
    const std::string bad = "ok \xC3\x28 lone \x80 cut \xE2\x82 overlong \xC0\xAF end \xFF";
    int64_t c = store.create_conversation(std::string("ti\0tle", 6), {}, err);
    int64_t q = store.append_user_message(c, nul, err);
    int64_t a = store.begin_assistant_message(c, q, "m", err);
    {
        StreamingWriter w(*db, a, StreamingPolicy{0, 1});
        w.add_reasoning(std::string("th\0ink", 6));
        w.add_content(bad);
        ASSERT_TRUE(w.finish(MessageState::Complete, {}, "", err)) << err;
    }
    std::vector<Message> branch;
    ASSERT_TRUE(store.load_active_branch(c, branch, err)) << err;
    ASSERT_EQ(branch.size(), 2u);
    EXPECT_EQ(branch[0].content, nul);
    EXPECT_EQ(branch[1].content, bad);
    EXPECT_EQ(branch[1].reasoning, std::string("th\0ink", 6));
    Conversation conv;
    ASSERT_TRUE(store.get_conversation(c, conv, err));
    EXPECT_EQ(conv.title, std::string("ti\0tle", 6));

    std::vector<SearchHit> hits;
    ASSERT_TRUE(store.search("before", {}, hits, err)) << err;
    EXPECT_EQ(hits.size(), 1u);
    ASSERT_TRUE(store.search("overlong", {}, hits, err)) << err;
    EXPECT_EQ(hits.size(), 1u);
    ASSERT_TRUE(store.search(bad, {}, hits, err)) << err;  // invalid UTF-8 as a query: no error

    std::ostringstream json_out, md_out, jsonl_out;
    ASSERT_TRUE(export_conversations(*db, {c}, ExportFormat::Json, json_out, err)) << err;
    ASSERT_TRUE(export_conversations(*db, {c}, ExportFormat::Markdown, md_out, err)) << err;
    ASSERT_TRUE(export_conversations(*db, {c}, ExportFormat::Jsonl, jsonl_out, err)) << err;
    auto doc = nlohmann::json::parse(json_out.str());  // throws on invalid UTF-8
    const auto& m = doc["conversations"][0]["messages"];
    EXPECT_EQ(m[0]["content"], nul);
    EXPECT_EQ(m[1]["content"], "ok \xEF\xBF\xBD( lone \xEF\xBF\xBD cut \xEF\xBF\xBD overlong \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD");
    EXPECT_NO_THROW({ auto row = nlohmann::json::parse(jsonl_out.str()); });
    EXPECT_NO_THROW((void)nlohmann::json(md_out.str()).dump());  // dump throws on invalid UTF-8
    // And the JSON export imports again, NULs intact.
    ImportResult r;
    ASSERT_TRUE(import_conversations(*db, json_out.str(), r, err)) << err;
    ASSERT_TRUE(store.load_active_branch(r.conversation_ids[0], branch, err));
    EXPECT_EQ(branch[0].content, nul);
}
