#include "ponder/app_state.h"

namespace ponder {

bool app_state_get(Database& db, std::string_view key, std::string& value, std::string& error) {
    Statement st(db, "SELECT value FROM app_state WHERE key = ?1");
    if (st.bind(1, key).step()) {
        value = st.column_text(0);
        return true;
    }
    if (!st.error().empty()) error = "reading app state: " + st.error();
    return false;
}

bool app_state_set(Database& db, std::string_view key, std::string_view value, std::string& error) {
    Statement st(db, "INSERT INTO app_state (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (st.bind(1, key).bind(2, value).run()) return true;
    error = "saving app state: " + st.error();
    return false;
}

bool app_state_remove(Database& db, std::string_view key, std::string& error) {
    Statement st(db, "DELETE FROM app_state WHERE key = ?1");
    if (st.bind(1, key).run()) return true;
    error = "saving app state: " + st.error();
    return false;
}

} // namespace ponder
