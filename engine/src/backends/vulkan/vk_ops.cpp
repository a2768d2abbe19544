// The ops of a Vulkan stream: each fills its shader's push constants (shaders/push.h) from the
// tensors' offsets and strides and picks the workgroup counts. See vk_stream.h.
#include "vk_stream.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace ponder::vk {

namespace shader {
using uint = uint32_t;
#include "push.h"
} // namespace shader

namespace {

// Every push struct fits the 128 bytes a pipeline layout reserves (vk_device.cpp), and has no
// padding, so its layout is the same in GLSL (std430 scalars) and C++.
template <class T>
constexpr bool fits_push() { return sizeof(T) <= 128 && sizeof(T) % 4 == 0 && alignof(T) == 4; }
static_assert(fits_push<shader::MatmulPush>() && fits_push<shader::GetRowsPush>() && fits_push<shader::RmsNormPush>() &&
              fits_push<shader::RopePush>() && fits_push<shader::CopyPush>() && fits_push<shader::AttentionPush>() && fits_push<shader::AttentionMergePush>() &&
              fits_push<shader::EltwisePush>());
static_assert(sizeof(shader::MatmulPush) == 12 * 4 && sizeof(shader::AttentionPush) == 20 * 4);

constexpr uint32_t kMatmulTokens = 8;  // NT in matmul.comp
constexpr uint32_t kMatmulRows = 4;    // ROWS in matmul.comp
constexpr uint32_t kTileRows = 64;     // TM and TN in matmul.comp's TILED variant
constexpr uint32_t kTileTokens = 64;
// From this many tokens on (a prompt) the tiled variant reads each weight once per 64 tokens
// instead of once per 8; below it (generation) the vector variant keeps every thread busy.
constexpr int64_t kTiledFromTokens = 32;
constexpr uint32_t kSubgroupRows = 8;  // SG_ROWS in matmul.comp's SUBGROUP variant

// PONDER_VULKAN_PORTABLE=1 leaves out what a device may lack (subgroup arithmetic), so the
// portable fallbacks can be tested on a device that has it all.
bool portable_only() {
    static const bool portable = [] {
        const char* v = std::getenv("PONDER_VULKAN_PORTABLE");
        return v && *v && std::string(v) != "0";
    }();
    return portable;
}
constexpr uint32_t kWorkgroup = 64;    // local_size_x of every shader
constexpr uint32_t kMaxGroups = 65535; // the guaranteed minimum of maxComputeWorkGroupCount
// Flash decoding: few queries over a long context would leave most of a GPU idle with one
// workgroup per (head, query); the keys are split into spans of at least this many, one
// workgroup each, and merged.
constexpr int64_t kSplitSpanKeys = 256;
constexpr int64_t kMaxSplits = 64;

// Spans for attention over n_kv keys with n_head x n queries: 1 (no split) unless the context is
// long and the queries few.
uint32_t attention_splits(int64_t n_kv, int64_t n_head, int64_t n) {
    if (n_kv <= 2 * kSplitSpanKeys || n * n_head > 256) return 1;
    return static_cast<uint32_t>(std::min(kMaxSplits, (n_kv + kSplitSpanKeys - 1) / kSplitSpanKeys));
}

uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }
uint32_t floats(size_t bytes) { return static_cast<uint32_t>(bytes / 4); }
uint32_t groups(int64_t n, uint32_t per) { return static_cast<uint32_t>((n + per - 1) / per); }

// "q4_k": the suffix of a weight type's shader variants; throws for a type no shader reads.
std::string type_suffix(TensorType t, const char* op) {
    switch (t) {
    case TensorType::F32: case TensorType::F16: case TensorType::BF16: case TensorType::Q4_0:
    case TensorType::Q4_1: case TensorType::Q5_0: case TensorType::Q5_1: case TensorType::Q8_0:
    case TensorType::Q2_K: case TensorType::Q3_K: case TensorType::Q4_K: case TensorType::Q5_K:
    case TensorType::Q6_K: {
        std::string s(tensor_type_name(t));
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    default:
        throw std::runtime_error(std::string("the ") + op + " op is not supported by the vulkan backend for " +
                                 std::string(tensor_type_name(t)) + " tensors");
    }
}

} // namespace

