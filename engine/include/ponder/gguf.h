// GGUF model files: a validating reader over an mmap'd file, and a writer.
//
// The reader checks every header field against the file before anything is used (counts and
// string lengths against the bytes left, dims * type size for overflow, tensor offsets inside the
// data region and aligned, duplicate keys and names, unknown types). A malformed file gives
// `nullptr` and an error message naming the problem; it never crashes, hangs or allocates more
// than the file's size justifies.
#pragma once

#include "ponder/tensor_types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

// Metadata value types, on-disk ids.
enum class GgufType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7, STRING = 8,
    ARRAY = 9, U64 = 10, I64 = 11, F64 = 12,
};
std::string_view gguf_type_name(GgufType type);

// One metadata value. Strings and arrays are views into the mapped file (zero-copy); the
// GgufFile must outlive them.
struct GgufValue {
    GgufType type = GgufType::U8;
    uint64_t u = 0;           // unsigned integers and bool
    int64_t i = 0;            // signed integers
    double f = 0;             // floats
    std::string_view str;     // STRING
    // ARRAY: element type and count; numeric elements stay packed in the file (`raw`),
    // string elements are indexed in `strings`, nested arrays in `items`.
    GgufType elem_type = GgufType::U8;
    uint64_t count = 0;
    const uint8_t* raw = nullptr;
    std::vector<std::string_view> strings;
    std::vector<GgufValue> items;

    bool is_integer() const;
    bool is_float() const { return type == GgufType::F32 || type == GgufType::F64; }
    // Numeric value of a scalar (integer, float or bool), converted.
    double as_double() const;
    int64_t as_int() const;
    // Element k of a numeric array, converted; k < count.
    double array_double(uint64_t k) const;
    int64_t array_int(uint64_t k) const;
};

struct GgufKv {
    std::string_view key;
    GgufValue value;
};

constexpr int kGgufMaxDims = 4;

// A tensor's description and a view of its bytes in the mapping.
struct GgufTensor {
    std::string_view name;
    TensorType type = TensorType::F32;
    int n_dims = 0;
    int64_t ne[kGgufMaxDims] = {1, 1, 1, 1};  // ne[0] is the contiguous dimension
    uint64_t offset = 0;                       // relative to the data region
    uint64_t nbytes = 0;
    const uint8_t* data = nullptr;             // points into the mapping
    int shard = 0;                             // which file of a split set holds it (0: the first)
    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

class GgufFile {
public:
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    // One file of a split set (or the only file): where its tensor data lies in memory.
    struct Shard {
        std::string path;
        uint64_t file_size = 0;
        const uint8_t* data = nullptr;  // the data region
        uint64_t data_size = 0;
    };

    uint32_t version() const { return version_; }
    // Bytes of the whole model: every file of a split set together.
    uint64_t file_size() const { return total_size_ ? total_size_ : size_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }  // of the first file
    const std::vector<GgufKv>& kvs() const { return kvs_; }  // the metadata is the first file's
    // Every tensor of the model, from all files of a split set.
    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    const std::vector<Shard>& shards() const { return shards_; }

    const GgufValue* find(std::string_view key) const;
    const GgufTensor* find_tensor(std::string_view name) const;

    // Typed lookups: the default when the key is absent; an integer key of any width is
    // accepted for the integer getters. `ok` (optional) turns false on a type mismatch.
    std::string_view get_string(std::string_view key, std::string_view def = {}) const;
    int64_t get_int(std::string_view key, int64_t def, bool* ok = nullptr) const;
    double get_float(std::string_view key, double def, bool* ok = nullptr) const;
    bool get_bool(std::string_view key, bool def) const;

private:
    friend std::unique_ptr<GgufFile> gguf_parse(const uint8_t*, uint64_t, std::string&);
    friend std::unique_ptr<GgufFile> gguf_open(const std::string&, std::string&);
    friend std::unique_ptr<GgufFile> gguf_open_one(const std::string&, std::string&);
    friend bool gguf_join_shards(GgufFile&, const std::string&, std::string&);
    GgufFile() = default;

