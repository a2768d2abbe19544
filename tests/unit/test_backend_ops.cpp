// Every op of the backend contract (engine/src/backend.h), for every weight type, on many shapes
// (odd sizes, one row, many rows, long contexts, strided views), against plain scalar references
// written here in double precision, with a normalised-error bound per op and type:
//   NMSE = sum (out - ref)^2 / sum ref^2   (plus exact equality where the op is a pure copy).
// In the spirit of ggml's test-backend-ops. Parameterised by backend: a GPU backend joins by
// adding one line to kBackends. The failures each deliberate kernel breakage gave are written
// down in backend_ops_mutations.md beside this file.
//
// The references use the engine's dequantize_row for the weight formats: that one is checked
// bit for bit against the independent numpy dequantizer (tests/reference, reference_engine).
#include "backend.h"
#include "backends/vulkan/vulkan_backend.h"
#include "make_model.h"
#include "quant.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <gtest/gtest.h>
#include <random>
#include <stdexcept>

using namespace ponder;

namespace {

struct BackendCase {
    const char* name;
    std::function<std::unique_ptr<Backend>()> make;
    bool reference_math = false;  // its matmul dequantizes and does not quantize activations
};

// Why a GPU backend could not be made here (no device, a build without it), for the skip message.
std::string g_unavailable;

std::unique_ptr<Backend> vulkan_or_null() {
    std::unique_ptr<Backend> b = make_vulkan_backend(-1, 0, g_unavailable);
    return b;
}

// The backends under test. CUDA adds its line here. The Vulkan backend's matmul dequantizes the
// weights and dots them with the F32 activations, as the reference math does.
const BackendCase kBackends[] = {
    {"cpu", [] { return make_cpu_backend({2, nullptr, false}); }},
    {"cpu_scalar", [] { return make_cpu_backend({1, "scalar", false}); }},
    {"cpu_reference", [] { return make_cpu_backend({2, nullptr, true}); }, true},
    {"vulkan", vulkan_or_null, true},
};

const TensorType kWeightTypes[] = {TensorType::F32,  TensorType::F16,  TensorType::BF16, TensorType::Q8_0,
                                   TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                                   TensorType::Q2_K, TensorType::Q3_K, TensorType::Q4_K, TensorType::Q5_K,
                                   TensorType::Q6_K};

uint16_t to_half(float f) {
    const _Float16 h = static_cast<_Float16>(f);  // the compiler's IEEE conversion, nearest even
    uint16_t u;
    std::memcpy(&u, &h, 2);
    return u;
}

uint16_t to_bfloat(float f) {  // nearest even on the top 16 bits (no NaNs here)
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
}

double from_half(uint16_t u) {
    _Float16 h;
    std::memcpy(&h, &u, 2);
    return static_cast<double>(h);
}

double from_bfloat(uint16_t u) {
    const uint32_t w = static_cast<uint32_t>(u) << 16;
    float f;
    std::memcpy(&f, &w, 4);
    return f;
}

// matmul is checked twice. Against the activations as the fast path rounds them (Q8_0 / Q8_1 /
// Q8_K blocks for quantized weights): what remains is float summation order, so a kernel that
// mishandles one block shows at once. And against the float activations: the total error,
// bounded per type (measured worst 7e-5 for the 32-element formats, 6e-3 for Q5_K and Q6_K
// with these random weights, whose values vary more within a block; bounds ~2x above). Without
// quantized activations (reference math, Vulkan, and every float type) what remains is F32
// summation: Vulkan's lanes and subgroup sums add in another order than a sequential loop, and a
// single output whose terms cancel shows it most (measured worst 2e-11 on one 256-term row).
// Q4_1 / Q5_1 weights are d*q + m; their dot takes sum(x) from the activation block's half-precision
// sum s, so their offset term carries that rounding too (measured worst 6.8e-7).
double matmul_kernel_bound(TensorType t) { return t == TensorType::Q4_1 || t == TensorType::Q5_1 ? 2e-6 : 1e-9; }
double matmul_total_bound(TensorType t, bool reference_math) {
    if (reference_math || t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16) return 1e-10;
    switch (t) {
    case TensorType::Q5_K: case TensorType::Q6_K: return 1.2e-2;
    case TensorType::Q2_K: case TensorType::Q3_K: case TensorType::Q4_K: return 2e-4;
    default: return 2e-4;
    }
}

// x as the weight type's dot product sees it: rounded through its activation blocks, or as is.
std::vector<double> activations_as_seen(TensorType w, const float* x, int64_t k, bool reference_math) {
    std::vector<double> out(x, x + k);
    const TensorType at = vec_dot_activation_type(w);
    if (reference_math || at == TensorType::F32) return out;
    std::vector<uint8_t> q(activation_row_bytes(w, k));
    quantize_activation_row(w, x, q.data(), k);
    const int64_t block = at == TensorType::Q8_K ? 256 : 32;
    const size_t bytes = q.size() / static_cast<size_t>(k / block);
    for (int64_t b = 0; b < k / block; b++) {
        const uint8_t* blk = q.data() + static_cast<size_t>(b) * bytes;
        double d;
        const int8_t* qs;
        if (at == TensorType::Q8_K) {  // float d, int8 qs[256], int16 bsums[16]
            float f;
            std::memcpy(&f, blk, 4);
            d = f;
            qs = reinterpret_cast<const int8_t*>(blk + 4);
        } else {  // half d (Q8_1: and half s), int8 qs[32]
            uint16_t h;
            std::memcpy(&h, blk, 2);
            d = from_half(h);
            qs = reinterpret_cast<const int8_t*>(blk + (at == TensorType::Q8_1 ? 4 : 2));
        }
        for (int64_t i = 0; i < block; i++) out[static_cast<size_t>(b * block + i)] = d * qs[i];
    }
    return out;
}

double nmse(const std::vector<float>& out, const std::vector<double>& ref) {
    double num = 0, den = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        const double d = static_cast<double>(out[i]) - ref[i];
        num += d * d;
        den += ref[i] * ref[i];
    }
    return den > 0 ? num / den : num;
}

// --- scalar references -----------------------------------------------------------------------