void VulkanStream::matmul(const Tensor& w, const Tensor& x, const Tensor& out, const Tensor* bias) {
    assert(x.type == TensorType::F32 && out.type == TensorType::F32 && x.ne[0] == w.ne[0] && out.ne[0] == w.ne[1]);
    const bool tiled = x.ne[1] >= kTiledFromTokens;
    const bool subgroup = !tiled && backend_.caps().info.subgroup_arithmetic && !portable_only();
    const std::string name = (tiled ? "matmul_tiled_" : subgroup ? "matmul_sg_" : "matmul_") + type_suffix(w.type, "matmul");
    if (w.ne[1] == 0 || x.ne[1] == 0) return;
    const Bound bw = bind(w), bx = bind(x), bo = bind(out), bb = bias ? bind(*bias) : bx;
    shader::MatmulPush p{};
    p.k = u32(w.ne[0]);
    p.m = u32(w.ne[1]);
    p.n = u32(x.ne[1]);
    p.w_off_b = bw.at_b;
    p.w_row_b = u32(static_cast<int64_t>(w.nb[1]));
    p.x_off_f = bx.at_f();
    p.x_row_f = floats(x.nb[1]);
    p.out_off_f = bo.at_f();
    p.out_row_f = floats(out.nb[1]);
    p.bias_off_f = bias ? bb.at_f() : 0;
    p.has_bias = bias != nullptr;
    const uint32_t row_groups = groups(p.m, tiled ? kTileRows : subgroup ? kSubgroupRows : kMatmulRows);
    p.groups_x = std::min(row_groups, kMaxGroups);
    dispatch(name, {bw, bx, bo, bb}, &p, sizeof p, p.groups_x, groups(row_groups, p.groups_x),
             groups(p.n, tiled ? kTileTokens : kMatmulTokens));
}

void VulkanStream::get_rows(const Tensor& table, const Tensor& ids, const Tensor& out) {
    assert(ids.type == TensorType::I32 && out.type == TensorType::F32 && out.ne[0] == table.ne[0]);
    const std::string name = "get_rows_" + type_suffix(table.type, "get_rows");
    const Bound bt = bind(table), bi = bind(ids), bo = bind(out);
    shader::GetRowsPush p{};
    p.d = u32(table.ne[0]);
    p.n = u32(ids.ne[0]);
    p.table_off_b = bt.at_b;
    p.table_row_b = u32(static_cast<int64_t>(table.nb[1]));
    p.ids_off_f = bi.at_f();
    p.out_off_f = bo.at_f();
    p.out_row_f = floats(out.nb[1]);
    dispatch(name, {bt, bi, bo}, &p, sizeof p, std::min(p.n, kMaxGroups), groups(p.n, kMaxGroups));
}

void VulkanStream::rms_norm(const Tensor& x, const Tensor* w, float eps, const Tensor& out) {
    assert(x.type == TensorType::F32 && out.type == TensorType::F32 && x.ne[0] == out.ne[0]);
    const Bound bx = bind(x), bo = bind(out), bw = w ? bind(*w) : bx;
    shader::RmsNormPush p{};
    p.d = u32(x.ne[0]);
    p.ne1 = u32(x.ne[1]);
    p.x_off_f = bx.at_f();
    p.x_nb1_f = floats(x.nb[1]);
    p.x_nb2_f = floats(x.nb[2]);
    p.out_off_f = bo.at_f();
    p.out_nb1_f = floats(out.nb[1]);
    p.out_nb2_f = floats(out.nb[2]);
    p.w_off_f = w ? bw.at_f() : 0;
    p.has_w = w != nullptr;
    p.eps = eps;
    dispatch("rms_norm", {bx, bw, bo}, &p, sizeof p, p.ne1, u32(x.ne[2]));
}

