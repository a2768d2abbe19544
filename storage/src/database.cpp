#include "ponder/storage.h"

#include <sqlite3.h>

namespace ponder {

namespace {

// Schema changes, in order; entry k takes the database from user_version k to k + 1, in one
// transaction. Never edit a shipped entry: append a new one.
constexpr const char* kMigrations[] = {
    // 1: key/value application state (window geometry, last conversation, ...).
    "CREATE TABLE app_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;",
};

} // namespace

int Database::schema_version() { return static_cast<int>(std::size(kMigrations)); }

std::unique_ptr<Database> Database::open(const std::string& path, std::string& error) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<Database> db(new Database(raw));
    if (rc != SQLITE_OK) {
        error = path + ": " + (raw ? sqlite3_errmsg(raw) : "cannot open database");
        return nullptr;
    }
    sqlite3_busy_timeout(raw, 5000);
    std::string why;
    // Reading the schema version first also tells a file that is not a database apart.
    int version = db->user_version();
    if (version < 0) {
        error = path + ": not a Ponder database or corrupt (" + sqlite3_errmsg(raw) + ")";
        return nullptr;
    }
    if (version > schema_version()) {
        error = path + ": the database was written by a newer Ponder (schema " + std::to_string(version) +
                ", this version knows " + std::to_string(schema_version()) + "); it was left untouched";
        return nullptr;
    }
    if (!db->exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", why) ||
        !db->migrate(why)) {
        error = path + ": " + why;
        return nullptr;
    }
    return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

bool Database::exec(std::string_view sql, std::string& error) {
    std::string s(sql);
    char* msg = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        error = msg ? msg : sqlite3_errmsg(db_);
        sqlite3_free(msg);
        return false;
    }
    return true;
}

int Database::user_version() {
    Statement st(*this, "PRAGMA user_version");
    if (!st.ok() || !st.step()) return -1;
    return static_cast<int>(st.column_int(0));
}

std::string Database::integrity_check() {
    Statement st(*this, "PRAGMA integrity_check");
    std::string out;
    while (st.step()) out += (out.empty() ? "" : "\n") + st.column_text(0);
    return st.error().empty() ? out : st.error();
}

bool Database::migrate(std::string& error) {
    for (int v = user_version(); v < schema_version(); v++) {
        Transaction tx(*this);
        if (!exec(kMigrations[v], error) ||
            !exec("PRAGMA user_version = " + std::to_string(v + 1), error) || !tx.commit(error)) {
            error = "migration to schema " + std::to_string(v + 1) + " failed: " + error;
            return false;
        }
    }
    return true;
}

Statement::Statement(Database& db, std::string_view sql) : db_(db.handle()) {
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
        error_ = sqlite3_errmsg(db_);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t v) {
    if (stmt_) sqlite3_bind_int64(stmt_, index, v);
    return *this;
}

Statement& Statement::bind(int index, std::string_view v) {
    if (stmt_) sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

bool Statement::step() {
    if (!stmt_) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
    return false;
}

int64_t Statement::column_int(int col) { return sqlite3_column_int64(stmt_, col); }

std::string Statement::column_text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}

Transaction::Transaction(Database& db) : db_(db) {
    std::string ignored;
    db_.exec("BEGIN IMMEDIATE", ignored);
}

Transaction::~Transaction() {
    std::string ignored;
    if (!done_) db_.exec("ROLLBACK", ignored);
}

bool Transaction::commit(std::string& error) {
    done_ = true;
    return db_.exec("COMMIT", error);
}

} // namespace ponder