std::vector<double> dequant(TensorType t, const std::vector<uint8_t>& bytes, int64_t k, int64_t rows) {
    std::vector<float> row(static_cast<size_t>(k));
    std::vector<double> out;
    const size_t rb = type_row_bytes(t, k);
    for (int64_t r = 0; r < rows; r++) {
        dequantize_row(t, bytes.data() + static_cast<size_t>(r) * rb, row.data(), k);
        out.insert(out.end(), row.begin(), row.end());
    }
    return out;
}

// RoPE frequencies from the definitions: theta_i = base^(-2i/n_rot), Llama 3.1 divisors, and YaRN's
// ramp between the interpolated (theta/factor) and original frequency over the correction range.
std::vector<double> rope_theta(const RopeParams& p, const std::vector<float>& divisors) {
    const int half = p.n_rot / 2;
    std::vector<double> th(static_cast<size_t>(half));
    double lo = 0, hi = 0;
    const bool yarn = p.yarn.factor > 1;
    if (yarn) {
        auto corr = [&](double beta) {
            return p.n_rot * std::log(p.yarn.orig_ctx / (beta * 2 * M_PI)) / (2 * std::log(static_cast<double>(p.freq_base)));
        };
        lo = std::max(0.0, std::floor(corr(p.yarn.beta_fast)));
        hi = std::min(p.n_rot - 1.0, std::ceil(corr(p.yarn.beta_slow)));
    }
    for (int i = 0; i < half; i++) {
        double t = std::pow(static_cast<double>(p.freq_base), -2.0 * i / p.n_rot);
        if (!divisors.empty()) t /= divisors[static_cast<size_t>(i)];
        if (yarn) {
            double r = (i - lo) / std::max(hi - lo, 0.001);
            r = std::min(1.0, std::max(0.0, r));
            t = (1 - r) * t + r * t / p.yarn.factor;
        }
        th[static_cast<size_t>(i)] = t;
    }
    return th;
}

// --- a backend with host helpers -------------------------------------------------------------

struct MatmulShape {
    int64_t k, m, n;
    bool bias, strided;  // strided: x and out are views into wider tensors
};

class BackendOps : public ::testing::TestWithParam<BackendCase> {
protected:
    void SetUp() override {
        backend = GetParam().make();
        if (!backend) {
            // CI has lavapipe (Mesa's Vulkan driver on the CPU): there every backend must run.
            if (std::getenv("CI")) FAIL() << GetParam().name << " backend unavailable in CI: " << g_unavailable;
            GTEST_SKIP() << GetParam().name << " backend unavailable: " << g_unavailable;
        }
        stream = backend->create_stream();
    }

    // Every weight type through `shapes`, checked against the dequantized weights in double.
    void check_matmul_shapes(const std::vector<MatmulShape>& shapes) {
    for (TensorType t : kWeightTypes) {
            double worst_kernel = 0, worst_total = 0;
            for (const MatmulShape& s : shapes) {
                SCOPED_TRACE(std::string(tensor_type_name(t)) + " k=" + std::to_string(s.k) + " m=" + std::to_string(s.m) +
                             " n=" + std::to_string(s.n));
                const std::vector<uint8_t> wb = test::random_weight(t, s.k, s.m, 0.05f, rng);
                const Tensor w = upload_bytes(t, wb, s.k, s.m);
                const std::vector<float> xv = random(static_cast<size_t>(s.k * (s.n + 3)));
                const Tensor xall = upload(xv, s.k, s.n + 3);
                const Tensor x = s.strided ? rows(xall, 3, s.n) : rows(xall, 0, s.n);
                const std::vector<float> bv = random(static_cast<size_t>(s.m), 0.5f);
                const Tensor b = upload(bv, s.m);
                const Tensor oall = alloc(TensorType::F32, s.m + 32, s.n);
                const Tensor out = s.strided ? cols(oall, 32, s.m) : cols(oall, 0, s.m);
                stream->matmul(w, x, out, s.bias ? &b : nullptr);
                const std::vector<float> o = download(oall);
                const std::vector<double> wd = dequant(t, wb, s.k, s.m);
                std::vector<float> got;
                std::vector<double> ref, ref_seen;
                for (int64_t tok = 0; tok < s.n; tok++) {
                    const float* xr = xv.data() + (tok + (s.strided ? 3 : 0)) * s.k;
                    const std::vector<double> seen = activations_as_seen(t, xr, s.k, GetParam().reference_math);
                    for (int64_t r = 0; r < s.m; r++) {
                        double sum = s.bias ? bv[static_cast<size_t>(r)] : 0, sum_seen = sum;
                        for (int64_t i = 0; i < s.k; i++) {
                            sum += wd[static_cast<size_t>(r * s.k + i)] * xr[i];
                            sum_seen += wd[static_cast<size_t>(r * s.k + i)] * seen[static_cast<size_t>(i)];
                        }
                        ref.push_back(sum);
                        ref_seen.push_back(sum_seen);
                        got.push_back(o[static_cast<size_t>(tok * (s.m + 32) + r + (s.strided ? 32 : 0))]);
                    }
                }
                const double kernel = nmse(got, ref_seen), total = nmse(got, ref);
                worst_kernel = std::max(worst_kernel, kernel);
                worst_total = std::max(worst_total, total);
                EXPECT_LT(kernel, matmul_kernel_bound(t));
                EXPECT_LT(total, matmul_total_bound(t, GetParam().reference_math));
            }
            std::printf("[ %s ] matmul %-5s worst NMSE %.2e against the activations as rounded, %.2e in all\n",
                        GetParam().name, std::string(tensor_type_name(t)).c_str(), worst_kernel, worst_total);
        }
    }