void VulkanStream::rope(const Tensor& x, int pos0, const RopeParams& rp) {
    assert(x.type == TensorType::F32 && rp.n_rot % 2 == 0 && rp.n_rot <= x.ne[0]);
    const int half = rp.n_rot / 2;
    const int64_t n = x.ne[2];
    // The cos/sin table is made on the host in double (as the CPU backend makes it) and read by
    // the shader from mapped memory; q and k of every layer share it until the next synchronize.
    const Buffer* ff = rp.freq_factors ? rp.freq_factors->buffer : nullptr;
    const size_t ff_off = rp.freq_factors ? rp.freq_factors->offset : 0;
    const auto key = std::make_tuple(pos0, n, rp.n_rot, rp.freq_base, ff, ff_off,
                                     std::array<float, 5>{rp.yarn.factor, static_cast<float>(rp.yarn.orig_ctx), rp.yarn.beta_fast,
                                                          rp.yarn.beta_slow, rp.mscale});
    if (rope_table_ == SIZE_MAX || key != rope_key_) {
        const float* divisors = rp.freq_factors ? host_copy_of(*rp.freq_factors).data() : nullptr;
        const std::vector<double> freq = rope_frequencies(rp, divisors);
        const size_t bytes = static_cast<size_t>(n) * 2 * static_cast<size_t>(half) * 4;
        rope_table_ = arena_alloc(bytes);
        float* table = reinterpret_cast<float*>(static_cast<uint8_t*>(arena_->mapped()) + rope_table_);
        for (int64_t t = 0; t < n; t++) rope_cos_sin(freq, pos0 + t, rp.mscale, table + t * 2 * half, table + t * 2 * half + half);
        rope_key_ = key;
    }
    const Bound bx = bind(x), bt = bind_host(rope_table_, static_cast<size_t>(n) * 2 * static_cast<size_t>(half) * 4);
    shader::RopePush p{};
    p.half_rot = u32(half);
    p.n_head = u32(x.ne[1]);
    p.n = u32(n);
    p.neox = rp.neox;
    p.x_off_f = bx.at_f();
    p.x_nb1_f = floats(x.nb[1]);
    p.x_nb2_f = floats(x.nb[2]);
    p.table_off_f = bt.at_f();
    dispatch("rope", {bx, bt}, &p, sizeof p, groups(half, kWorkgroup), p.n_head, p.n);
}

void VulkanStream::copy(const Tensor& src, const Tensor& dst) {
    assert(src.type == TensorType::F32 && src.ne[0] == dst.ne[0] && src.ne[1] == dst.ne[1] && src.ne[2] == dst.ne[2]);
    if (dst.type != TensorType::F32 && dst.type != TensorType::F16 && dst.type != TensorType::BF16)
        throw std::runtime_error("the copy op is not supported by the vulkan backend into " + std::string(tensor_type_name(dst.type)));
    const Bound bs = bind(src), bd = bind(dst);
    shader::CopyPush p{};
    p.d = u32(src.ne[0]);
    p.ne1 = u32(src.ne[1]);
    p.src_off_f = bs.at_f();
    p.src_nb1_f = floats(src.nb[1]);
    p.src_nb2_f = floats(src.nb[2]);
    p.dst_off_b = bd.at_b;
    p.dst_nb0_b = u32(static_cast<int64_t>(dst.nb[0]));
    p.dst_nb1_b = u32(static_cast<int64_t>(dst.nb[1]));
    p.dst_nb2_b = u32(static_cast<int64_t>(dst.nb[2]));
    dispatch("copy_" + type_suffix(dst.type, "copy"), {bs, bd}, &p, sizeof p, groups(p.d, kWorkgroup), p.ne1, u32(src.ne[2]));
}

