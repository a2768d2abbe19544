#include "ponder/model_registry.h"

#include "text.h"

namespace ponder {

namespace {
constexpr const char* kColumns =
    "id, path, size_bytes, modified_at, coalesce(sha256, ''), metadata_json, added_at, coalesce(last_used_at, 0)";

void read_entry(Statement& st, ModelEntry& e) {
    e.id = st.column_int(0);
    e.path = st.column_text(1);
    e.size_bytes = st.column_int(2);
    e.modified_at = st.column_int(3);
    e.sha256 = st.column_text(4);
    e.metadata_json = st.column_text(5);
    e.added_at = st.column_int(6);
    e.last_used_at = st.column_int(7);
}

bool fail(std::string& error, const char* what, const std::string& why) {
    error = std::string(what) + ": " + why;
    return false;
}
} // namespace

int64_t ModelRegistry::upsert(std::string_view path, int64_t size_bytes, int64_t modified_at,
                              std::string_view metadata_json, std::string& error) {
    Statement st(db_, R"sql(
        INSERT INTO models (path, size_bytes, modified_at, metadata_json, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (path) DO UPDATE SET
            sha256 = CASE WHEN size_bytes = excluded.size_bytes AND modified_at = excluded.modified_at
                          THEN sha256 END,
            size_bytes = excluded.size_bytes, modified_at = excluded.modified_at,
            metadata_json = excluded.metadata_json
        RETURNING id)sql");
    st.bind(1, path).bind(2, size_bytes).bind(3, modified_at).bind(4, metadata_json).bind(5, text::now_ms());
    if (!st.step()) {
        fail(error, "registering a model", st.error().empty() ? "no id returned" : st.error());
        return 0;
    }
    int64_t id = st.column_int(0);
    st.reset();  // finishes the statement, so its write commits now
    return id;
}

bool ModelRegistry::set_sha256(int64_t id, std::string_view hex, std::string& error) {
    Statement st(db_, "UPDATE models SET sha256 = ?2 WHERE id = ?1");
    if (!st.bind(1, id).bind(2, hex).run()) return fail(error, "saving a model checksum", st.error());
    return db_.changes() == 1 || fail(error, "saving a model checksum", "no model " + std::to_string(id));
}

bool ModelRegistry::mark_used(int64_t id, std::string& error) {
    Statement st(db_, "UPDATE models SET last_used_at = ?2 WHERE id = ?1");
    if (!st.bind(1, id).bind(2, text::now_ms()).run()) return fail(error, "marking a model used", st.error());
    return db_.changes() == 1 || fail(error, "marking a model used", "no model " + std::to_string(id));
}

bool ModelRegistry::find(std::string_view path, ModelEntry& out, std::string& error) {
    Statement st(db_, std::string("SELECT ") + kColumns + " FROM models WHERE path = ?1");
    if (st.bind(1, path).step()) {
        read_entry(st, out);
        return true;
    }
    if (!st.error().empty()) fail(error, "reading the model list", st.error());
    return false;
}

bool ModelRegistry::list(std::vector<ModelEntry>& out, std::string& error) {
    out.clear();
    Statement st(db_, std::string("SELECT ") + kColumns +
                          " FROM models ORDER BY coalesce(last_used_at, 0) DESC, added_at DESC, id DESC");
    while (st.step()) {
        ModelEntry e;
        read_entry(st, e);
        out.push_back(std::move(e));
    }
    return st.error().empty() || fail(error, "reading the model list", st.error());
}

bool ModelRegistry::remove(int64_t id, std::string& error) {
    Statement st(db_, "DELETE FROM models WHERE id = ?1");
    if (!st.bind(1, id).run()) return fail(error, "forgetting a model", st.error());
    return db_.changes() == 1 || fail(error, "forgetting a model", "no model " + std::to_string(id));
}

} // namespace ponder