    Tensor alloc(TensorType type, int64_t ne0, int64_t ne1 = 1, int64_t ne2 = 1) {
        owned.push_back(alloc_tensor(*backend, type, ne0, ne1, ne2));
        return owned.back().t;
    }
    Tensor upload_bytes(TensorType type, const std::vector<uint8_t>& bytes, int64_t ne0, int64_t ne1 = 1, int64_t ne2 = 1) {
        Tensor t = alloc(type, ne0, ne1, ne2);
        EXPECT_EQ(bytes.size(), t.extent_bytes());
        stream->upload(t, bytes.data(), bytes.size());
        return t;
    }
    Tensor upload(const std::vector<float>& v, int64_t ne0, int64_t ne1 = 1, int64_t ne2 = 1) {
        std::vector<uint8_t> b(v.size() * 4);
        std::memcpy(b.data(), v.data(), b.size());
        return upload_bytes(TensorType::F32, b, ne0, ne1, ne2);
    }
    std::vector<uint8_t> download_bytes(const Tensor& t) {
        std::vector<uint8_t> b(t.extent_bytes());
        stream->download(t, b.data());
        return b;
    }
    std::vector<float> download(const Tensor& t) {
        const std::vector<uint8_t> b = download_bytes(t);
        std::vector<float> v(b.size() / 4);
        std::memcpy(v.data(), b.data(), b.size());
        return v;
    }
    std::vector<float> random(size_t n, float sigma = 1.f) {
        std::normal_distribution<float> d(0.f, sigma);
        std::vector<float> v(n);
        for (float& x : v) x = d(rng);
        return v;
    }

    std::unique_ptr<Backend> backend;
    std::unique_ptr<Stream> stream;
    std::vector<OwnedTensor> owned;
    std::mt19937_64 rng{1234};
};

// --- transfers and buffers ----------------------------------------------------------------------

TEST_P(BackendOps, UploadDownloadAndBufferOwnership) {
    const std::vector<float> v = random(1000);
    const Tensor t = upload(v, 10, 100);
    EXPECT_EQ(&t.buffer->backend(), backend.get());
    EXPECT_EQ(download(t), v);
    // A partial upload at an offset lands there and nowhere else.
    const std::vector<float> patch = random(10);
    stream->upload(t, patch.data(), 40, 400);
    std::vector<float> expect = v;
    std::copy(patch.begin(), patch.end(), expect.begin() + 100);
    EXPECT_EQ(download(t), expect);
}

TEST_P(BackendOps, UploadInPiecesReportsProgressAndStopsOnCancel) {
    std::vector<uint8_t> src(1 << 20);
    for (size_t i = 0; i < src.size(); i++) src[i] = static_cast<uint8_t>(i * 7);
    const Tensor t = alloc(TensorType::I8, static_cast<int64_t>(src.size()));
    size_t done = 0, calls = 0;
    ASSERT_TRUE(upload_in_pieces(*stream, t, src.data(), src.size(), 100000, [&](size_t n) { done += n, calls++; }, nullptr));
    EXPECT_EQ(done, src.size());
    EXPECT_EQ(calls, 11u);  // 10 pieces of 100,000 and the rest
    EXPECT_EQ(download_bytes(t), src);
    std::atomic<bool> cancel{false};
    calls = 0;
    EXPECT_FALSE(upload_in_pieces(*stream, t, src.data(), src.size(), 100000, [&](size_t) {
        if (++calls == 3) cancel = true;
    }, &cancel));
    EXPECT_EQ(calls, 3u);
}

TEST_P(BackendOps, CopyBetweenTwoBackends) {
    std::unique_ptr<Backend> other = GetParam().make();
    std::unique_ptr<Stream> other_stream = other->create_stream();
    const std::vector<float> v = random(4096);
    const Tensor src = upload(v, 64, 64);
    OwnedTensor dst = alloc_tensor(*other, TensorType::F32, 64, 64);
    copy_between(*stream, rows(src, 8, 32), *other_stream, rows(dst.t, 0, 32));
    std::vector<float> got(32 * 64);
    other_stream->download(rows(dst.t, 0, 32), got.data());
    EXPECT_TRUE(std::equal(got.begin(), got.end(), v.begin() + 8 * 64));
}

// --- ops -----------------------------------------------------------------------------------------

TEST_P(BackendOps, MatmulEveryTypeAndShape) {
    // n covers one token (generation), the register tiles (4 and 8 tokens), leftovers, and long
    // prompts; m rows that are not multiples of a thread task (16) or a tile (2, 4).
    check_matmul_shapes({{256, 1, 1, false, false}, {256, 33, 1, true, false}, {512, 70, 5, false, true},
                         {768, 48, 8, true, false}, {256, 17, 13, false, false}, {1024, 64, 64, true, true},
                         {512, 100, 300, false, false}});
}

TEST_P(BackendOps, MatmulTileEdges) {
    // Vulkan multiplies 32 tokens or more in 64 x 64 tiles: 33 tokens and 130 rows leave both
    // edges of the last tiles ragged, with a bias and strided views.
    check_matmul_shapes({{256, 130, 33, true, true}, {512, 65, 97, false, false}});
}

TEST_P(BackendOps, MatmulOnOneMatrixOfA3dTensor) {
    // Expert e of a {k, m, experts} tensor, as the MoE layers will read them.
    const int64_t k = 256, m = 24, experts = 5;
    for (TensorType t : {TensorType::F32, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q6_K}) {
        const std::vector<uint8_t> wb = test::random_weight(t, k, m * experts, 0.05f, rng);
        const Tensor w = upload_bytes(t, wb, k, m, experts);
        const std::vector<float> xv = random(static_cast<size_t>(k) * 3);
        const Tensor x = upload(xv, k, 3);
        const Tensor out = alloc(TensorType::F32, m, 3);
        const std::vector<double> wd = dequant(t, wb, k, m * experts);
        for (int64_t e = 0; e < experts; e++) {
            stream->matmul(matrix(w, e), x, out, nullptr);
            const std::vector<float> o = download(out);
            std::vector<double> ref;
            for (int64_t tok = 0; tok < 3; tok++)
                for (int64_t r = 0; r < m; r++) {
                    double sum = 0;
                    for (int64_t i = 0; i < k; i++) sum += wd[static_cast<size_t>((e * m + r) * k + i)] * xv[static_cast<size_t>(tok * k + i)];
                    ref.push_back(sum);
                }
            EXPECT_LT(nmse(o, ref), matmul_total_bound(t, GetParam().reference_math)) << tensor_type_name(t) << " expert " << e;
        }
    }
}

