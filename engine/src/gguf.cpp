// GGUF reader: every field is checked against the bytes that remain before it is used.
#include "ponder/gguf.h"

#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace ponder {

std::unique_ptr<GgufFile> gguf_open_one(const std::string& path, std::string& error);
bool gguf_join_shards(GgufFile& first, const std::string& opened, std::string& error);

namespace {

constexpr int kMaxArrayDepth = 8;          // nested arrays deeper than this are refused
constexpr uint64_t kMaxKeyLength = 65535;  // GGUF spec limit for keys

// Size in bytes of a fixed-size scalar type; 0 for STRING and ARRAY.
uint64_t scalar_size(GgufType t) {
    switch (t) {
    case GgufType::U8: case GgufType::I8: case GgufType::BOOL: return 1;
    case GgufType::U16: case GgufType::I16: return 2;
    case GgufType::U32: case GgufType::I32: case GgufType::F32: return 4;
    case GgufType::U64: case GgufType::I64: case GgufType::F64: return 8;
    default: return 0;
    }
}

bool valid_type(uint32_t t) { return t <= static_cast<uint32_t>(GgufType::F64); }

template <class T> T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void decode_scalar(GgufType t, const uint8_t* p, GgufValue& v) {
    switch (t) {
    case GgufType::U8: v.u = p[0]; break;
    case GgufType::I8: v.i = static_cast<int8_t>(p[0]); break;
    case GgufType::BOOL: v.u = p[0] != 0; break;
    case GgufType::U16: v.u = load<uint16_t>(p); break;
    case GgufType::I16: v.i = load<int16_t>(p); break;
    case GgufType::U32: v.u = load<uint32_t>(p); break;
    case GgufType::I32: v.i = load<int32_t>(p); break;
    case GgufType::F32: v.f = load<float>(p); break;
    case GgufType::U64: v.u = load<uint64_t>(p); break;
    case GgufType::I64: v.i = load<int64_t>(p); break;
    case GgufType::F64: v.f = load<double>(p); break;
    default: break;
    }
}

// Bounds-checked cursor over the file. Every read fails (and records why) rather than
// reading past the end.
struct Reader {
    const uint8_t* base;
    uint64_t size;
    uint64_t pos = 0;
    std::string error;

    uint64_t left() const { return size - pos; }
    bool fail(std::string msg) {
        if (error.empty()) error = std::move(msg);
        return false;
    }
    bool need(uint64_t n, const char* what) {
        if (n > left())
            return fail("file truncated while reading " + std::string(what) + " at byte " +
                        std::to_string(pos) + " (needs " + std::to_string(n) + " bytes, " +
                        std::to_string(left()) + " left)");
        return true;
    }
    template <class T> bool read(T& out, const char* what) {
        if (!need(sizeof(T), what)) return false;
        out = load<T>(base + pos);
        pos += sizeof(T);
        return true;
    }
    bool read_string(std::string_view& out, const char* what) {
        uint64_t len;
        if (!read(len, what)) return false;
        if (len > left())
            return fail(std::string(what) + " at byte " + std::to_string(pos - 8) + " claims " +
                        std::to_string(len) + " bytes but only " + std::to_string(left()) +
                        " remain in the file");
        out = std::string_view(reinterpret_cast<const char*>(base + pos), len);
        pos += len;
        return true;
    }

