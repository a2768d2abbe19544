// GGUF writer: tests use it to generate tiny models; conversion tools use it to write vocabularies.
#include "ponder/gguf.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace ponder {

namespace {
template <class T> void put(std::vector<uint8_t>& out, T v) {
    size_t at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
}
template <class T> std::vector<uint8_t> scalar(T v) {
    std::vector<uint8_t> out;
    put(out, v);
    return out;
}
size_t width(GgufType t) {
    switch (t) {
    case GgufType::U8: case GgufType::I8: case GgufType::BOOL: return 1;
    case GgufType::U16: case GgufType::I16: return 2;
    case GgufType::U32: case GgufType::I32: case GgufType::F32: return 4;
    default: return 8;
    }
}

// The payload of a value (without its type id), as GGUF stores it.
void encode(std::vector<uint8_t>& out, const GgufValue& v) {
    switch (v.type) {
    case GgufType::STRING: GgufWriter::put_string(out, v.str); return;
    case GgufType::ARRAY:
        GgufWriter::put_u32(out, static_cast<uint32_t>(v.elem_type));
        GgufWriter::put_u64(out, v.count);
        if (v.elem_type == GgufType::STRING) {
            for (std::string_view s : v.strings) GgufWriter::put_string(out, s);
        } else if (v.elem_type == GgufType::ARRAY) {
            for (const GgufValue& item : v.items) encode(out, item);
        } else {
            out.insert(out.end(), v.raw, v.raw + v.count * width(v.elem_type));
        }
        return;
    case GgufType::F32: put(out, static_cast<float>(v.f)); return;
    case GgufType::F64: put(out, v.f); return;
    case GgufType::I8: case GgufType::I16: case GgufType::I32: case GgufType::I64: {
        const int64_t i = v.i;
        const size_t at = out.size();
        out.resize(at + width(v.type));
        std::memcpy(out.data() + at, &i, width(v.type));  // little-endian: the low bytes
        return;
    }
    default: {
        const uint64_t u = v.u;
        const size_t at = out.size();
        out.resize(at + width(v.type));
        std::memcpy(out.data() + at, &u, width(v.type));
        return;
    }
    }
}
} // namespace

void GgufWriter::set_value(const std::string& key, const GgufValue& value) {
    std::vector<uint8_t> payload;
    encode(payload, value);
    set(key, value.type, std::move(payload));
}

void GgufWriter::put_u32(std::vector<uint8_t>& out, uint32_t v) { put(out, v); }
void GgufWriter::put_u64(std::vector<uint8_t>& out, uint64_t v) { put(out, v); }
void GgufWriter::put_string(std::vector<uint8_t>& out, std::string_view s) {
    put<uint64_t>(out, s.size());
    size_t at = out.size();
    out.resize(at + s.size());
    if (!s.empty()) std::memcpy(out.data() + at, s.data(), s.size());
}

void GgufWriter::set(const std::string& key, GgufType type, std::vector<uint8_t> payload) {
    for (Kv& kv : kvs_)
        if (kv.key == key) {
            kv.type = type;
            kv.payload = std::move(payload);
            return;
        }
    kvs_.push_back({key, type, std::move(payload)});
}

void GgufWriter::set_u8(const std::string& k, uint8_t v) { set(k, GgufType::U8, scalar(v)); }
void GgufWriter::set_i8(const std::string& k, int8_t v) { set(k, GgufType::I8, scalar(v)); }
void GgufWriter::set_u16(const std::string& k, uint16_t v) { set(k, GgufType::U16, scalar(v)); }
void GgufWriter::set_i16(const std::string& k, int16_t v) { set(k, GgufType::I16, scalar(v)); }
void GgufWriter::set_u32(const std::string& k, uint32_t v) { set(k, GgufType::U32, scalar(v)); }
void GgufWriter::set_i32(const std::string& k, int32_t v) { set(k, GgufType::I32, scalar(v)); }
void GgufWriter::set_u64(const std::string& k, uint64_t v) { set(k, GgufType::U64, scalar(v)); }
void GgufWriter::set_i64(const std::string& k, int64_t v) { set(k, GgufType::I64, scalar(v)); }
void GgufWriter::set_f32(const std::string& k, float v) { set(k, GgufType::F32, scalar(v)); }
void GgufWriter::set_f64(const std::string& k, double v) { set(k, GgufType::F64, scalar(v)); }
void GgufWriter::set_bool(const std::string& k, bool v) { set(k, GgufType::BOOL, scalar<uint8_t>(v)); }

void GgufWriter::set_string(const std::string& k, std::string_view v) {
    std::vector<uint8_t> p;
    put_string(p, v);
    set(k, GgufType::STRING, std::move(p));
}

void GgufWriter::set_strings(const std::string& k, const std::vector<std::string>& v) {
    std::vector<uint8_t> p;
    put<uint32_t>(p, static_cast<uint32_t>(GgufType::STRING));
    put<uint64_t>(p, v.size());
    for (const std::string& s : v) put_string(p, s);
    set(k, GgufType::ARRAY, std::move(p));
}