TEST_P(BackendOps, GetRowsEveryType) {
    const int64_t d = 512, n_vocab = 40;
    for (TensorType t : kWeightTypes) {
        const std::vector<uint8_t> tb = test::random_weight(t, d, n_vocab, 1.f, rng);
        const Tensor table = upload_bytes(t, tb, d, n_vocab);
        const std::vector<int32_t> ids = {0, 39, 7, 7, 21, 1, 38};
        std::vector<uint8_t> ib(ids.size() * 4);
        std::memcpy(ib.data(), ids.data(), ib.size());
        const Tensor idt = upload_bytes(TensorType::I32, ib, static_cast<int64_t>(ids.size()));
        const Tensor out = alloc(TensorType::F32, d, static_cast<int64_t>(ids.size()));
        stream->get_rows(table, idt, out);
        const std::vector<float> o = download(out);
        const std::vector<double> all = dequant(t, tb, d, n_vocab);
        for (size_t i = 0; i < ids.size(); i++)
            for (int64_t j = 0; j < d; j++)  // dequantization is exact: equal, not close
                ASSERT_EQ(o[i * d + static_cast<size_t>(j)], static_cast<float>(all[static_cast<size_t>(ids[i] * d + j)]))
                    << tensor_type_name(t) << " row " << i;
    }
}

TEST_P(BackendOps, GetRowsOfSpecialHalves) {
    // Subnormal halves (what a tiny block scale rounds to), signed zeros, the largest half and
    // infinities decode exactly as the CPU's fp16_to_fp32 does.
    const std::vector<uint16_t> halves = {0x0001, 0x03FF, 0x8001, 0x0200, 0x0000, 0x8000, 0x7BFF, 0xFBFF,
                                          0x7C00, 0xFC00, 0x0400, 0x3C00, 0x3555, 0xB0F0, 0x0123, 0x8345};
    std::vector<uint8_t> tb(halves.size() * 2);
    std::memcpy(tb.data(), halves.data(), tb.size());
    const Tensor table = upload_bytes(TensorType::F16, tb, 16, 1);
    std::vector<uint8_t> ib(4, 0);
    const Tensor ids = upload_bytes(TensorType::I32, ib, 1);
    const Tensor out = alloc(TensorType::F32, 16, 1);
    stream->get_rows(table, ids, out);
    const std::vector<float> o = download(out);
    for (size_t i = 0; i < halves.size(); i++) {
        const float want = static_cast<float>(from_half(halves[i]));
        EXPECT_EQ(std::memcmp(&o[i], &want, 4), 0) << std::hex << halves[i] << ": " << o[i] << " vs " << want;
    }
}

TEST_P(BackendOps, RmsNorm) {
    // The last case has values so small that eps decides the scale (where it sits matters).
    for (auto [d, n, weighted, sigma] : std::vector<std::tuple<int64_t, int64_t, bool, float>>{
             {1, 1, true, 3.f}, {7, 3, false, 3.f}, {256, 1, true, 3.f}, {1536, 37, true, 3.f}, {5120, 4, false, 3.f},
             {128, 2, true, 1e-3f}}) {
        const std::vector<float> xv = random(static_cast<size_t>(d * n), sigma), wv = random(static_cast<size_t>(d));
        const Tensor x = upload(xv, d, n), w = upload(wv, d), out = alloc(TensorType::F32, d, n);
        const float eps = 1e-5f;
        stream->rms_norm(x, weighted ? &w : nullptr, eps, out);
        std::vector<double> ref;
        for (int64_t t = 0; t < n; t++) {
            double ss = 0;
            for (int64_t i = 0; i < d; i++) ss += double(xv[t * d + i]) * xv[t * d + i];
            const double s = 1 / std::sqrt(ss / static_cast<double>(d) + eps);
            for (int64_t i = 0; i < d; i++) ref.push_back(xv[t * d + i] * s * (weighted ? wv[i] : 1.0));
        }
        EXPECT_LT(nmse(download(out), ref), 1e-12) << "d=" << d << " n=" << n;
    }
    // In place, on a row view (the forward normalises the last rows of x for the logits).
    const std::vector<float> xv = random(64 * 5);
    const Tensor x = upload(xv, 64, 5);
    stream->rms_norm(rows(x, 3, 2), nullptr, 1e-5f, rows(x, 3, 2));
    const std::vector<float> o = download(x);
    EXPECT_TRUE(std::equal(o.begin(), o.begin() + 3 * 64, xv.begin()));
    double ss = 0;
    for (int i = 0; i < 64; i++) ss += double(xv[3 * 64 + i]) * xv[3 * 64 + i];
    EXPECT_NEAR(o[3 * 64], xv[3 * 64] / std::sqrt(ss / 64 + 1e-5), 1e-5);
}

struct RopeCase {
    int head_dim, n_rot, n_head, n, pos0;
    bool neox, divisors, yarn;
    int col0;  // rotate a column view starting here (the rope part of each head), 0: whole heads
};

TEST_P(BackendOps, RopeVariants) {
    const RopeCase cases[] = {
        {128, 128, 4, 3, 0, true, false, false, 0},      // qwen2: half-split pairs
        {128, 128, 8, 1, 4095, false, false, false, 0},  // llama: adjacent pairs, late position
        {128, 128, 2, 5, 17, false, true, false, 0},     // Llama 3.1 divisors
        {96, 64, 3, 4, 9, true, false, false, 0},        // partial rotation
        {64, 64, 4, 2, 100000, false, false, true, 0},   // YaRN (DeepSeek-V3 numbers), far position
        {192, 64, 4, 3, 33, false, false, true, 128},    // YaRN on the rope columns of 192-wide heads (MLA's q_pe)
    };
    for (const RopeCase& c : cases) {
        SCOPED_TRACE("head_dim " + std::to_string(c.head_dim) + " n_rot " + std::to_string(c.n_rot) + " pos0 " +
                     std::to_string(c.pos0));
        const int width = c.head_dim;
        const std::vector<float> xv = random(static_cast<size_t>(width * c.n_head * c.n));
        const Tensor x = upload(xv, width * c.n_head, c.n);
        std::vector<float> div;
        Tensor divt;
        if (c.divisors) {
            for (int i = 0; i < c.n_rot / 2; i++) div.push_back(i < 20 ? 1.f : i < 40 ? 1.f + static_cast<float>(i - 20) * 0.35f : 8.f);
            divt = upload(div, c.n_rot / 2);
        }
        RopeParams p;
        p.n_rot = c.n_rot;
        p.freq_base = c.yarn ? 10000.f : 500000.f;
        p.neox = c.neox;
        p.freq_factors = c.divisors ? &divt : nullptr;
        if (c.yarn) p.yarn = YarnParams{40.f, 4096, 32.f, 1.f};
        const Tensor heads = split_heads(x, width);
        const int64_t rot_width = c.col0 ? c.head_dim - c.col0 : c.head_dim;
        stream->rope(c.col0 ? cols(heads, c.col0, rot_width) : heads, c.pos0, p);
        const std::vector<double> theta = rope_theta(p, div);
        std::vector<double> ref(xv.begin(), xv.end());
        for (int t = 0; t < c.n; t++)
            for (int h = 0; h < c.n_head; h++) {
                double* v = ref.data() + (static_cast<size_t>(t) * c.n_head + h) * width + c.col0;
                for (int i = 0; i < c.n_rot / 2; i++) {
                    const int a = c.neox ? i : 2 * i, b = c.neox ? i + c.n_rot / 2 : 2 * i + 1;
                    const double ang = (c.pos0 + t) * theta[static_cast<size_t>(i)];
                    const double x0 = v[a], x1 = v[b];
                    v[a] = x0 * std::cos(ang) - x1 * std::sin(ang);
                    v[b] = x0 * std::sin(ang) + x1 * std::cos(ang);
                }
            }
        EXPECT_LT(nmse(download(x), ref), 1e-12);
    }
}

