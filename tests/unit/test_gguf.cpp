// GGUF reader and writer: round trips for every value type, versions 2 and 3, alignment, and a
// collection of corrupted files that must be rejected with the right message.
#include "ponder/gguf.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace ponder;

namespace {

GgufWriter sample_writer(uint32_t version = 3) {
    GgufWriter w(version);
    w.set_string("general.architecture", "qwen2");
    w.set_u8("t.u8", 200);
    w.set_i8("t.i8", -100);
    w.set_u16("t.u16", 60000);
    w.set_i16("t.i16", -30000);
    w.set_u32("t.u32", 4000000000u);
    w.set_i32("t.i32", -2000000000);
    w.set_u64("t.u64", 1ull << 60);
    w.set_i64("t.i64", -(1ll << 60));
    w.set_f32("t.f32", 1.5f);
    w.set_f64("t.f64", -2.25);
    w.set_bool("t.bool", true);
    w.set_strings("t.strings", {"a", "", "ünï"});
    w.set_i32s("t.i32s", {1, -2, 3});
    w.set_f32s("t.f32s", {0.5f, -1.f});
    std::vector<uint8_t> nested;
    GgufWriter::put_u32(nested, static_cast<uint32_t>(GgufType::ARRAY));
    GgufWriter::put_u64(nested, 2);
    for (int k = 0; k < 2; k++) {
        GgufWriter::put_u32(nested, static_cast<uint32_t>(GgufType::STRING));
        GgufWriter::put_u64(nested, 1);
        GgufWriter::put_string(nested, k ? "y" : "x");
    }
    w.set_raw("t.nested", GgufType::ARRAY, nested);
    std::vector<uint8_t> f32(4 * 3 * 4);
    for (size_t i = 0; i < f32.size(); i++) f32[i] = static_cast<uint8_t>(i);
    w.add_tensor("a.weight", TensorType::F32, {4, 3}, f32);
    w.add_tensor("b.weight", TensorType::Q4_K, {256, 2}, std::vector<uint8_t>(288, 7));
    w.add_tensor("c.weight", TensorType::Q8_0, {64}, std::vector<uint8_t>(68, 9));
    return w;
}

std::unique_ptr<GgufFile> parse(const std::vector<uint8_t>& bytes, std::string& err) {
    return gguf_parse(bytes.data(), bytes.size(), err);
}

std::string parse_error(const std::vector<uint8_t>& bytes) {
    std::string err;
    auto f = parse(bytes, err);
    EXPECT_EQ(f, nullptr) << "a corrupt file was accepted";
    return err;
}

// Byte offset of the first occurrence of `needle` in `hay`.
size_t find_bytes(const std::vector<uint8_t>& hay, std::string_view needle) {
    auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
    EXPECT_NE(it, hay.end());
    return static_cast<size_t>(it - hay.begin());
}

template <class T> void poke(std::vector<uint8_t>& b, size_t at, T v) { std::memcpy(&b[at], &v, sizeof v); }

} // namespace

TEST(Gguf, RoundTripEveryValueType) {
    for (uint32_t version : {2u, 3u}) {
        std::vector<uint8_t> bytes = sample_writer(version).serialize();
        std::string err;
        auto f = parse(bytes, err);
        ASSERT_NE(f, nullptr) << err;
        EXPECT_EQ(f->version(), version);
        EXPECT_EQ(f->get_string("general.architecture"), "qwen2");
        EXPECT_EQ(f->get_int("t.u8", 0), 200);
        EXPECT_EQ(f->get_int("t.i8", 0), -100);
        EXPECT_EQ(f->get_int("t.u16", 0), 60000);
        EXPECT_EQ(f->get_int("t.i16", 0), -30000);
        EXPECT_EQ(f->get_int("t.u32", 0), 4000000000ll);
        EXPECT_EQ(f->get_int("t.i32", 0), -2000000000);
        EXPECT_EQ(f->get_int("t.u64", 0), 1ll << 60);
        EXPECT_EQ(f->get_int("t.i64", 0), -(1ll << 60));
        EXPECT_EQ(f->get_float("t.f32", 0), 1.5);
        EXPECT_EQ(f->get_float("t.f64", 0), -2.25);
        EXPECT_TRUE(f->get_bool("t.bool", false));
        const GgufValue* s = f->find("t.strings");
        ASSERT_NE(s, nullptr);
        ASSERT_EQ(s->strings.size(), 3u);
        EXPECT_EQ(s->strings[2], "ünï");
        const GgufValue* ints = f->find("t.i32s");
        ASSERT_EQ(ints->count, 3u);
        EXPECT_EQ(ints->array_int(1), -2);
        EXPECT_EQ(f->find("t.f32s")->array_double(0), 0.5);
        const GgufValue* nested = f->find("t.nested");
        ASSERT_EQ(nested->items.size(), 2u);
        EXPECT_EQ(nested->items[1].strings[0], "y");

        ASSERT_EQ(f->tensors().size(), 3u);
        const GgufTensor* a = f->find_tensor("a.weight");
        ASSERT_NE(a, nullptr);
        EXPECT_EQ(a->ne[0], 4);
        EXPECT_EQ(a->ne[1], 3);
        EXPECT_EQ(a->nbytes, 48u);
        EXPECT_EQ(a->data[5], 5);
        EXPECT_EQ((a->data - bytes.data()) % 32, 0);
        const GgufTensor* b = f->find_tensor("b.weight");
        EXPECT_EQ(b->type, TensorType::Q4_K);
        EXPECT_EQ(b->nbytes, 288u);
        EXPECT_EQ(b->data[287], 7);
        EXPECT_EQ(f->find_tensor("c.weight")->nbytes, 68u);
    }
}