void VulkanStream::attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                             const AttentionParams& ap) {
    assert(q.ne[0] == k.ne[0] && out.ne[0] == v.ne[0] && q.ne[1] % k.ne[1] == 0);
    if (k.type != v.type)
        throw std::runtime_error("the attention op is not supported by the vulkan backend for K and V caches of different types");
    if (q.ne[0] > 1024 || v.ne[0] > 512)
        throw std::runtime_error("the attention op is not supported by the vulkan backend for heads wider than 1024 (K) / 512 (V)");
    const Bound bq = bind(q), bk = bind(k), bv = bind(v), bo = bind(out);
    shader::AttentionPush p{};
    p.dk = u32(q.ne[0]);
    p.dv = u32(v.ne[0]);
    p.n_head = u32(q.ne[1]);
    p.n_head_kv = u32(k.ne[1]);
    p.n = u32(q.ne[2]);
    p.pos0 = ap.pos0;
    p.scale = ap.scale;
    p.q_off_f = bq.at_f();
    p.q_nb1_f = floats(q.nb[1]);
    p.q_nb2_f = floats(q.nb[2]);
    p.k_off_b = bk.at_b;
    p.k_nb1_b = u32(static_cast<int64_t>(k.nb[1]));
    p.k_nb2_b = u32(static_cast<int64_t>(k.nb[2]));
    p.v_off_b = bv.at_b;
    p.v_nb1_b = u32(static_cast<int64_t>(v.nb[1]));
    p.v_nb2_b = u32(static_cast<int64_t>(v.nb[2]));
    p.out_off_f = bo.at_f();
    p.out_nb1_f = floats(out.nb[1]);
    p.out_nb2_f = floats(out.nb[2]);
    p.n_split = attention_splits(ap.pos0 + q.ne[2], q.ne[1], q.ne[2]);
    const std::string cache = type_suffix(k.type, "attention");
    if (p.n_split == 1) {
        dispatch("attention_" + cache, {bq, bk, bv, bo}, &p, sizeof p, p.n_head, p.n);
        return;
    }
    // Spans into scratch rows [m, l, acc[dv]] per (query, head, span), then merged into out.
    const size_t scratch = static_cast<size_t>(p.n) * p.n_head * p.n_split * (p.dv + 2) * 4;
    if (!attention_scratch_ || attention_scratch_->size() < scratch) {
        submit_and_wait();  // recorded ops may still use the old buffer
        attention_scratch_.reset();
        attention_scratch_ = backend_.alloc(scratch);
    }
    const Tensor st = make_tensor(attention_scratch_.get(), 0, TensorType::F32, static_cast<int64_t>(scratch / 4));
    const Bound bs = bind(st);
    dispatch("attention_split_" + cache, {bq, bk, bv, bs}, &p, sizeof p, p.n_head, p.n, p.n_split);
    shader::AttentionMergePush mp{};
    mp.dv = p.dv;
    mp.n_head = p.n_head;
    mp.n_split = p.n_split;
    mp.out_off_f = p.out_off_f;
    mp.out_nb1_f = p.out_nb1_f;
    mp.out_nb2_f = p.out_nb2_f;
    dispatch("attention_merge", {bs, bo}, &mp, sizeof mp, p.n_head, p.n);
}

namespace {

shader::EltwisePush eltwise_push(const Tensor& a, const Bound& ba, const Tensor& b, const Bound& bb, const Tensor& out,
                                 const Bound& bo) {
    shader::EltwisePush p{};
    p.d = u32(a.ne[0]);
    p.ne1 = u32(a.ne[1]);
    p.a_off_f = ba.at_f();
    p.a_nb1_f = floats(a.nb[1]);
    p.a_nb2_f = floats(a.nb[2]);
    p.b_off_f = bb.at_f();
    p.b_nb1_f = floats(b.nb[1]);
    p.b_nb2_f = floats(b.nb[2]);
    p.out_off_f = bo.at_f();
    p.out_nb1_f = floats(out.nb[1]);
    p.out_nb2_f = floats(out.nb[2]);
    return p;
}

} // namespace

void VulkanStream::swiglu(const Tensor& gate, const Tensor& up, const Tensor& out) {
    const Bound bg = bind(gate), bu = bind(up), bo = bind(out);
    const shader::EltwisePush p = eltwise_push(gate, bg, up, bu, out, bo);
    dispatch("swiglu", {bg, bu, bo}, &p, sizeof p, groups(p.d, kWorkgroup), p.ne1, u32(gate.ne[2]));
}

void VulkanStream::add(const Tensor& a, const Tensor& b, const Tensor& out) {
    const Bound ba = bind(a), bb = bind(b), bo = bind(out);
    const shader::EltwisePush p = eltwise_push(a, ba, b, bb, out, bo);
    dispatch("add", {ba, bb, bo}, &p, sizeof p, groups(p.d, kWorkgroup), p.ne1, u32(a.ne[2]));
}

} // namespace ponder::vk