TEST_P(BackendOps, YarnFrequenciesMatchDeepSeekV3) {
    // R1's numbers: 64 rope dims, base 10000, factor 40, original context 4096, beta 32 / 1 give
    // the correction range 10..23: pairs up to 10 rotate as without YaRN, pairs from 23 exactly
    // 40x slower. Every pair starts at (1, 0); after one position its angle is its frequency.
    std::vector<float> one(64);
    for (size_t i = 0; i < one.size(); i += 2) one[i] = 1;
    const Tensor x = upload(one, 64, 1);
    RopeParams p;
    p.n_rot = 64;
    p.freq_base = 10000;
    p.yarn = YarnParams{40.f, 4096, 32.f, 1.f};
    stream->rope(split_heads(x, 64), 1, p);
    const std::vector<float> v = download(x);
    auto angle = [&](int pair) { return std::atan2(static_cast<double>(v[2 * pair + 1]), static_cast<double>(v[2 * pair])); };
    for (int i : {0, 5, 10}) EXPECT_NEAR(angle(i), std::pow(10000.0, -2.0 * i / 64), 1e-6) << i;
    for (int i : {23, 31}) EXPECT_NEAR(angle(i), std::pow(10000.0, -2.0 * i / 64) / 40, 1e-7) << i;
    const double mid = angle(16), lo = std::pow(10000.0, -32.0 / 64);  // inside the ramp: in between
    EXPECT_LT(mid, lo * 0.99);
    EXPECT_GT(mid, lo / 40 * 1.01);
    // A unit rotation: each pair keeps its length.
    for (int i = 0; i < 32; i++) EXPECT_NEAR(std::hypot(v[2 * i], v[2 * i + 1]), 1.0, 1e-6);
}

struct AttentionCase {
    int64_t dk, dv, n_head, n_head_kv, n, pos0;
    TensorType cache;
    bool latent;  // K and V are column ranges of one shared cache row (MLA, absorbed)
};

TEST_P(BackendOps, AttentionShapesAndCacheTypes) {
    const AttentionCase cases[] = {
        {64, 64, 4, 4, 1, 0, TensorType::F32, false},      // first token
        {128, 128, 8, 2, 1, 2047, TensorType::F16, false}, // generation at a long context, grouped queries
        {32, 32, 4, 1, 13, 20, TensorType::F16, false},    // a prompt batch after a prefix
        {128, 128, 12, 2, 37, 0, TensorType::BF16, false}, // a whole prompt
        {192, 128, 4, 4, 5, 30, TensorType::F16, false},   // K and V head sizes differ
        {576, 512, 8, 1, 3, 60, TensorType::F16, true},    // latent attention over [c_kv | k_pe]
        {128, 128, 8, 2, 1, 8191, TensorType::F16, false}, // generation at 8k (a GPU splits the keys into spans)
        {576, 512, 16, 1, 2, 1500, TensorType::F16, true}, // latent, two queries over a split context
    };
    for (const AttentionCase& c : cases) {
        SCOPED_TRACE("dk " + std::to_string(c.dk) + " H " + std::to_string(c.n_head) + "/" + std::to_string(c.n_head_kv) +
                     " n " + std::to_string(c.n) + " pos0 " + std::to_string(c.pos0) + " " +
                     std::string(tensor_type_name(c.cache)));
        const int64_t n_kv = c.pos0 + c.n;
        const std::vector<float> qv = random(static_cast<size_t>(c.dk * c.n_head * c.n), 0.3f);
        const Tensor q = upload(qv, c.dk * c.n_head, c.n);
        // The cache as F32 values first, then stored in its type by the copy op (as the forward does).
        const int64_t row = c.latent ? c.dk : c.n_head_kv * (c.dk + c.dv);
        const std::vector<float> cv = random(static_cast<size_t>(row * n_kv));
        const Tensor cf = upload(cv, row, n_kv);
        const Tensor cache = alloc(c.cache, row, n_kv + 7);
        stream->copy(cf, rows(cache, 0, n_kv));
        Tensor k, v;
        const size_t elem = type_row_bytes(c.cache, 1);
        if (c.latent) {
            k = view_3d(rows(cache, 0, n_kv), c.dk, 1, n_kv, elem * c.dk, cache.nb[1]);
            v = view_3d(rows(cache, 0, n_kv), c.dv, 1, n_kv, elem * c.dv, cache.nb[1]);
        } else {
            const Tensor kpart = cols(rows(cache, 0, n_kv), 0, c.n_head_kv * c.dk);
            const Tensor vpart = cols(rows(cache, 0, n_kv), c.n_head_kv * c.dk, c.n_head_kv * c.dv);
            k = view_3d(kpart, c.dk, c.n_head_kv, n_kv, elem * c.dk, cache.nb[1]);
            v = view_3d(vpart, c.dv, c.n_head_kv, n_kv, elem * c.dv, cache.nb[1]);
        }
        const Tensor out = alloc(TensorType::F32, c.dv * c.n_head, c.n);
        const float scale = 1.f / std::sqrt(static_cast<float>(c.dk));
        stream->attention(split_heads(q, c.dk), k, v, split_heads(out, c.dv), AttentionParams{scale, static_cast<int>(c.pos0)});
        // Reference: the stored values (rounded to the cache type), softmax in double.
        auto stored = [&](int64_t pos, int64_t col) {
            const float f = cv[static_cast<size_t>(pos * row + col)];
            return c.cache == TensorType::F16 ? from_half(to_half(f)) : c.cache == TensorType::BF16 ? from_bfloat(to_bfloat(f)) : f;
        };
        std::vector<double> ref;
        for (int64_t t = 0; t < c.n; t++)
            for (int64_t h = 0; h < c.n_head; h++) {
                const int64_t kvh = h / (c.n_head / c.n_head_kv);
                const int64_t k0 = c.latent ? 0 : kvh * c.dk, v0 = c.latent ? 0 : c.n_head_kv * c.dk + kvh * c.dv;
                std::vector<double> s(static_cast<size_t>(c.pos0 + t + 1));
                double mx = -1e300, sum = 0;
                for (int64_t j = 0; j <= c.pos0 + t; j++) {
                    double dot = 0;
                    for (int64_t i = 0; i < c.dk; i++) dot += qv[static_cast<size_t>((t * c.n_head + h) * c.dk + i)] * stored(j, k0 + i);
                    s[static_cast<size_t>(j)] = dot * scale;
                    mx = std::max(mx, s[static_cast<size_t>(j)]);
                }
                for (double& e : s) sum += (e = std::exp(e - mx));
                for (int64_t i = 0; i < c.dv; i++) {
                    double acc = 0;
                    for (int64_t j = 0; j <= c.pos0 + t; j++) acc += s[static_cast<size_t>(j)] * stored(j, v0 + i);
                    ref.push_back(acc / sum);
                }
            }
        EXPECT_LT(nmse(download(out), ref), 1e-9);
    }
}

