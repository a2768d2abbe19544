// Storage foundation: open + migrate, refusal of a newer schema (file left untouched), and a
// file that is not a database.
#include "ponder/storage.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace ponder;

namespace {
std::string temp_path(const char* name) {
    std::string p = ::testing::TempDir() + "/" + name;
    std::filesystem::remove(p);
    std::filesystem::remove(p + "-wal");
    std::filesystem::remove(p + "-shm");
    return p;
}
} // namespace

TEST(Storage, CreatesAndMigrates) {
    std::string path = temp_path("new.db"), err;
    auto db = Database::open(path, err);
    ASSERT_NE(db, nullptr) << err;
    EXPECT_EQ(db->user_version(), Database::schema_version());
    EXPECT_EQ(db->integrity_check(), "ok");
    {
        Statement st(*db, "PRAGMA journal_mode");
        ASSERT_TRUE(st.step());
        EXPECT_EQ(st.column_text(0), "wal");
    }  // a statement left mid-result would keep the next write's transaction open
    ASSERT_TRUE(db->exec("INSERT INTO app_state VALUES ('k', 'v')", err)) << err;
    db.reset();
    db = Database::open(path, err);  // reopening keeps the data and migrates nothing
    Statement q(*db, "SELECT value FROM app_state WHERE key = 'k'");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.column_text(0), "v");
}

TEST(Storage, TransactionRollsBackUnlessCommitted) {
    std::string path = temp_path("tx.db"), err;
    auto db = Database::open(path, err);
    ASSERT_NE(db, nullptr) << err;
    {
        Transaction tx(*db);
        ASSERT_TRUE(db->exec("INSERT INTO app_state VALUES ('a', '1')", err));
    }
    Statement q(*db, "SELECT count(*) FROM app_state");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.column_int(0), 0);
}

TEST(Storage, RefusesNewerSchemaAndLeavesItUntouched) {
    std::string path = temp_path("newer.db"), err;
    {
        sqlite3* raw;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        sqlite3_exec(raw, "CREATE TABLE future (x); PRAGMA user_version = 99;", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
    }
    auto before = std::filesystem::last_write_time(path);
    auto size = std::filesystem::file_size(path);
    EXPECT_EQ(Database::open(path, err), nullptr);
    EXPECT_NE(err.find("newer Ponder"), std::string::npos) << err;
    EXPECT_EQ(std::filesystem::last_write_time(path), before);
    EXPECT_EQ(std::filesystem::file_size(path), size);
}

TEST(Storage, NotADatabase) {
    std::string path = temp_path("garbage.db"), err;
    std::ofstream(path) << std::string(8192, 'x');
    OpenFailure why = OpenFailure::None;
    EXPECT_EQ(Database::open(path, err, &why), nullptr);
    EXPECT_EQ(why, OpenFailure::Corrupt);
    EXPECT_NE(err.find("damaged or not a database"), std::string::npos) << err;
}