TEST(Gguf, CustomAlignment) {
    GgufWriter w = sample_writer();
    w.set_alignment(64);
    std::vector<uint8_t> bytes = w.serialize();
    std::string err;
    auto f = parse(bytes, err);
    ASSERT_NE(f, nullptr) << err;
    EXPECT_EQ(f->alignment(), 64u);
    for (const GgufTensor& t : f->tensors()) EXPECT_EQ((t.data - bytes.data()) % 64, 0);
}

TEST(Gguf, OpenFromDiskIsZeroCopy) {
    std::string path = ::testing::TempDir() + "/roundtrip.gguf", err;
    ASSERT_TRUE(sample_writer().write_file(path, err)) << err;
    auto f = gguf_open(path, err);
    ASSERT_NE(f, nullptr) << err;
    EXPECT_EQ(f->find_tensor("a.weight")->data[47], 47);
    EXPECT_EQ(gguf_open(path + ".missing", err), nullptr);
    EXPECT_NE(err.find("No such file"), std::string::npos) << err;
}

TEST(Gguf, RejectsBadMagicVersionAndTruncation) {
    std::vector<uint8_t> good = sample_writer().serialize();
    auto b = good;
    b[0] = 'X';
    EXPECT_NE(parse_error(b).find("bad magic"), std::string::npos);
    b = good;
    poke<uint32_t>(b, 4, 1);
    EXPECT_NE(parse_error(b).find("version 1"), std::string::npos);
    b = good;
    poke<uint32_t>(b, 4, 7);
    EXPECT_NE(parse_error(b).find("unsupported GGUF version 7"), std::string::npos);
    b = good;
    poke<uint32_t>(b, 4, 3u << 24);
    EXPECT_NE(parse_error(b).find("big-endian"), std::string::npos);
    EXPECT_NE(parse_error({'G', 'G'}).find("only 2 bytes"), std::string::npos);
    // Every truncation point of the header is an error, never a crash.
    std::string err;
    auto f = parse(good, err);
    for (size_t n = 0; n < f->data_offset(); n += 7) {
        std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<ptrdiff_t>(n));
        EXPECT_EQ(parse(cut, err), nullptr) << "accepted a file cut at " << n;
    }
    std::vector<uint8_t> cut(good.begin(), good.end() - 40);
    EXPECT_NE(parse_error(cut).find("extends past the end of the file"), std::string::npos);
}

TEST(Gguf, RejectsImpossibleCounts) {
    std::vector<uint8_t> good = sample_writer().serialize();
    auto b = good;
    poke<int64_t>(b, 8, int64_t(1) << 40);  // tensor count
    EXPECT_NE(parse_error(b).find("tensor count"), std::string::npos);
    b = good;
    poke<int64_t>(b, 16, -1);  // kv count
    EXPECT_NE(parse_error(b).find("metadata count"), std::string::npos);
    b = good;
    // The first key's length: claims more bytes than the file has.
    poke<uint64_t>(b, 24, uint64_t(1) << 50);
    EXPECT_NE(parse_error(b).find("claims"), std::string::npos);
    // An array count far beyond the file size.
    b = good;
    size_t at = find_bytes(b, "t.i32s") + 6 + 4 /*type*/ + 4 /*elem type*/;
    poke<uint64_t>(b, at, uint64_t(1) << 61);
    EXPECT_NE(parse_error(b).find("does not fit"), std::string::npos);
}