TEST_P(BackendOps, CopyConvertsIntoStridedRows) {
    const int64_t d = 96, n = 7;
    const std::vector<float> xv = random(static_cast<size_t>(d * n));
    const Tensor x = upload(xv, d, n);
    for (TensorType t : {TensorType::F32, TensorType::F16, TensorType::BF16}) {
        const Tensor dst = alloc(t, d + 32, n + 4);  // rows 2..2+n, columns 32.. of a wider cache
        stream->copy(x, cols(rows(dst, 2, n), 32, d));
        const std::vector<uint8_t> b = download_bytes(dst);
        const size_t elem = type_row_bytes(t, 1), row = static_cast<size_t>(d + 32) * elem;
        for (int64_t r = 0; r < n; r++)
            for (int64_t i = 0; i < d; i++) {
                const uint8_t* p = b.data() + static_cast<size_t>(r + 2) * row + static_cast<size_t>(32 + i) * elem;
                const float f = xv[static_cast<size_t>(r * d + i)];
                uint16_t u = 0;
                if (elem == 2) std::memcpy(&u, p, 2);
                if (t == TensorType::F32) ASSERT_EQ(std::memcmp(p, &f, 4), 0);
                else ASSERT_EQ(u, t == TensorType::F16 ? to_half(f) : to_bfloat(f)) << tensor_type_name(t) << " " << f;
            }
    }
}

TEST_P(BackendOps, SwigluAndAdd) {
    for (auto [d, n] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {8960, 3}, {33, 100}}) {
        const std::vector<float> g = random(static_cast<size_t>(d * n), 3.f), u = random(static_cast<size_t>(d * n));
        const Tensor gt = upload(g, d, n), ut = upload(u, d, n), out = alloc(TensorType::F32, d, n);
        stream->swiglu(gt, ut, out);
        std::vector<double> ref;
        for (size_t i = 0; i < g.size(); i++) ref.push_back(g[i] / (1 + std::exp(-double(g[i]))) * u[i]);
        EXPECT_LT(nmse(download(out), ref), 1e-12) << d << "x" << n;
        stream->add(gt, ut, gt);  // in place, as the residual adds are
        const std::vector<float> s = download(gt);
        for (size_t i = 0; i < g.size(); i++) ASSERT_EQ(s[i], g[i] + u[i]);
    }
}

TEST_P(BackendOps, ThousandsOfOpsBeforeOneSynchronize) {
    // A long prompt records thousands of ops before anything waits (the Vulkan stream then needs
    // more than one pool of descriptor sets); they all run, in order.
    const std::vector<float> ones(96, 1.f), zeros(96, 0.f);
    const Tensor one = upload(ones, 96), acc = upload(zeros, 96);
    for (int i = 0; i < 1500; i++) stream->add(acc, one, acc);
    EXPECT_EQ(download(acc), std::vector<float>(96, 1500.f));
}

// --- mixture of experts and latent attention ---------------------------------------------------

// A backend without the deepseek2 ops must say so clearly (the session turns it into an error and
// a placement keeps those layers elsewhere), not crash or compute garbage.
#define PONDER_REQUIRE_MOE_OPS(call)                                                                     \
    if (!stream->supports_moe_ops()) {                                                                   \
        try {                                                                                            \
            call;                                                                                        \
            ADD_FAILURE() << GetParam().name << " claims no MoE ops but ran one";                        \
        } catch (const std::runtime_error& e) {                                                          \
            EXPECT_NE(std::string(e.what()).find("not supported"), std::string::npos) << e.what();      \
        }                                                                                                \
        return;                                                                                          \
    }

TEST_P(BackendOps, BackendsWithoutMoeOpsSaySo) {
    const Tensor t = alloc(TensorType::F32, 8, 2);
    PONDER_REQUIRE_MOE_OPS(stream->moe_sum(view_3d(t, 8, 1, 2, t.nb[1], t.nb[1]), alloc(TensorType::F32, 1, 2), t));
    SUCCEED() << GetParam().name << " has the MoE ops";
}

