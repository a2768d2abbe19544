// The connection: open + migrate, statements, transactions, the default location, moving a
// damaged file aside. The schema itself is in migrations.cpp.
#include "ponder/storage.h"

#include "files.h"
#include "migrations.h"
#include "ponder/streaming_writer.h"

#include <chrono>
#include <cstdlib>
#include <pwd.h>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>

namespace ponder {

namespace {

constexpr int kBusyTimeoutMs = 5000;

bool is_corruption(int code) {
    int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// Files the user cannot see (":memory:", "", URIs) get no directory, backup or permissions.
bool is_plain_file(const std::string& path) {
    return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
}

} // namespace

std::string default_database_path() {
    std::string base;
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && xdg[0] == '/') {  // the XDG spec says to ignore a relative value
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        const passwd* pw = home && *home ? nullptr : getpwuid(getuid());
        base = std::string(pw ? pw->pw_dir : home ? home : "") + "/.local/share";
    }
    return base + "/ponder/ponder.db";
}

std::string move_database_aside(const std::string& path, std::string& error) {
    if (!files::exists(path)) {
        error = path + ": no such file";
        return "";
    }
    const std::string stamp = files::utc_stamp();
    std::string target = path + ".corrupt-" + stamp;
    for (int k = 2; files::exists(target) || files::exists(target + "-wal") || files::exists(target + "-shm"); k++)
        target = path + ".corrupt-" + stamp + "-" + std::to_string(k);
    // The write-ahead log goes first: left behind under the old name, SQLite would replay its
    // pages into the fresh database created next.
    const char* suffixes[] = {"-wal", "-shm", ""};
    int moved = 0;
    for (const char* s : suffixes) {
        std::string from = path + s, to = target + s;
        if (!files::exists(from)) {
            moved++;
            continue;
        }
        if (!files::rename_no_replace(from, to, error)) {
            for (int k = moved - 1; k >= 0; k--) {  // put back what moved, so the set stays together
                std::string ignored;
                if (files::exists(target + suffixes[k])) files::rename_no_replace(target + suffixes[k], path + suffixes[k], ignored);
            }
            return "";
        }
        moved++;
    }
    return target;
}

int Database::schema_version() { return static_cast<int>(schema::kMigrationCount); }

std::unique_ptr<Database> Database::open(const std::string& path, std::string& error, OpenFailure* failure) {
    OpenFailure why = OpenFailure::None;
    auto db = open_impl(path, schema_version(), error, why);
    if (failure) *failure = why;
    return db;
}

std::unique_ptr<Database> Database::open_at_version(const std::string& path, int version, std::string& error) {
    OpenFailure why = OpenFailure::None;
    return open_impl(path, version < schema_version() ? version : schema_version(), error, why);
}

std::unique_ptr<Database> Database::open_impl(const std::string& path, int target, std::string& error,
                                              OpenFailure& failure) {
    auto fail = [&](OpenFailure f, const std::string& message) {
        failure = f;
        error = path + ": " + message;
        return nullptr;
    };
    // Conversations are private: a new file (and the ponder/ directory) is the user's only.
    // Another process may create it at the same moment; then theirs is used.
    if (is_plain_file(path) && !files::exists(path)) {
        std::string why;
        if (!files::create_parent_directories(path, why) ||
            (!files::create_private_file(path, why) && !files::exists(path))) {
            failure = OpenFailure::CannotOpen;
            error = why;  // names the file or directory
            return nullptr;
        }
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<Database> db(new Database(raw, path));
    if (rc != SQLITE_OK) return fail(OpenFailure::CannotOpen, raw ? sqlite3_errmsg(raw) : "cannot open database");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    // Until the file has proved to be ours and sound, closing must not checkpoint: SQLite would
    // write the WAL into the main file, or delete a WAL it could not use (a damaged file's last
    // transactions). Switched back on success below.
    sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

    // Reading the schema version first also tells a file that is not a database apart. One
    // statement, one snapshot: a process creating the schema right now is seen as a whole.
    Statement probe(*db, "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)");
    if (!probe.step()) {
        if (is_corruption(sqlite3_errcode(raw)))
            return fail(OpenFailure::Corrupt, "the file is damaged or not a database (" + probe.error() +
                                                  "); it was left as it is");
        return fail(OpenFailure::CannotOpen, probe.error());
    }
    const int version = static_cast<int>(probe.column_int(0));
    const int64_t objects = probe.column_int(1);
    probe.reset();  // ends the read, so the writes below start from a fresh snapshot
    if (version > schema_version())
        return fail(OpenFailure::NewerSchema, "the database was written by a newer Ponder (schema " +
                                                  std::to_string(version) + ", this version knows " +
                                                  std::to_string(schema_version()) + "); it was left untouched");
    if (version == 0 && objects > 0)  // no Ponder schema, yet tables: someone else's database
        return fail(OpenFailure::NotPonder, "an SQLite database that Ponder did not write; it was left untouched");
    std::string why;
    // Switching a new file to WAL needs it to itself for a moment; two processes doing so at once
    // make one fail at once with SQLITE_BUSY (the busy timeout does not cover lock upgrades that
    // could deadlock), so that one tries again.
    for (int attempt = 0; !db->exec("PRAGMA journal_mode=WAL", why); attempt++) {
        if ((sqlite3_errcode(raw) & 0xff) != SQLITE_BUSY || attempt * 10 >= kBusyTimeoutMs)
            return fail(is_corruption(sqlite3_errcode(raw)) ? OpenFailure::Corrupt : OpenFailure::CannotOpen, why);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // journal_size_limit: a long streamed message can grow the WAL; give the space back after
    // each checkpoint instead of keeping the largest size ever reached.
    if (!db->exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=16777216;", why))
        return fail(OpenFailure::CannotOpen, why);
    if (version > 0 && version < target && !db->backup_before_migration(version, why))
        return fail(OpenFailure::MigrationFailed, why);
    if (!db->migrate(target, why))
        return fail(is_corruption(sqlite3_errcode(raw)) ? OpenFailure::Corrupt : OpenFailure::MigrationFailed, why);
    if (target >= 2 && !recover_interrupted_messages(*db, why))
        return fail(is_corruption(sqlite3_errcode(raw)) ? OpenFailure::Corrupt : OpenFailure::CannotOpen, why);
    sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
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

int64_t Database::last_insert_id() { return sqlite3_last_insert_rowid(db_); }

int Database::changes() { return sqlite3_changes(db_); }

// A copy of the file as it was, next to it: PATH.bak-v<version>. VACUUM INTO writes a consistent
// snapshot (WAL included) without blocking readers. An earlier copy is never replaced: the name
// gets a -2, -3, ... (also when two processes upgrade the same file at the same moment).
bool Database::backup_before_migration(int from_version, std::string& error) {
    if (!is_plain_file(path_)) return true;
    const std::string base = path_ + ".bak-v" + std::to_string(from_version);
    std::string target = base, why;
    for (int k = 2; !files::create_private_file(target, why); k++) {
        if (!files::exists(target) || k > 1000) {
            error = "cannot keep a copy before upgrading: " + why;
            return false;
        }
        target = base + "-" + std::to_string(k);
    }
    Statement st(*this, "VACUUM INTO ?1");
    if (!st.bind(1, target).run()) {
        error = "cannot keep a copy before upgrading (" + target + "): " + st.error();
        return false;
    }
    return true;
}

bool Database::migrate(int target, std::string& error) {
    for (;;) {
        Transaction tx(*this);
        // Read under the write lock: another process opening the same file may have just
        // migrated it.
        int v = user_version();
        if (v < 0) {
            error = "cannot read the schema version";
            return false;
        }
        if (v >= target) return tx.commit(error);
        if (!exec(schema::kMigrations[v], error) || !exec("PRAGMA user_version = " + std::to_string(v + 1), error) ||
            !tx.commit(error)) {
            error = "upgrading the database to schema " + std::to_string(v + 1) + " failed: " + error;
            return false;
        }
    }
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
    // A non-null pointer even for "": SQLite binds NULL for a null pointer, and columns are NOT NULL.
    if (stmt_ && sqlite3_bind_text64(stmt_, index, v.data() ? v.data() : "", v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
                     SQLITE_OK)
        error_ = sqlite3_errmsg(db_);
    return *this;
}

Statement& Statement::bind_double(int index, double v) {
    if (stmt_) sqlite3_bind_double(stmt_, index, v);
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (stmt_) sqlite3_bind_null(stmt_, index);
    return *this;
}

bool Statement::step() {
    if (!stmt_ || !error_.empty()) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
    return false;
}

bool Statement::run() {
    while (step()) {
    }
    bool ok = error_.empty();
    if (stmt_) sqlite3_reset(stmt_);
    return ok;
}

void Statement::reset() {
    if (!stmt_) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    error_.clear();
}

int64_t Statement::column_int(int col) { return sqlite3_column_int64(stmt_, col); }

double Statement::column_double(int col) { return sqlite3_column_double(stmt_, col); }

bool Statement::column_is_null(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Statement::column_text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}

Transaction::Transaction(Database& db) : db_(db) {
    if (!db_.exec("BEGIN IMMEDIATE", begin_error_)) done_ = true;
}

Transaction::~Transaction() {
    std::string ignored;
    if (!done_) db_.exec("ROLLBACK", ignored);
}

bool Transaction::commit(std::string& error) {
    if (!begin_error_.empty()) {
        error = begin_error_;
        return false;
    }
    if (!db_.exec("COMMIT", error)) return false;  // still open: the destructor rolls it back
    done_ = true;
    return true;
}

} // namespace ponder
