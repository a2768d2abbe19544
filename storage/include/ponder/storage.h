// Ponder's SQLite store: plain C++ over the sqlite3 C API, no Qt.
//
// So far: the connection (WAL, foreign keys, busy timeout), statements and transactions as
// RAII objects, and the migration list keyed by PRAGMA user_version. The conversation schema
// arrives with the storage work (see DESIGN.md, Storage).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ponder {

class Statement;

class Database {
public:
    // Opens (creating if needed) and migrates the database. A database newer than this code is
    // refused with a clear message and left untouched.
    static std::unique_ptr<Database> open(const std::string& path, std::string& error);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    bool exec(std::string_view sql, std::string& error);
    int user_version();
    std::string integrity_check();  // "ok" when the file is sound
    sqlite3* handle() { return db_; }

    static int schema_version();  // the version this code migrates to

private:
    explicit Database(sqlite3* db) : db_(db) {}
    bool migrate(std::string& error);
    sqlite3* db_;
};

// A prepared statement; non-copyable; step() returns true while rows come.
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return stmt_ != nullptr; }
    const std::string& error() const { return error_; }
    Statement& bind(int index, int64_t v);
    Statement& bind(int index, std::string_view v);
    bool step();  // true: a row is ready; false: done or failed (see error())
    int64_t column_int(int col);
    std::string column_text(int col);

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string error_;
};

// Rolls back unless commit() is called.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    bool commit(std::string& error);

private:
    Database& db_;
    bool done_ = false;
};

} // namespace ponder