TEST_P(BackendOps, MatmulIdEveryTypeSharedAndPerSlotInputs) {
    // 6 matrices of {k, m}; each token picks 3 (some chosen by several tokens, some by none).
    const int64_t k = 256, m = 40, n_mat = 6, n_slots = 3;
    for (TensorType t : kWeightTypes) {
        for (int64_t n : {1, 5}) {
            for (int64_t nx : {int64_t{1}, n_slots}) {
                SCOPED_TRACE(std::string(tensor_type_name(t)) + " n=" + std::to_string(n) + " nx=" + std::to_string(nx));
                const std::vector<uint8_t> wb = test::random_weight(t, k, m * n_mat, 0.05f, rng);
                const Tensor w = upload_bytes(t, wb, k, m, n_mat);
                const std::vector<float> xv = random(static_cast<size_t>(k * nx * n));
                const Tensor x = upload(xv, k, nx, n);
                std::vector<int32_t> id;
                for (int64_t tok = 0; tok < n; tok++)
                    for (int64_t j = 0; j < n_slots; j++) id.push_back(static_cast<int32_t>((tok * 2 + j * 3 + (tok % 2)) % n_mat));
                std::vector<uint8_t> ib(id.size() * 4);
                std::memcpy(ib.data(), id.data(), ib.size());
                const Tensor ids = upload_bytes(TensorType::I32, ib, n_slots, n);
                const Tensor out = alloc(TensorType::F32, m, n_slots, n);
                PONDER_REQUIRE_MOE_OPS(stream->matmul_id(w, x, ids, out));
                stream->matmul_id(w, x, ids, out);
                const std::vector<float> o = download(out);
                const std::vector<double> wd = dequant(t, wb, k, m * n_mat);
                std::vector<double> ref, ref_seen;
                for (int64_t tok = 0; tok < n; tok++)
                    for (int64_t j = 0; j < n_slots; j++) {
                        const float* xr = xv.data() + (tok * nx + (nx == 1 ? 0 : j)) * k;
                        const std::vector<double> seen = activations_as_seen(t, xr, k, GetParam().reference_math);
                        const int64_t e = id[static_cast<size_t>(tok * n_slots + j)];
                        for (int64_t r = 0; r < m; r++) {
                            double sum = 0, sum_seen = 0;
                            for (int64_t i = 0; i < k; i++) {
                                const double wv = wd[static_cast<size_t>((e * m + r) * k + i)];
                                sum += wv * xr[i];
                                sum_seen += wv * seen[static_cast<size_t>(i)];
                            }
                            ref.push_back(sum);
                            ref_seen.push_back(sum_seen);
                        }
                    }
                EXPECT_LT(nmse(o, ref_seen), matmul_kernel_bound(t));
                EXPECT_LT(nmse(o, ref), matmul_total_bound(t, GetParam().reference_math));
            }
        }
    }
}

TEST_P(BackendOps, MatmulIdOnAStridedViewPerHead) {
    // Latent attention's per-head matrices from the older layout: head h's value matrix is rows
    // [h*256 + 128, h*256 + 256) of one {512, heads*256} tensor, a strided 3-D view.
    const int64_t k = 512, heads = 4, n = 3;
    const std::vector<uint8_t> wb = test::random_weight(TensorType::Q8_0, k, heads * 256, 0.05f, rng);
    const Tensor all = upload_bytes(TensorType::Q8_0, wb, k, heads * 256);
    const Tensor v = view_3d(rows(all, 128, heads * 256 - 128), k, 128, heads, all.nb[1], 256 * all.nb[1]);
    const std::vector<float> xv = random(static_cast<size_t>(k * heads * n));
    const Tensor x = upload(xv, k, heads, n);
    std::vector<int32_t> id;
    for (int64_t tok = 0; tok < n; tok++)
        for (int32_t h = 0; h < heads; h++) id.push_back(h);
    std::vector<uint8_t> ib(id.size() * 4);
    std::memcpy(ib.data(), id.data(), ib.size());
    const Tensor out = alloc(TensorType::F32, 128, heads, n), ids = upload_bytes(TensorType::I32, ib, heads, n);
    PONDER_REQUIRE_MOE_OPS(stream->matmul_id(v, x, ids, out));
    stream->matmul_id(v, x, ids, out);
    const std::vector<double> wd = dequant(TensorType::Q8_0, wb, k, heads * 256);
    std::vector<double> ref;
    for (int64_t tok = 0; tok < n; tok++)
        for (int64_t h = 0; h < heads; h++)
            for (int64_t r = 0; r < 128; r++) {
                double sum = 0;
                for (int64_t i = 0; i < k; i++) sum += wd[static_cast<size_t>((h * 256 + 128 + r) * k + i)] * xv[static_cast<size_t>((tok * heads + h) * k + i)];
                ref.push_back(sum);
            }
    EXPECT_LT(nmse(download(out), ref), matmul_total_bound(TensorType::Q8_0, GetParam().reference_math));
}

