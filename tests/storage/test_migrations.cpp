// Migrations: a database made at every earlier schema version, holding data, upgrades to the
// latest with its data intact and a copy of the old file kept; a newer or foreign database is
// refused untouched; a failed migration leaves the old version in place.
#include "ponder/app_state.h"
#include "ponder/conversation_store.h"
#include "test_util.h"

#include <sqlite3.h>
#include <thread>

using namespace ponder;
using namespace ponder::test;

namespace {

// Data as a Ponder of schema `version` wrote it, with that version's SQL (kept here verbatim:
// the point is what old files contain, not what today's code would write).
void seed(Database& db, int version) {
    std::string err;
    if (version >= 1) {
        ASSERT_TRUE(db.exec("INSERT INTO app_state VALUES ('window', '{\"w\": 800}'), ('last_conversation', '1')", err))
            << err;
    }
    if (version >= 2) {
        ASSERT_TRUE(db.exec(R"sql(
            INSERT INTO conversations (id, title, created_at, updated_at, pinned, model, system_prompt, sampling_json)
                VALUES (1, 'Old chat about walruses', 1000, 2000, 1, 'r1-1.5b.gguf', 'Be brief.', '{"temperature":0.6}');
            INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at)
                VALUES (1, 1, NULL, 'user', 'How heavy is a walrus?', 1000);
            INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, state, model,
                                  generated_tokens, created_at)
                VALUES (2, 1, 1, 'assistant', 'About a tonne.', 'Walruses weigh 800-1700 kg.', 'complete',
                        'r1-1.5b.gguf', 17, 1500);
            INSERT INTO messages (id, conversation_id, parent_id, role, content, state, writer, created_at)
                VALUES (3, 1, 1, 'assistant', 'Roughly', 'streaming', '1 1 a-boot-long-ago', 1900);
            UPDATE conversations SET active_leaf_id = 3 WHERE id = 1;
            INSERT INTO models (path, size_bytes, added_at) VALUES ('/models/r1-1.5b.gguf', 1117320736, 1000);
        )sql",
                            err))
            << err;
    }
}

} // namespace