TEST(Gguf, RejectsBadTypesAndDuplicates) {
    std::vector<uint8_t> good = sample_writer().serialize();
    auto b = good;
    size_t at = find_bytes(b, "t.u8") + 4;
    poke<uint32_t>(b, at, 77);
    EXPECT_NE(parse_error(b).find("'t.u8' has unknown value type 77"), std::string::npos);

    GgufWriter w = sample_writer();
    w.add_tensor("a.weight", TensorType::F32, {1}, std::vector<uint8_t>(4));
    EXPECT_NE(parse_error(w.serialize()).find("duplicate tensor name 'a.weight'"), std::string::npos);

    b = good;
    at = find_bytes(b, "t.u16");
    std::memcpy(&b[at], "t.u32", 5);  // now two keys are called t.u32
    EXPECT_NE(parse_error(b).find("duplicate metadata key 't.u32'"), std::string::npos);

    // Unknown tensor type: the error names it.
    b = good;
    at = find_bytes(b, "c.weight") + 8 + 4 + 8;
    poke<uint32_t>(b, at, 31);
    EXPECT_NE(parse_error(b).find("'c.weight' has unknown type id 31"), std::string::npos);
}

TEST(Gguf, RejectsBadTensorGeometry) {
    std::vector<uint8_t> good = sample_writer().serialize();
    size_t c = find_bytes(good, "c.weight") + 8;  // after the name: n_dims, dims, type, offset
    auto b = good;
    poke<uint32_t>(b, c, 5);
    EXPECT_NE(parse_error(b).find("5 dimensions"), std::string::npos);
    b = good;
    poke<int64_t>(b, c + 4, 33);  // not a multiple of Q8_0's 32
    EXPECT_NE(parse_error(b).find("not a multiple of its block size 32"), std::string::npos);
    b = good;
    poke<int64_t>(b, c + 4, -32);
    EXPECT_NE(parse_error(b).find("non-positive dimension"), std::string::npos);
    b = good;
    size_t a = find_bytes(good, "a.weight") + 8;
    poke<uint32_t>(b, a, 4);  // 4 dims of which the last two are read from the type/offset bytes
    poke<int64_t>(b, a + 4, int64_t(1) << 40);
    poke<int64_t>(b, a + 12, int64_t(1) << 40);
    std::string err = parse_error(b);
    EXPECT_FALSE(err.empty());
    b = good;
    poke<uint64_t>(b, c + 4 + 8 + 4, 3);  // offset not aligned
    EXPECT_NE(parse_error(b).find("not a multiple of the alignment"), std::string::npos);
    b = good;
    poke<uint64_t>(b, c + 4 + 8 + 4, uint64_t(1) << 40);
    EXPECT_NE(parse_error(b).find("extends past the end"), std::string::npos);
}

TEST(Gguf, RejectsBadAlignmentAndDeepNesting) {
    GgufWriter w = sample_writer();
    w.set_u32("general.alignment", 48);
    EXPECT_NE(parse_error(w.serialize()).find("not a power of two"), std::string::npos);
    GgufWriter w2 = sample_writer();
    w2.set_u64("general.alignment", 64);
    EXPECT_NE(parse_error(w2.serialize()).find("must be a u32"), std::string::npos);

    // 20 levels of nested arrays: refused, not recursed into without bound.
    std::vector<uint8_t> payload;
    for (int d = 0; d < 20; d++) {
        GgufWriter::put_u32(payload, static_cast<uint32_t>(GgufType::ARRAY));
        GgufWriter::put_u64(payload, 1);
    }
    GgufWriter::put_u32(payload, static_cast<uint32_t>(GgufType::U8));
    GgufWriter::put_u64(payload, 0);
    GgufWriter w3;
    w3.set_raw("deep", GgufType::ARRAY, payload);
    EXPECT_NE(parse_error(w3.serialize()).find("nested deeper"), std::string::npos);
}

TEST(Gguf, EveryKnownTypeHasConsistentTraits) {
    int known = 0;
    for (uint32_t id = 0; id < 64; id++) {
        const TensorTypeTraits* t = tensor_type_traits(id);
        if (!t) continue;
        known++;
        EXPECT_GT(t->block_bytes, 0u);
        EXPECT_TRUE(t->block_elems == 1 || t->block_elems == 32 || t->block_elems == 256) << t->name;
    }
    EXPECT_EQ(known, 32);
    EXPECT_EQ(tensor_type_traits(14)->block_bytes, 210u);  // Q6_K
    EXPECT_EQ(tensor_type_traits(11)->block_bytes, 110u);  // Q3_K
    EXPECT_EQ(tensor_type_traits(10)->block_bytes, 84u);   // Q2_K
    EXPECT_EQ(tensor_type_traits(13)->block_bytes, 176u);  // Q5_K
    EXPECT_EQ(tensor_type_traits(4), nullptr);             // retired Q4_2
}