    bool read_value(GgufType type, GgufValue& v, int depth, const std::string& key) {
        v.type = type;
        if (type == GgufType::STRING) return read_string(v.str, "string value");
        if (type != GgufType::ARRAY) {
            uint64_t n = scalar_size(type);
            if (!need(n, "metadata value")) return false;
            decode_scalar(type, base + pos, v);
            pos += n;
            return true;
        }
        if (depth >= kMaxArrayDepth)
            return fail("metadata key '" + key + "': arrays nested deeper than " +
                        std::to_string(kMaxArrayDepth) + " levels");
        uint32_t et;
        if (!read(et, "array element type")) return false;
        if (!valid_type(et))
            return fail("metadata key '" + key + "': array has unknown element type " +
                        std::to_string(et));
        v.elem_type = static_cast<GgufType>(et);
        if (!read(v.count, "array length")) return false;
        // Every element takes at least this many bytes, so a count the file cannot hold is
        // refused before anything is allocated for it.
        uint64_t min_elem = scalar_size(v.elem_type);
        if (v.elem_type == GgufType::STRING) min_elem = 8;
        if (v.elem_type == GgufType::ARRAY) min_elem = 12;
        if (v.count > left() / min_elem)
            return fail("metadata key '" + key + "': array of " + std::to_string(v.count) +
                        " elements does not fit in the " + std::to_string(left()) +
                        " bytes left in the file");
        if (v.elem_type == GgufType::STRING) {
            v.strings.resize(v.count);
            for (auto& s : v.strings)
                if (!read_string(s, "array string")) return false;
        } else if (v.elem_type == GgufType::ARRAY) {
            v.items.resize(v.count);
            for (auto& item : v.items)
                if (!read_value(GgufType::ARRAY, item, depth + 1, key)) return false;
        } else {
            v.raw = base + pos;
            pos += v.count * min_elem;
        }
        return true;
    }
};

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

} // namespace

std::string_view gguf_type_name(GgufType type) {
    static constexpr std::string_view names[] = {"u8",  "i8",    "u16",   "i16", "u32",
                                                 "i32", "f32",   "bool",  "string",
                                                 "array", "u64", "i64",   "f64"};
    auto t = static_cast<uint32_t>(type);
    return t < std::size(names) ? names[t] : "unknown";
}

bool GgufValue::is_integer() const {
    switch (type) {
    case GgufType::U8: case GgufType::I8: case GgufType::U16: case GgufType::I16:
    case GgufType::U32: case GgufType::I32: case GgufType::U64: case GgufType::I64:
        return true;
    default: return false;
    }
}

static bool is_signed(GgufType t) {
    return t == GgufType::I8 || t == GgufType::I16 || t == GgufType::I32 || t == GgufType::I64;
}

double GgufValue::as_double() const {
    if (is_float()) return f;
    return is_signed(type) ? static_cast<double>(i) : static_cast<double>(u);
}

int64_t GgufValue::as_int() const {
    if (is_float()) return static_cast<int64_t>(f);
    return is_signed(type) ? i : static_cast<int64_t>(u);
}

double GgufValue::array_double(uint64_t k) const {
    GgufValue e;
    e.type = elem_type;
    decode_scalar(elem_type, raw + k * scalar_size(elem_type), e);
    return e.as_double();
}

int64_t GgufValue::array_int(uint64_t k) const {
    GgufValue e;
    e.type = elem_type;
    decode_scalar(elem_type, raw + k * scalar_size(elem_type), e);
    return e.as_int();
}

