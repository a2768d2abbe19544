// The schema's history: migration k takes the database from user_version k to k + 1.
#pragma once

#include <cstddef>

namespace ponder::schema {

extern const char* const kMigrations[];
extern const size_t kMigrationCount;

} // namespace ponder::schema
