// Key/value application state (window geometry, the last open conversation, ...). Settings the
// user chooses belong in QSettings and secrets in the keychain; this is what the app remembers.
#pragma once

#include "ponder/storage.h"

#include <string>
#include <string_view>

namespace ponder {

// False when the key is not set (error stays empty) or on a database error (error says why).
bool app_state_get(Database& db, std::string_view key, std::string& value, std::string& error);
bool app_state_set(Database& db, std::string_view key, std::string_view value, std::string& error);
bool app_state_remove(Database& db, std::string_view key, std::string& error);

} // namespace ponder