void GgufWriter::set_i32s(const std::string& k, const std::vector<int32_t>& v) {
    std::vector<uint8_t> p;
    put<uint32_t>(p, static_cast<uint32_t>(GgufType::I32));
    put<uint64_t>(p, v.size());
    for (int32_t x : v) put(p, x);
    set(k, GgufType::ARRAY, std::move(p));
}

void GgufWriter::set_f32s(const std::string& k, const std::vector<float>& v) {
    std::vector<uint8_t> p;
    put<uint32_t>(p, static_cast<uint32_t>(GgufType::F32));
    put<uint64_t>(p, v.size());
    for (float x : v) put(p, x);
    set(k, GgufType::ARRAY, std::move(p));
}

void GgufWriter::set_raw(const std::string& k, GgufType type, std::vector<uint8_t> payload) {
    set(k, type, std::move(payload));
}

void GgufWriter::add_tensor(const std::string& name, TensorType type, std::vector<int64_t> ne,
                            std::vector<uint8_t> data) {
    const uint64_t n = data.size();
    tensors_.push_back({name, type, std::move(ne), std::move(data), n, false});
}

void GgufWriter::add_tensor_hole(const std::string& name, TensorType type, std::vector<int64_t> ne) {
    const TensorTypeTraits* tr = tensor_type_traits(static_cast<uint32_t>(type));
    uint64_t elems = 1;
    for (int64_t d : ne) elems *= static_cast<uint64_t>(d);
    const uint64_t n = tr ? elems / tr->block_elems * tr->block_bytes : 0;
    tensors_.push_back({name, type, std::move(ne), {}, n, true});
}

std::vector<uint8_t> GgufWriter::serialize() const {
    std::vector<uint8_t> out = header();
    auto pad = [&](uint64_t x) { return (x + alignment_ - 1) / alignment_ * alignment_; };
    for (const Tensor& t : tensors_) {
        if (t.hole) out.resize(out.size() + t.nbytes, 0);
        out.insert(out.end(), t.data.begin(), t.data.end());
        out.resize(pad(out.size()), 0);
    }
    return out;
}

std::vector<uint8_t> GgufWriter::header() const {
    std::vector<uint8_t> out = {'G', 'G', 'U', 'F'};
    put<uint32_t>(out, version_);
    put<int64_t>(out, static_cast<int64_t>(tensors_.size()));
    bool has_alignment_key = false;
    for (const Kv& kv : kvs_) has_alignment_key |= kv.key == "general.alignment";
    bool write_alignment = alignment_ != 32 && !has_alignment_key;
    put<int64_t>(out, static_cast<int64_t>(kvs_.size() + (write_alignment ? 1 : 0)));
    if (write_alignment) {
        put_string(out, "general.alignment");
        put<uint32_t>(out, static_cast<uint32_t>(GgufType::U32));
        put<uint32_t>(out, alignment_);
    }
    for (const Kv& kv : kvs_) {
        put_string(out, kv.key);
        put<uint32_t>(out, static_cast<uint32_t>(kv.type));
        out.insert(out.end(), kv.payload.begin(), kv.payload.end());
    }
    auto pad = [&](uint64_t x) { return (x + alignment_ - 1) / alignment_ * alignment_; };
    uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
        put_string(out, t.name);
        put<uint32_t>(out, static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) put<int64_t>(out, d);
        put<uint32_t>(out, static_cast<uint32_t>(t.type));
        put<uint64_t>(out, offset);
        offset = pad(offset + t.nbytes);
    }
    out.resize(pad(out.size()), 0);
    return out;
}

bool GgufWriter::write_file(const std::string& path, std::string& error) const {
    const bool holes = std::any_of(tensors_.begin(), tensors_.end(), [](const Tensor& t) { return t.hole; });
    // With holes: the header, each tensor with data at its offset, and the file extended over
    // the rest without writing it.
    std::vector<uint8_t> bytes = holes ? header() : serialize();
    uint64_t total = bytes.size();
    std::vector<std::pair<uint64_t, const Tensor*>> placed;
    for (const Tensor& t : tensors_) {
        if (holes && !t.hole) placed.emplace_back(total, &t);
        total = (total + t.nbytes + alignment_ - 1) / alignment_ * alignment_;
    }
    // Written next to the target and renamed into place: readers never see a half-written file,
    // and concurrent writers of the same path (parallel tests) do not share a temporary.
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        error = tmp + ": " + std::strerror(errno);
        return false;
    }
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    for (const auto& [at, t] : placed)
        ok = ok && fseeko(f, static_cast<off_t>(at), SEEK_SET) == 0 && std::fwrite(t->data.data(), 1, t->data.size(), f) == t->data.size();
    ok = ok && (!holes || (std::fflush(f) == 0 && ftruncate(fileno(f), static_cast<off_t>(total)) == 0));
    ok = (std::fclose(f) == 0) && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        error = path + ": write failed: " + std::strerror(errno);
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

} // namespace ponder