std::unique_ptr<GgufFile> gguf_parse(const uint8_t* data, uint64_t size, std::string& error) {
    Reader r{data, size, 0, {}};
    auto fail = [&](std::string msg) -> std::unique_ptr<GgufFile> {
        error = std::move(msg);
        return nullptr;
    };

    uint8_t magic[4];
    if (size < 4) return fail("not a GGUF file: only " + std::to_string(size) + " bytes");
    std::memcpy(magic, data, 4);
    if (std::memcmp(magic, "GGUF", 4) != 0) return fail("not a GGUF file (bad magic)");
    r.pos = 4;
    uint32_t version;
    if (!r.read(version, "version")) return fail(r.error);
    if (version == 1) return fail("GGUF version 1 is not supported (re-convert the model)");
    if (version != 2 && version != 3) {
        if ((version & 0xFFFF) == 0 && version != 0)
            return fail("big-endian GGUF files are not supported");
        return fail("unsupported GGUF version " + std::to_string(version));
    }
    int64_t n_tensors, n_kv;
    if (!r.read(n_tensors, "tensor count") || !r.read(n_kv, "metadata count")) return fail(r.error);
    // A key/value takes at least 8 (key length) + 4 (type) + 1 bytes; a tensor info at least
    // 8 + 4 + 8 + 4 + 8. Counts beyond what the file can hold are refused up front.
    if (n_kv < 0 || static_cast<uint64_t>(n_kv) > r.left() / 13)
        return fail("metadata count " + std::to_string(n_kv) + " is impossible for a file of " +
                    std::to_string(size) + " bytes");
    if (n_tensors < 0 || static_cast<uint64_t>(n_tensors) > r.left() / 32)
        return fail("tensor count " + std::to_string(n_tensors) + " is impossible for a file of " +
                    std::to_string(size) + " bytes");

    std::unique_ptr<GgufFile> f(new GgufFile());
    f->base_ = data;
    f->size_ = size;
    f->version_ = version;
    f->kvs_.reserve(static_cast<size_t>(n_kv));
    std::unordered_set<std::string_view> keys;
    for (int64_t k = 0; k < n_kv; k++) {
        GgufKv kv;
        if (!r.read_string(kv.key, "metadata key")) return fail(r.error);
        if (kv.key.empty() || kv.key.size() > kMaxKeyLength)
            return fail("metadata key #" + std::to_string(k) + " has invalid length " +
                        std::to_string(kv.key.size()));
        std::string key(kv.key);
        if (!keys.insert(kv.key).second) return fail("duplicate metadata key '" + key + "'");
        uint32_t type;
        if (!r.read(type, "metadata type")) return fail(r.error);
        if (!valid_type(type))
            return fail("metadata key '" + key + "' has unknown value type " + std::to_string(type));
        if (!r.read_value(static_cast<GgufType>(type), kv.value, 0, key)) return fail(r.error);
        f->kvs_.push_back(std::move(kv));
    }

    if (const GgufValue* a = f->find("general.alignment")) {
        if (a->type != GgufType::U32)
            return fail("general.alignment must be a u32, found " +
                        std::string(gguf_type_name(a->type)));
        if (a->u == 0 || (a->u & (a->u - 1)) != 0)
            return fail("general.alignment " + std::to_string(a->u) + " is not a power of two");
        f->alignment_ = a->u;
    }

    f->tensors_.reserve(static_cast<size_t>(n_tensors));
    std::unordered_set<std::string_view> names;
    for (int64_t t = 0; t < n_tensors; t++) {
        GgufTensor ti;
        if (!r.read_string(ti.name, "tensor name")) return fail(r.error);
        std::string name(ti.name);
        if (ti.name.empty()) return fail("tensor #" + std::to_string(t) + " has an empty name");
        if (!names.insert(ti.name).second) return fail("duplicate tensor name '" + name + "'");
        uint32_t n_dims;
        if (!r.read(n_dims, "tensor dimension count")) return fail(r.error);
        if (n_dims == 0 || n_dims > kGgufMaxDims)
            return fail("tensor '" + name + "' has " + std::to_string(n_dims) +
                        " dimensions (1 to 4 allowed)");
        ti.n_dims = static_cast<int>(n_dims);
        for (uint32_t d = 0; d < n_dims; d++)
            if (!r.read(ti.ne[d], "tensor dimensions")) return fail(r.error);
        uint32_t type;
        if (!r.read(type, "tensor type") || !r.read(ti.offset, "tensor offset")) return fail(r.error);
        const TensorTypeTraits* tt = tensor_type_traits(type);
        if (!tt) return fail("tensor '" + name + "' has unknown type id " + std::to_string(type));
        ti.type = static_cast<TensorType>(type);

        // Element count and byte size, with every multiplication checked for overflow.
        uint64_t n = 1;
        for (int d = 0; d < kGgufMaxDims; d++) {
            if (ti.ne[d] <= 0)
                return fail("tensor '" + name + "' has a non-positive dimension " +
                            std::to_string(ti.ne[d]));
            if (__builtin_mul_overflow(n, static_cast<uint64_t>(ti.ne[d]), &n) ||
                n > (uint64_t(1) << 62))
                return fail("tensor '" + name + "' has dimensions whose product overflows");
        }
        if (ti.ne[0] % tt->block_elems != 0)
            return fail("tensor '" + name + "' of type " + std::string(tt->name) + " has " +
                        std::to_string(ti.ne[0]) + " columns, not a multiple of its block size " +
                        std::to_string(tt->block_elems));
        if (__builtin_mul_overflow(n / tt->block_elems, uint64_t(tt->block_bytes), &ti.nbytes))
            return fail("tensor '" + name + "' byte size overflows");
        f->tensors_.push_back(ti);
    }

    f->data_offset_ = align_up(r.pos, f->alignment_);
    uint64_t data_size = f->data_offset_ <= size ? size - f->data_offset_ : 0;
    for (GgufTensor& ti : f->tensors_) {
        std::string name(ti.name);
        if (ti.offset % f->alignment_ != 0)
            return fail("tensor '" + name + "' offset " + std::to_string(ti.offset) +
                        " is not a multiple of the alignment " + std::to_string(f->alignment_));
        if (ti.offset > data_size || ti.nbytes > data_size - ti.offset)
            return fail("tensor '" + name + "' (" + std::to_string(ti.nbytes) + " bytes at offset " +
                        std::to_string(ti.offset) + ") extends past the end of the file; the file is " +
                        "truncated or corrupt");
        ti.data = data + f->data_offset_ + ti.offset;
    }
    f->shards_.push_back({{}, size, data + std::min(f->data_offset_, size), data_size});
    return f;
}