    void* map_ = nullptr;  // owned mmap (nullptr when parsing caller-owned memory)
    const uint8_t* base_ = nullptr;
    uint64_t size_ = 0;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<GgufKv> kvs_;
    std::vector<GgufTensor> tensors_;
    std::vector<Shard> shards_;
    std::vector<std::unique_ptr<GgufFile>> other_shards_;  // files 2..N of a split set, kept mapped
    uint64_t total_size_ = 0;
};

// Opens and validates a GGUF file (mmap'd read-only). On failure returns nullptr and sets
// `error` to a message that names the file's problem. A file of a split set
// (NAME-00001-of-00003.gguf, with split.no / split.count / split.tensors.count) opens the whole
// set: every file present, consistent and mapped once, tensors looked up across them.
std::unique_ptr<GgufFile> gguf_open(const std::string& path, std::string& error);

// Split-set file names, NAME-0000k-of-0000N.gguf (k 1-based, five digits each, as llama.cpp
// writes them): k and N, or false for any other name.
bool gguf_split_name(std::string_view path, int& index, int& count);
// The path of file k of the set `path` belongs to; empty when `path` is not a split name.
std::string gguf_shard_path(const std::string& path, int k);

// Parses GGUF bytes owned by the caller (they must outlive the result). Used by the fuzzer.
std::unique_ptr<GgufFile> gguf_parse(const uint8_t* data, uint64_t size, std::string& error);

// Builds a GGUF file in memory. Keys and tensors are written in insertion order.
class GgufWriter {
public:
    explicit GgufWriter(uint32_t version = 3) : version_(version) {}

    void set_u8(const std::string& key, uint8_t v);
    void set_i8(const std::string& key, int8_t v);
    void set_u16(const std::string& key, uint16_t v);
    void set_i16(const std::string& key, int16_t v);
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_u64(const std::string& key, uint64_t v);
    void set_i64(const std::string& key, int64_t v);
    void set_f32(const std::string& key, float v);
    void set_f64(const std::string& key, double v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, std::string_view v);
    void set_strings(const std::string& key, const std::vector<std::string>& v);
    void set_i32s(const std::string& key, const std::vector<int32_t>& v);
    void set_f32s(const std::string& key, const std::vector<float>& v);
    // A value read from another file, copied as it is (any type, arrays and nested arrays too).
    void set_value(const std::string& key, const GgufValue& value);
    // A value serialized by the caller (type id + payload), for nested arrays and tests.
    void set_raw(const std::string& key, GgufType type, std::vector<uint8_t> payload);

    // `ne[0]` is the contiguous dimension. `data` must hold exactly the tensor's bytes.
    void add_tensor(const std::string& name, TensorType type, std::vector<int64_t> ne,
                    std::vector<uint8_t> data);

    // A tensor whose data the file leaves as a hole (a sparse file): a full-size model's header
    // for planning tests costs no disk. Only write_file takes these; loading such a file for
    // inference is refused (model_load checks the data region for holes).
    void add_tensor_hole(const std::string& name, TensorType type, std::vector<int64_t> ne);

    void set_alignment(uint32_t alignment) { alignment_ = alignment; }
    std::vector<uint8_t> serialize() const;
    bool write_file(const std::string& path, std::string& error) const;

    // Payload encoders for set_raw (little-endian, as GGUF stores them).
    static void put_u32(std::vector<uint8_t>& out, uint32_t v);
    static void put_u64(std::vector<uint8_t>& out, uint64_t v);
    static void put_string(std::vector<uint8_t>& out, std::string_view s);

private:
    struct Kv { std::string key; GgufType type; std::vector<uint8_t> payload; };
    struct Tensor {
        std::string name;
        TensorType type;
        std::vector<int64_t> ne;
        std::vector<uint8_t> data;
        uint64_t nbytes;   // data.size(), or the hole's size
        bool hole;
    };
    std::vector<uint8_t> header() const;  // up to the data region, padded
    void set(const std::string& key, GgufType type, std::vector<uint8_t> payload);

    uint32_t version_;
    uint32_t alignment_ = 32;
    std::vector<Kv> kvs_;
    std::vector<Tensor> tensors_;
};

} // namespace ponder
