// Split GGUF sets: every full-R1 GGUF in circulation (and the largest distills) comes as
// NAME-00001-of-0000N.gguf ... files. Each is a complete GGUF with split.no (0-based),
// split.count and split.tensors.count; the model's metadata is in the first file only, and each
// tensor is in exactly one file with offsets relative to that file's data region.
#include "ponder/gguf.h"

#include <cstdio>
#include <unordered_set>

namespace ponder {

std::unique_ptr<GgufFile> gguf_open_one(const std::string& path, std::string& error);

namespace {
constexpr std::string_view kSuffix = ".gguf";
constexpr size_t kDigits = 5;

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}
} // namespace

bool gguf_split_name(std::string_view path, int& index, int& count) {
    // "-00001-of-00003.gguf" is 20 characters at the end.
    const size_t tail = 1 + kDigits + 4 + kDigits + kSuffix.size();
    if (path.size() <= tail || path.substr(path.size() - kSuffix.size()) != kSuffix) return false;
    const std::string_view t = path.substr(path.size() - tail);
    if (t[0] != '-' || t.substr(1 + kDigits, 4) != "-of-") return false;
    const std::string_view k = t.substr(1, kDigits), n = t.substr(1 + kDigits + 4, kDigits);
    if (!all_digits(k) || !all_digits(n)) return false;
    index = std::stoi(std::string(k));
    count = std::stoi(std::string(n));
    return index >= 1 && count >= 1 && index <= count;
}

std::string gguf_shard_path(const std::string& path, int k) {
    int index = 0, count = 0;
    if (!gguf_split_name(path, index, count) || k < 1 || k > count) return {};
    char tail[32];
    std::snprintf(tail, sizeof tail, "-%05d-of-%05d.gguf", k, count);
    return path.substr(0, path.size() - 20) + tail;
}

bool gguf_join_shards(GgufFile& first, const std::string& first_path, std::string& error) {
    const std::string path = first_path;  // a copy: first_path may live in first.shards_, which grows below
    const int64_t count = first.get_int("split.count", 1), total_tensors = first.get_int("split.tensors.count", -1);
    int index = 0, named_count = 0;
    if (!gguf_split_name(path, index, named_count) || named_count != count || index != 1) {
        error = path + ": the first file of a " + std::to_string(count) +
                "-file split model must be named NAME-00001-of-" + (count < 100000 ? std::to_string(count) : "N") +
                " with five digits each (as llama.cpp writes them)";
        return false;
    }
    if (count > 9999 || total_tensors < 0) {
        error = path + ": split.count or split.tensors.count is missing or out of range";
        return false;
    }
    std::unordered_set<std::string_view> names;
    for (const GgufTensor& t : first.tensors_) names.insert(t.name);
    first.total_size_ = first.size_;
    for (int k = 2; k <= count; k++) {
        const std::string shard_path = gguf_shard_path(path, k);
        std::string why;
        std::unique_ptr<GgufFile> shard = gguf_open_one(shard_path, why);
        if (!shard) {
            error = "file " + std::to_string(k) + " of " + std::to_string(count) + " of the split model is missing or " +
                    "unreadable: " + why;
            return false;
        }
        if (shard->get_int("split.count", 1) != count || shard->get_int("split.no", -1) != k - 1 ||
            shard->get_int("split.tensors.count", -1) != total_tensors) {
            error = shard_path + ": does not belong to this split model (its split.no / split.count / " +
                    "split.tensors.count disagree with " + path + ")";
            return false;
        }
        for (GgufTensor t : shard->tensors_) {
            if (!names.insert(t.name).second) {
                error = shard_path + ": tensor '" + std::string(t.name) + "' is also in another file of the set";
                return false;
            }
            t.shard = k - 1;
            first.tensors_.push_back(t);
        }
        GgufFile::Shard s = shard->shards_[0];
        first.shards_.push_back(s);
        first.total_size_ += shard->size_;
        first.other_shards_.push_back(std::move(shard));
    }
    if (static_cast<int64_t>(first.tensors_.size()) != total_tensors) {
        error = path + ": the split model should hold " + std::to_string(total_tensors) + " tensors but its " +
                std::to_string(count) + " files hold " + std::to_string(first.tensors_.size());
        return false;
    }
    return true;
}

} // namespace ponder
