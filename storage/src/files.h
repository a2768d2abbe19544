// Small POSIX file helpers for the database file: private permissions, renames that never
// replace an existing file.
#pragma once

#include <string>

namespace ponder::files {

bool exists(const std::string& path);  // anything at that path, including a dangling link
// Creates the missing directories above `path`, readable by the user only (0700, as XDG asks).
bool create_parent_directories(const std::string& path, std::string& error);
// Creates an empty file with mode 0600; fails if anything is already there.
bool create_private_file(const std::string& path, std::string& error);
// Renames, failing instead of replacing when `to` exists.
bool rename_no_replace(const std::string& from, const std::string& to, std::string& error);
std::string utc_stamp();  // "20261130-142501", for file names

} // namespace ponder::files
