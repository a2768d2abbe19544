// The local model files Ponder knows: where they are, their size, a SHA-256 once computed (it
// takes a minute on a 40 GB file, so it is kept), facts read from the GGUF header, last use.
#pragma once

#include "ponder/storage.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

struct ModelEntry {
    int64_t id = 0;
    std::string path;
    int64_t size_bytes = 0;
    int64_t modified_at = 0;  // the file's mtime (ms) when registered
    std::string sha256;       // lowercase hex; "" until computed
    std::string metadata_json = "{}";
    int64_t added_at = 0;
    int64_t last_used_at = 0;  // 0: never loaded
};

class ModelRegistry {
public:
    explicit ModelRegistry(Database& db) : db_(db) {}
    // Adds the file, or updates it; when its size or mtime changed, the checksum is dropped
    // (it describes the old content). Returns the id.
    int64_t upsert(std::string_view path, int64_t size_bytes, int64_t modified_at, std::string_view metadata_json,
                   std::string& error);
    bool set_sha256(int64_t id, std::string_view hex, std::string& error);
    bool mark_used(int64_t id, std::string& error);
    bool find(std::string_view path, ModelEntry& out, std::string& error);  // false: not there, or error
    bool list(std::vector<ModelEntry>& out, std::string& error);  // most recently used first
    bool remove(int64_t id, std::string& error);  // forgets the entry; the file stays

private:
    Database& db_;
};

} // namespace ponder
