// Ponder's SQLite store: plain C++ over the sqlite3 C API, no Qt.
//
// This header is the connection: open + migrate, statements and transactions as RAII objects,
// the default file location and the way out for a damaged file. The conversation schema is used
// through conversation_store.h, streaming_writer.h, export_import.h, model_registry.h and
// app_state.h.
//
// Threading: one Database per thread, never shared (its statements and transactions are not
// synchronised). The file is in WAL mode, so the UI thread's connection reads while a worker's
// connection writes; two writers wait for each other (busy timeout, 5 s) instead of failing.
// Every write that spans statements runs in a Transaction (BEGIN IMMEDIATE), so a writer never
// has to upgrade a stale read snapshot, the one case the busy timeout cannot cover.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ponder {

class Statement;

// Why open() failed, so a front end can offer the right way out.
enum class OpenFailure {
    None,
    CannotOpen,       // permissions, missing directory that cannot be created, ...
    Corrupt,          // damaged, or not an SQLite file: offer move_database_aside()
    NotPonder,        // a healthy SQLite file that some other program wrote
    NewerSchema,      // written by a newer Ponder; left untouched
    MigrationFailed,  // the upgrade failed and was rolled back (a copy was kept first)
};

// ${XDG_DATA_HOME:-$HOME/.local/share}/ponder/ponder.db: the one file ponder-cli and the app share.
std::string default_database_path();

// Renames a damaged database (and its -wal / -shm companions) to PATH.corrupt-YYYYMMDD-HHMMSS,
// so the next open starts a fresh one. Never deletes or overwrites anything. Returns the new path
// of the main file, or "" with `error` set.
std::string move_database_aside(const std::string& path, std::string& error);

class Database {
public:
    // Opens (creating the file and its directory if needed) and migrates the database; then turns
    // messages left "streaming" by a process that is gone into "interrupted". A database newer
    // than this code is refused and left untouched. Before migrating a database that already
    // holds data, a copy is written next to it (PATH.bak-v<old version>).
    static std::unique_ptr<Database> open(const std::string& path, std::string& error,
                                          OpenFailure* failure = nullptr);
    // For the migration tests: migrates no further than `version` (and skips recovery when the
    // messages table does not exist yet).
    static std::unique_ptr<Database> open_at_version(const std::string& path, int version, std::string& error);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    bool exec(std::string_view sql, std::string& error);
    int user_version();
    std::string integrity_check();  // "ok" when the file is sound
    int64_t last_insert_id();
    int changes();  // rows changed by the last INSERT / UPDATE / DELETE
    const std::string& path() const { return path_; }
    sqlite3* handle() { return db_; }

    static int schema_version();  // the version this code migrates to

private:
    Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    static std::unique_ptr<Database> open_impl(const std::string& path, int target_version, std::string& error,
                                               OpenFailure& failure);
    bool migrate(int target_version, std::string& error);
    bool backup_before_migration(int from_version, std::string& error);
    sqlite3* db_;
    std::string path_;
};

// A prepared statement; non-copyable; step() returns true while rows come. A failed prepare or
// step leaves the message in error(); a statement is reset by run() and reset(), so it can be
// bound and stepped again (the streaming writer keeps its UPDATE prepared).
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return stmt_ != nullptr; }
    const std::string& error() const { return error_; }
    Statement& bind(int index, int64_t v);
    Statement& bind(int index, std::string_view v);  // bytes as given: NULs and invalid UTF-8 kept
    Statement& bind_double(int index, double v);
    Statement& bind_null(int index);
    bool step();  // true: a row is ready; false: done or failed (see error())
    bool run();   // steps to the end of a statement that returns no rows; true when it succeeded
    void reset();
    int64_t column_int(int col);
    double column_double(int col);
    bool column_is_null(int col);
    std::string column_text(int col);

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string error_;
};

// BEGIN IMMEDIATE on construction (waiting out another writer up to the busy timeout); rolls back
// unless commit() is called. Not nestable: code that runs inside one must not open another.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    bool commit(std::string& error);  // false (and rolled back) when BEGIN or COMMIT failed

private:
    Database& db_;
    bool done_ = false;
    std::string begin_error_;
};

} // namespace ponder
