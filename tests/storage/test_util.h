// Helpers shared by the storage tests.
#pragma once

#include "ponder/conversation_store.h"
#include "ponder/storage.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <unistd.h>

namespace ponder::test {

// An empty directory of its own for the running test (ctest runs tests in parallel processes).
inline std::string fresh_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string dir = ::testing::TempDir() + "/ponder-storage-" + std::to_string(getpid()) + "-" +
                      info->test_suite_name() + "-" + info->name();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::unique_ptr<Database> open_ok(const std::string& path) {
    std::string err;
    auto db = Database::open(path, err);
    EXPECT_NE(db, nullptr) << err;
    return db;
}

inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline int64_t count_rows(Database& db, const std::string& sql) {
    Statement st(db, sql);
    EXPECT_TRUE(st.step()) << sql << ": " << st.error();
    return st.column_int(0);
}

} // namespace ponder::test