std::unique_ptr<GgufFile> gguf_open_one(const std::string& path, std::string& error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return nullptr;
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = path + ": not a regular file";
        ::close(fd);
        return nullptr;
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size == 0) {
        ::close(fd);
        error = path + ": empty file, not a GGUF model";
        return nullptr;
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        error = path + ": cannot map file: " + std::strerror(errno);
        return nullptr;
    }
    std::string why;
    auto f = gguf_parse(static_cast<const uint8_t*>(map), size, why);
    if (!f) {
        ::munmap(map, size);
        error = path + ": " + why;
        return nullptr;
    }
    f->map_ = map;
    f->shards_[0].path = path;
    return f;
}

std::unique_ptr<GgufFile> gguf_open(const std::string& path, std::string& error) {
    auto f = gguf_open_one(path, error);
    if (!f || f->get_int("split.count", 1) <= 1) return f;
    // A file of a split set: open the set from its first file, wherever the user pointed.
    if (f->get_int("split.no", 0) != 0) {
        const std::string first = gguf_shard_path(path, 1);
        if (first.empty()) {
            error = path + ": part of a split model, but its name is not NAME-0000k-of-0000N.gguf, so the other "
                           "files cannot be found";
            return nullptr;
        }
        f = gguf_open_one(first, error);
        if (!f) return nullptr;
    }
    if (!gguf_join_shards(*f, f->shards_[0].path, error)) return nullptr;
    return f;
}

GgufFile::~GgufFile() {
    if (map_) ::munmap(map_, size_);
}

const GgufValue* GgufFile::find(std::string_view key) const {
    for (const GgufKv& kv : kvs_)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

const GgufTensor* GgufFile::find_tensor(std::string_view name) const {
    for (const GgufTensor& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

std::string_view GgufFile::get_string(std::string_view key, std::string_view def) const {
    const GgufValue* v = find(key);
    return v && v->type == GgufType::STRING ? v->str : def;
}

int64_t GgufFile::get_int(std::string_view key, int64_t def, bool* ok) const {
    const GgufValue* v = find(key);
    if (!v) return def;
    if (!v->is_integer()) {
        if (ok) *ok = false;
        return def;
    }
    return v->as_int();
}

double GgufFile::get_float(std::string_view key, double def, bool* ok) const {
    const GgufValue* v = find(key);
    if (!v) return def;
    if (!v->is_float() && !v->is_integer()) {
        if (ok) *ok = false;
        return def;
    }
    return v->as_double();
}

bool GgufFile::get_bool(std::string_view key, bool def) const {
    const GgufValue* v = find(key);
    return v && v->type == GgufType::BOOL ? v->u != 0 : def;
}

} // namespace ponder