// Routing written out from DeepSeek-V3's description: scores, biased choice among the best groups,
// unbiased weights normalised and scaled.
void route_reference(const std::vector<float>& logits, const std::vector<float>& bias, const MoeRouting& p,
                     std::vector<int32_t>& ids, std::vector<float>& weights) {
    const size_t n_expert = logits.size();
    std::vector<double> score(n_expert), sel(n_expert);
    double mx = *std::max_element(logits.begin(), logits.end()), z = 0;
    for (size_t e = 0; e < n_expert; e++) z += std::exp(logits[e] - mx);
    for (size_t e = 0; e < n_expert; e++) {
        score[e] = p.sigmoid ? 1 / (1 + std::exp(-double(logits[e]))) : std::exp(logits[e] - mx) / z;
        sel[e] = score[e] + (bias.empty() ? 0 : bias[e]);
    }
    const size_t per = n_expert / static_cast<size_t>(p.n_group);
    std::vector<std::pair<double, size_t>> groups;
    for (size_t g = 0; g < static_cast<size_t>(p.n_group); g++) {
        std::vector<double> v(sel.begin() + static_cast<ptrdiff_t>(g * per), sel.begin() + static_cast<ptrdiff_t>((g + 1) * per));
        std::sort(v.rbegin(), v.rend());
        groups.push_back({p.sigmoid && v.size() > 1 ? v[0] + v[1] : v[0], g});
    }
    std::stable_sort(groups.begin(), groups.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::vector<std::pair<double, size_t>> cand;
    for (int i = 0; i < p.n_group_used; i++)
        for (size_t e = groups[static_cast<size_t>(i)].second * per; e < (groups[static_cast<size_t>(i)].second + 1) * per; e++)
            cand.push_back({sel[e], e});
    std::stable_sort(cand.begin(), cand.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    double sum = 0;
    for (int j = 0; j < p.n_expert_used; j++) sum += score[cand[static_cast<size_t>(j)].second];
    ids.clear();
    weights.clear();
    for (int j = 0; j < p.n_expert_used; j++) {
        const size_t e = cand[static_cast<size_t>(j)].second;
        ids.push_back(static_cast<int32_t>(e));
        weights.push_back(static_cast<float>((p.normalize ? score[e] / sum : score[e]) * p.scale));
    }
}

TEST_P(BackendOps, MoeRoutingGroupLimitedWithBias) {
    struct Case { int n_expert; MoeRouting p; bool bias; };
    const Case cases[] = {
        {256, {8, 8, 4, true, true, 2.5f}, true},   // DeepSeek-V3 / R1
        {64, {6, 8, 3, true, true, 2.5f}, true},    // a smaller model of the same kind
        {16, {2, 1, 1, true, false, 1.f}, false},   // no groups, no normalisation
        {32, {4, 4, 2, false, true, 1.f}, false},   // softmax scores, groups by their best expert
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("experts " + std::to_string(c.n_expert) + " k " + std::to_string(c.p.n_expert_used));
        const int64_t n = 7;
        const std::vector<float> lv = random(static_cast<size_t>(c.n_expert * n), 2.f), bv = random(static_cast<size_t>(c.n_expert), 0.3f);
        const Tensor logits = upload(lv, c.n_expert, n), bias = upload(bv, c.n_expert);
        const Tensor ids = alloc(TensorType::I32, c.p.n_expert_used, n), w = alloc(TensorType::F32, c.p.n_expert_used, n);
        PONDER_REQUIRE_MOE_OPS(stream->moe_route(logits, c.bias ? &bias : nullptr, c.p, ids, w));
        stream->moe_route(logits, c.bias ? &bias : nullptr, c.p, ids, w);
        const std::vector<uint8_t> ib = download_bytes(ids);
        const std::vector<float> wv = download(w);
        for (int64_t t = 0; t < n; t++) {
            std::vector<int32_t> rid;
            std::vector<float> rw;
            route_reference(std::vector<float>(lv.begin() + t * c.n_expert, lv.begin() + (t + 1) * c.n_expert),
                            c.bias ? bv : std::vector<float>{}, c.p, rid, rw);
            for (int j = 0; j < c.p.n_expert_used; j++) {
                int32_t got;
                std::memcpy(&got, ib.data() + 4 * static_cast<size_t>(t * c.p.n_expert_used + j), 4);
                EXPECT_EQ(got, rid[static_cast<size_t>(j)]) << "token " << t << " slot " << j;
                EXPECT_NEAR(wv[static_cast<size_t>(t * c.p.n_expert_used + j)], rw[static_cast<size_t>(j)], 1e-6);
            }
        }
    }
}

TEST_P(BackendOps, MoeSumAndSwigluOverSlots) {
    const int64_t d = 96, k = 4, n = 3;
    const std::vector<float> yv = random(static_cast<size_t>(d * k * n)), wv = random(static_cast<size_t>(k * n));
    const Tensor y = upload(yv, d, k, n), w = upload(wv, k, n), out = alloc(TensorType::F32, d, n);
    PONDER_REQUIRE_MOE_OPS(stream->moe_sum(y, w, out));
    stream->moe_sum(y, w, out);
    std::vector<double> ref;
    for (int64_t t = 0; t < n; t++)
        for (int64_t i = 0; i < d; i++) {
            double s = 0;
            for (int64_t j = 0; j < k; j++) s += double(wv[static_cast<size_t>(t * k + j)]) * yv[static_cast<size_t>((t * k + j) * d + i)];
            ref.push_back(s);
        }
    EXPECT_LT(nmse(download(out), ref), 1e-12);
    const Tensor up = upload(yv, d, k, n), act = alloc(TensorType::F32, d, k, n);
    stream->swiglu(y, up, act);
    std::vector<double> sref;
    for (float g : yv) sref.push_back(g / (1 + std::exp(-double(g))) * g);
    EXPECT_LT(nmse(download(act), sref), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendOps, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<BackendCase>& i) { return std::string(i.param.name); });

// --- views ---------------------------------------------------------------------------------------

TEST(TensorViews, ViewsStayInsideTheirParent) {
    auto be = make_cpu_backend({1, nullptr, false});
    OwnedTensor o = alloc_tensor(*be, TensorType::Q4_K, 512, 10, 3);
    const Tensor t = o.t;
    EXPECT_TRUE(view_within(rows(t, 0, 10), t));
    EXPECT_TRUE(view_within(matrix(t, 2), t));
    EXPECT_TRUE(view_within(cols(t, 256, 256), t));
    EXPECT_EQ(matrix(t, 2).offset, 2 * 10 * type_row_bytes(TensorType::Q4_K, 512));
    EXPECT_EQ(cols(t, 256, 256).offset, 144u);
    Tensor bad = t;
    bad.ne[1] = 11;  // one row past the end
    EXPECT_FALSE(view_within(bad, t));
    bad = t;
    bad.offset = t.extent_bytes();
    EXPECT_FALSE(view_within(bad, t));
    // Heads of a row: {head_dim, heads, rows} with the row stride kept.
    OwnedTensor q = alloc_tensor(*be, TensorType::F32, 6 * 64, 5);
    const Tensor h = split_heads(q.t, 64);
    EXPECT_EQ(h.ne[0], 64);
    EXPECT_EQ(h.ne[1], 6);
    EXPECT_EQ(h.ne[2], 5);
    EXPECT_EQ(h.nb[1], 256u);
    EXPECT_EQ(h.nb[2], 6u * 256);
}

#ifndef NDEBUG
// Debug and sanitizer builds stop at the line that makes a bad view.
TEST(TensorViewsDeathTest, AnOutOfBoundsViewAborts) {
    auto be = make_cpu_backend({1, nullptr, false});
    OwnedTensor o = alloc_tensor(*be, TensorType::F32, 16, 4);
    EXPECT_DEATH(rows(o.t, 2, 3), "out of bounds");
    EXPECT_DEATH(cols(alloc_tensor(*be, TensorType::Q8_0, 64, 1).t, 16, 32), "block boundary");
}
#endif

} // namespace