TEST(Migrations, FromEveryEarlierVersionWithData) {
    ASSERT_EQ(Database::schema_version(), 5) << "a new migration needs its data in seed() and checks below";
    for (int from = 0; from < Database::schema_version(); from++) {
        SCOPED_TRACE("from schema " + std::to_string(from));
        std::string dir = fresh_dir(), err, path = dir + "/old.db";
        {
            auto old = Database::open_at_version(path, from, err);
            ASSERT_NE(old, nullptr) << err;
            ASSERT_EQ(old->user_version(), from);
            seed(*old, from);
        }
        auto db = open_ok(path);
        ASSERT_NE(db, nullptr);
        EXPECT_EQ(db->user_version(), Database::schema_version());
        EXPECT_EQ(db->integrity_check(), "ok");
        EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

        // A copy of the file as it was, for every upgrade of a database that held data.
        std::string backup = path + ".bak-v" + std::to_string(from);
        if (from == 0) {
            EXPECT_FALSE(std::filesystem::exists(backup));
        } else {
            ASSERT_TRUE(std::filesystem::exists(backup));
            EXPECT_EQ(std::filesystem::status(backup).permissions() & std::filesystem::perms::others_read,
                      std::filesystem::perms::none);
            sqlite3* raw;
            ASSERT_EQ(sqlite3_open_v2(backup.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
            sqlite3_stmt* st;
            sqlite3_prepare_v2(raw, "SELECT (SELECT user_version FROM pragma_user_version), "
                                    "(SELECT value FROM app_state WHERE key = 'window')", -1, &st, nullptr);
            ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
            EXPECT_EQ(sqlite3_column_int(st, 0), from);
            EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), "{\"w\": 800}");
            sqlite3_finalize(st);
            sqlite3_close(raw);
        }

        std::string value;
        if (from >= 1) {
            ASSERT_TRUE(app_state_get(*db, "window", value, err)) << err;
            EXPECT_EQ(value, "{\"w\": 800}");
        }
        ConversationStore store(*db);
        if (from >= 2) {
            Conversation c;
            ASSERT_TRUE(store.get_conversation(1, c, err)) << err;
            EXPECT_EQ(c.title, "Old chat about walruses");
            EXPECT_TRUE(c.pinned);
            EXPECT_EQ(c.settings.system_prompt, "Be brief.");
            EXPECT_EQ(c.settings.sampling_json, "{\"temperature\":0.6}");
            std::vector<Message> branch;
            ASSERT_TRUE(store.load_active_branch(1, branch, err)) << err;
            ASSERT_EQ(branch.size(), 2u);
            EXPECT_EQ(branch[0].content, "How heavy is a walrus?");
            EXPECT_EQ(branch[1].content, "Roughly");
            // Left streaming by a process of another boot: interrupted by this open, text kept.
            EXPECT_EQ(branch[1].state, MessageState::Interrupted);
            EXPECT_EQ(branch[1].sibling_index, 1);
            EXPECT_EQ(branch[1].sibling_count, 2);
            Message old_answer;
            ASSERT_TRUE(store.load_message(2, old_answer, err)) << err;
            EXPECT_EQ(old_answer.reasoning, "Walruses weigh 800-1700 kg.");
            EXPECT_EQ(old_answer.stats.generated_tokens, 17);
            // Migration 5: answers from before reasoning control had nothing forced.
            EXPECT_EQ(old_answer.stats.forced_thinking, "");
            EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages WHERE forced_thinking = '[]'"), 3);
            // Migration 3 indexed what was already there, including the recovered answer.
            std::vector<SearchHit> hits;
            ASSERT_TRUE(store.search("tonne", {}, hits, err)) << err;
            ASSERT_EQ(hits.size(), 1u);
            EXPECT_EQ(hits[0].message_id, 2);
            ASSERT_TRUE(store.search("walruses", {}, hits, err)) << err;
            ASSERT_EQ(hits.size(), 1u);  // the title; the reasoning is not searched by default
            EXPECT_EQ(hits[0].message_id, 0);
            ASSERT_TRUE(store.search("roughly", {}, hits, err)) << err;
            EXPECT_EQ(hits.size(), 1u);
            // Migration 4 rebuilt the indexes with prefixes and listed their words: what was
            // there is found from the start of a word, short prefixes and long.
            ASSERT_TRUE(store.search("tonn", {}, hits, err)) << err;
            ASSERT_EQ(hits.size(), 1u);
            EXPECT_EQ(hits[0].message_id, 2);
            EXPECT_EQ(hits[0].snippet, "About a [tonne].");
            ASSERT_TRUE(store.search("wa", {}, hits, err)) << err;
            ASSERT_EQ(hits.size(), 2u);
            EXPECT_EQ(hits[0].snippet, "Old chat about [walruses]");  // the title
            EXPECT_EQ(hits[1].snippet, "How heavy is a [walrus]?");
            SearchOptions thoughts;
            thoughts.include_reasoning = true;
            ASSERT_TRUE(store.search("walr kg", thoughts, hits, err)) << err;
            ASSERT_EQ(hits.size(), 1u);
            EXPECT_EQ(hits[0].message_id, 2);
            EXPECT_EQ(hits[0].snippet, "[Walruses] weigh 800-1700 [kg].");
            EXPECT_EQ(count_rows(*db, "SELECT messages FROM search_terms WHERE term = 'walruses'"), 1);
            EXPECT_EQ(count_rows(*db, "SELECT messages FROM search_terms WHERE term = 'roughly'"), 1);  // recovered
            EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM search_terms"), 13);
            EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM models WHERE size_bytes = 1117320736"), 1);
        }
        // And the upgraded file works as a new one does: a thought the engine cut is recorded.
        int64_t conv = store.create_conversation("new", {}, err);
        ASSERT_TRUE(conv) << err;
        ASSERT_TRUE(store.append_user_message(conv, "after the upgrade", err)) << err;
        ASSERT_TRUE(db->exec("UPDATE messages SET forced_thinking = '[{\"kind\":\"budget\",\"at\":64}]' "
                             "WHERE content = 'after the upgrade'", err)) << err;
        EXPECT_FALSE(db->exec("UPDATE messages SET forced_thinking = '{}'", err)) << "only a JSON array is stored";
        db.reset();
        auto again = open_ok(path);  // nothing left to migrate: no second copy
        EXPECT_FALSE(std::filesystem::exists(backup + "-2"));
    }
}

TEST(Migrations, NewDatabaseGetsNoBackupAndPrivatePermissions) {
    std::string dir = fresh_dir();
    std::string path = dir + "/sub/dir/new.db";  // directories made on open
    auto db = open_ok(path);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->user_version(), Database::schema_version());
    namespace fs = std::filesystem;
    EXPECT_EQ(fs::status(path).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
    EXPECT_EQ(fs::status(dir + "/sub/dir").permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
    for (const auto& e : fs::directory_iterator(dir + "/sub/dir"))
        EXPECT_EQ(e.path().string().find(".bak-"), std::string::npos) << e.path();
}

TEST(Migrations, RefusesNewerSchemaAndLeavesTheFileUntouched) {
    std::string dir = fresh_dir(), err, path = dir + "/newer.db";
    {
        auto db = open_ok(path);
        ConversationStore store(*db);
        store.create_conversation("from the future", {}, err);
        ASSERT_TRUE(db->exec("PRAGMA user_version = " + std::to_string(Database::schema_version() + 1), err)) << err;
        ASSERT_TRUE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)", err)) << err;
    }
    const std::string before = file_bytes(path);
    OpenFailure why = OpenFailure::None;
    EXPECT_EQ(Database::open(path, err, &why), nullptr);
    EXPECT_EQ(why, OpenFailure::NewerSchema);
    EXPECT_NE(err.find("newer Ponder"), std::string::npos) << err;
    EXPECT_NE(err.find(path), std::string::npos) << err;
    EXPECT_EQ(file_bytes(path), before);
    EXPECT_FALSE(std::filesystem::exists(path + ".bak-v" + std::to_string(Database::schema_version() + 1)));
}

TEST(Migrations, RefusesAnotherProgramsDatabase) {
    std::string dir = fresh_dir(), err, path = dir + "/other.db";
    {
        sqlite3* raw;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        sqlite3_exec(raw, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
    }
    const std::string before = file_bytes(path);
    OpenFailure why = OpenFailure::None;
    EXPECT_EQ(Database::open(path, err, &why), nullptr);
    EXPECT_EQ(why, OpenFailure::NotPonder);
    EXPECT_NE(err.find("did not write"), std::string::npos) << err;
    EXPECT_EQ(file_bytes(path), before);
}

// A migration that fails part-way (here: a table it creates already exists) is rolled back as a
// whole: the file stays at its old version with its data, and the copy was made before.
TEST(Migrations, FailedMigrationRollsBackToTheOldVersion) {
    std::string dir = fresh_dir(), err, path = dir + "/half.db";
    {
        auto v1 = Database::open_at_version(path, 1, err);
        ASSERT_NE(v1, nullptr) << err;
        seed(*v1, 1);
        ASSERT_TRUE(v1->exec("CREATE TABLE models (x)", err)) << err;  // in the way of migration 2
    }
    OpenFailure why = OpenFailure::None;
    EXPECT_EQ(Database::open(path, err, &why), nullptr);
    EXPECT_EQ(why, OpenFailure::MigrationFailed);
    EXPECT_NE(err.find("schema 2 failed"), std::string::npos) << err;
    EXPECT_TRUE(std::filesystem::exists(path + ".bak-v1"));
    auto v1 = Database::open_at_version(path, 1, err);
    ASSERT_NE(v1, nullptr) << err;
    EXPECT_EQ(v1->user_version(), 1);
    EXPECT_EQ(count_rows(*v1, "SELECT count(*) FROM sqlite_schema WHERE name = 'conversations'"), 0);
    EXPECT_EQ(count_rows(*v1, "SELECT count(*) FROM app_state"), 2);
    // A second attempt keeps the first copy and makes another beside it.
    v1.reset();
    EXPECT_EQ(Database::open(path, err), nullptr);
    EXPECT_TRUE(std::filesystem::exists(path + ".bak-v1-2"));
}

// The app and ponder-cli may start together on a new machine: every one of them opens the file
// (one creates the schema, the others find it made), none fails.
TEST(Migrations, SimultaneousFirstOpensAllSucceed) {
    std::string dir = fresh_dir();
    for (int round = 0; round < 20; round++) {
        std::string path = dir + "/race" + std::to_string(round) + ".db";
        std::vector<std::thread> threads;
        std::vector<std::string> errors(4);
        for (size_t t = 0; t < errors.size(); t++)
            threads.emplace_back([&, t] {
                std::string err;
                if (!Database::open(path, err)) errors[t] = err.empty() ? "failed" : err;
            });
        for (auto& t : threads) t.join();
        for (const std::string& e : errors) EXPECT_EQ(e, "") << "round " << round;
    }
}
