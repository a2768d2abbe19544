// The placement planner (ponder/plan.h, placement.h) on a full-size DeepSeek-R1 header: real
// metadata and tensor infos over a sparse data region, planned for the machines people run it
// on, with the fit arithmetic checked here from the tensor infos rather than taken from the
// planner.
#include "make_model.h"
#include "placement.h"
#include "ponder/engine.h"
#include "ponder/gguf.h"
#include "ponder/plan.h"
#include "tiny_vocab.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <algorithm>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

using namespace ponder;

namespace {

constexpr uint64_t GiB = 1ull << 30;

std::string r1_header(const std::string& mix) {
    const std::string path = ::testing::TempDir() + "/ponder_r1_" + mix + "_" + std::to_string(::getpid()) + ".gguf";
    std::string err;
    EXPECT_TRUE(test::write_r1_header(mix, path, err)) << err;
    return path;
}

ModelPlan plan_of(const GgufFile& f, const std::string& devices, const std::string& strategy = "auto", int64_t ctx = 32768) {
    PlanOptions o;
    o.devices = devices;
    o.n_ctx = ctx;
    o.strategy = strategy;
    ModelPlan p;
    std::string err;
    EXPECT_TRUE(plan_model(f, o, p, err)) << err;
    return p;
}

uint64_t tensor_bytes(const GgufFile& f) {
    uint64_t sum = 0;
    for (const GgufTensor& t : f.tensors()) sum += t.nbytes;
    return sum;
}

// Every byte of weights placed once, KV for every layer, no device over its budget.
void expect_sound(const ModelPlan& p, const GgufFile& f, uint64_t reserve = 1ull << 30) {
    ASSERT_TRUE(p.fits) << p.why;
    uint64_t weights = 0, kv = 0;
    for (const PlannedDevice& d : p.devices) {
        weights += d.weight_bytes;
        kv += d.kv_bytes;
        if (d.budget) {
            EXPECT_LE(d.used(), d.budget) << d.name;
        }
        EXPECT_EQ(d.reserve_bytes, d.kind != "cpu" && d.used() ? reserve : 0) << d.name;
    }
    EXPECT_EQ(weights, tensor_bytes(f));
    EXPECT_EQ(kv, p.kv_bytes_per_token * static_cast<uint64_t>(p.n_ctx));
}

} // namespace

TEST(Plan, FullR1HeaderCostsNoDiskAndReadsAsR1) {
    const std::string path = r1_header("q4_k_m");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_GT(st.st_size, 400'000'000'000);              // ~404 GB, like the published Q4_K_M
    EXPECT_LT(st.st_blocks * 512, 64ll << 20);           // but only the header is on disk
    std::string err;
    auto f = gguf_open(path, err);
    ASSERT_NE(f, nullptr) << err;
    ModelSummary s;
    ASSERT_TRUE(model_summary_read(*f, s, err)) << err;
    EXPECT_EQ(s.hp.n_layer, 61);
    EXPECT_EQ(s.hp.n_expert, 256);
    uint64_t total = 0, active = 0;
    count_params(*f, s.hp.n_expert, s.hp.n_expert_used, total, active);
    EXPECT_NEAR(static_cast<double>(total) / 1e9, 671.0, 1.0);   // R1 without its MTP layer
    EXPECT_NEAR(static_cast<double>(active) / 1e9, 37.5, 1.5);   // "37B activated"
    // The latent cache: (512 + 64) values x 61 layers x 2 bytes per token, ~2.2 GB at 32k.
    EXPECT_EQ(kv_bytes_per_token(s.hp, TensorType::F16), 576u * 61 * 2);
    // Running it is refused with the reason, not a crash or 400 GB of zeros.
    ModelOptions mo;
    EXPECT_EQ(model_load(path, mo, err), nullptr);
    EXPECT_NE(err.find("the weights are missing"), std::string::npos) << err;
    std::remove(path.c_str());
}

TEST(Plan, FullR1OnTheMachinesPeopleHave) {
    const std::string path = r1_header("q4_k_m");
    std::string err;
    auto f = gguf_open(path, err);
    ASSERT_NE(f, nullptr) << err;
    for (const char* spec : {"8xcuda:141GiB", "8xcuda:80GiB", "4xcuda:141GiB"}) {
        SCOPED_TRACE(spec);
        const ModelPlan p = plan_of(*f, spec);
        expect_sound(p, *f);
        EXPECT_EQ(p.strategy, "layers");
        EXPECT_GT(p.tokens_per_s, 0);
    }
    // Several GPUs share the model by their memory (headroom on all of them rather than some
    // full and others empty): each holds something, none more than a layer or two above its
    // share; the input on the first, the output after the last layer on the last.
    for (const char* spec : {"4xcuda:141GiB", "8xcuda:141GiB", "8xcuda:80GiB"}) {
        SCOPED_TRACE(spec);
        const ModelPlan p = plan_of(*f, spec);
        uint64_t lo = UINT64_MAX, hi = 0;
        for (const PlannedDevice& d : p.devices) {
            lo = std::min(lo, d.used());
            hi = std::max(hi, d.used());
        }
        EXPECT_LT(hi - lo, 14 * GiB);  // R1's biggest layer (with KV) is ~6.5 GiB
        EXPECT_EQ(p.devices.front().holds.substr(0, 16), "input, layers 0-");
        EXPECT_NE(p.devices.back().holds.find("-60, output"), std::string::npos) << p.devices.back().holds;
    }
    // One 24 GiB GPU and 512 GiB of RAM: the hybrid (ktransformers') split, faster than
    // offloading whole layers.
    const ModelPlan hybrid = plan_of(*f, "cuda:24GiB+cpu:512GiB");
    expect_sound(hybrid, *f);
    EXPECT_EQ(hybrid.strategy, "hybrid");
    EXPECT_EQ(hybrid.devices[0].holds, "input, layers 0-60 (routed experts elsewhere), output");
    EXPECT_EQ(hybrid.devices[1].holds, "routed experts of layers 3-60");
    EXPECT_EQ(hybrid.devices[0].kv_bytes, hybrid.kv_bytes_per_token * 32768);
    const ModelPlan layers = plan_of(*f, "cuda:24GiB+cpu:512GiB", "layers");
    expect_sound(layers, *f);
    EXPECT_GT(hybrid.tokens_per_s, 1.2 * layers.tokens_per_s);
    // What a token reads: every non-routed weight and 8 of 256 experts per MoE layer.
    uint64_t routed = 0, rest = 0;
    for (const GgufTensor& t : f->tensors())
        (std::string_view(t.name).find("_exps.") != std::string_view::npos ? routed : rest) += t.nbytes;
    const uint64_t embd_row = f->find_tensor("token_embd.weight")->nbytes / 129280;
    const uint64_t embd = f->find_tensor("token_embd.weight")->nbytes;
    EXPECT_NEAR(static_cast<double>(hybrid.active_bytes_per_token),
                static_cast<double>(rest - embd + embd_row) + static_cast<double>(routed) * 8 / 256, 1.0);
    EXPECT_EQ(hybrid.devices[1].read_per_token, routed * 8 / 256);
    std::remove(path.c_str());
}

TEST(Plan, ImpossibleMachinesAreRefusedWithTheShortfall) {
    const std::string path = r1_header("q4_k_m");
    std::string err;
    auto f = gguf_open(path, err);
    ASSERT_NE(f, nullptr) << err;
    const uint64_t kv = 576ull * 61 * 2 * 32768;
    // Two 80 GiB GPUs: short by everything beyond 160 GiB, reserves included.
    ModelPlan p = plan_of(*f, "2xcuda:80GiB");
    EXPECT_FALSE(p.fits);
    EXPECT_EQ(p.shortfall_bytes, tensor_bytes(*f) + kv + 2 * GiB - 160 * GiB);
    EXPECT_NE(p.why.find("GiB short"), std::string::npos) << p.why;
    EXPECT_NE(p.text().find("does not fit"), std::string::npos);
    // A 24 GiB GPU with 64 GiB of RAM: neither strategy fits; the report is the nearer miss.
    p = plan_of(*f, "cuda:24GiB+cpu:64GiB");
    EXPECT_FALSE(p.fits);
    EXPECT_EQ(p.shortfall_bytes, tensor_bytes(*f) + kv + 1 * GiB - 88 * GiB);
    // Bad requests are errors, not plans.
    PlanOptions o;
    ModelPlan unused;
    o.devices = "cuda";  // no memory given
    EXPECT_FALSE(plan_model(*f, o, unused, err));
    EXPECT_NE(err.find("give the memory"), std::string::npos) << err;
    o.devices = "cpu:512GiB";
    o.strategy = "hybrid";  // needs a GPU
    EXPECT_FALSE(plan_model(*f, o, unused, err));
    EXPECT_NE(err.find("needs a GPU term"), std::string::npos) << err;
    std::remove(path.c_str());
}

TEST(Plan, TheDynamicOneAndAHalfBitMixFitsSmallerMachines) {
    const std::string path = r1_header("iq1_s");
    std::string err;
    auto f = gguf_open(path, err);
    ASSERT_NE(f, nullptr) << err;
    EXPECT_NEAR(static_cast<double>(tensor_bytes(*f)) / 1e9, 151.8, 1.0);
    expect_sound(plan_of(*f, "2xcuda:80GiB"), *f);
    const ModelPlan h = plan_of(*f, "cuda:24GiB+cpu:192GiB");
    expect_sound(h, *f);
    EXPECT_EQ(h.strategy, "hybrid");
    EXPECT_FALSE(plan_of(*f, "cuda:24GiB+cpu:96GiB").fits);
    std::remove(path.c_str());
}

TEST(Plan, BandwidthsInTheSpecDrivePredictions) {
    std::vector<DeviceSpec> d;
    std::string err;
    ASSERT_TRUE(parse_device_spec("2xcuda:141GiB@4.8TB/s+cpu:512GiB@350GB/s", d, err)) << err;
    ASSERT_EQ(d.size(), 3u);
    EXPECT_DOUBLE_EQ(d[0].bandwidth_or_default(), 4.8e12);
    EXPECT_DOUBLE_EQ(d[2].bandwidth_or_default(), 350e9);
    EXPECT_EQ(d[2].budget, 512 * GiB);
    for (const char* bad : {"cuda:80GiB@", "cuda:80GiB@fast", "cpu@-3GB/s", "cpu@3GiB"})
        EXPECT_FALSE(parse_device_spec(bad, d, err)) << bad;
    // Twice the bandwidth everywhere: twice the predicted tokens/s, the same placement.
    const std::string path = r1_header("q4_k_m");
    auto f = gguf_open(path, err);
    ASSERT_NE(f, nullptr) << err;
    const ModelPlan slow = plan_of(*f, "8xcuda:80GiB@2TB/s");
    const ModelPlan fast = plan_of(*f, "8xcuda:80GiB@4TB/s");
    EXPECT_NEAR(fast.tokens_per_s, 2 * slow.tokens_per_s, 1e-9 * fast.tokens_per_s);
    EXPECT_EQ(fast.devices[3].holds, slow.devices[3].holds);
    std::remove(path.c_str());
}

namespace {

// `in` rewritten with some u32 / f32 keys replaced: a file that lies about its shape.
std::string with_keys(const std::string& in, const std::string& out, const std::map<std::string, double>& keys) {
    std::string err;
    auto f = gguf_open(in, err);
    EXPECT_NE(f, nullptr) << err;
    GgufWriter w;
    for (const GgufKv& kv : f->kvs())
        if (!keys.count(std::string(kv.key))) w.set_value(std::string(kv.key), kv.value);
    for (const auto& [key, v] : keys) {
        if (key == "deepseek2.expert_weights_scale") w.set_f32(key, static_cast<float>(v));
        else w.set_u32(key, static_cast<uint32_t>(v));
    }
    for (const GgufTensor& t : f->tensors())
        w.add_tensor(std::string(t.name), t.type, std::vector<int64_t>(t.ne, t.ne + t.n_dims),
                     std::vector<uint8_t>(t.data, t.data + t.nbytes));
    EXPECT_TRUE(w.write_file(out, err)) << err;
    return out;
}

} // namespace

TEST(Metadata, LiesAboutExpertsAndRanksAreRefusedWithTheKey) {
    const std::string dir = ::testing::TempDir() + "/ponder_lies_" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    std::string err;
    GgufWriter vocab;
    Tokenizer::from_vocab(test::tiny_vocab(), err)->write_gguf(vocab);
    ASSERT_TRUE(vocab.write_file(dir + "/vocab.gguf", err)) << err;
    test::ModelSpec spec;
    spec.arch = "deepseek2";
    spec.vocab_from = dir + "/vocab.gguf";
    spec.n_layer = 2;
    spec.n_ctx = 512;
    const std::string good = dir + "/good.gguf";
    ASSERT_TRUE(test::make_model(spec, good, err)) << err;
    ModelOptions mo;
    ASSERT_NE(model_load(good, mo, err), nullptr) << err;
    const std::string a = "deepseek2.";
    const std::vector<std::pair<std::map<std::string, double>, std::string>> lies = {
        {{{a + "expert_used_count", 9}}, "expert_count / expert_used_count"},
        {{{a + "expert_count", 5000}}, "expert_count / expert_used_count"},
        {{{a + "expert_group_count", 3}}, "expert_group_count"},
        {{{a + "expert_group_used_count", 5}}, "expert_group_count"},
        {{{a + "expert_group_used_count", 1}, {a + "expert_used_count", 3}}, "expert_group_count"},
        {{{a + "leading_dense_block_count", 3}}, "leading_dense_block_count"},
        {{{a + "attention.kv_lora_rank", 0}}, "kv_lora_rank is missing"},
        {{{a + "attention.kv_lora_rank", 100000}}, "multi-head latent attention"},
        {{{a + "attention.key_length_mla", 16}}, "multi-head latent attention"},
        {{{a + "rope.dimension_count", 7}}, "multi-head latent attention"},
        {{{a + "expert_gating_func", 7}}, "expert_gating_func"},
        {{{a + "expert_weights_scale", -1}}, "expert_weights_scale"},
        {{{a + "expert_feed_forward_length", 0}}, "expert_feed_forward_length"},
        {{{a + "block_count", 100000}}, "beyond any real model"},
    };
    int n = 0;
    for (const auto& [keys, why] : lies) {
        const std::string path = with_keys(good, dir + "/lie" + std::to_string(n++) + ".gguf", keys);
        SCOPED_TRACE(path);
        auto f = gguf_open(path, err);
        ASSERT_NE(f, nullptr) << err;
        ModelSummary s;
        EXPECT_FALSE(model_summary_read(*f, s, err));
        EXPECT_NE(err.find(why), std::string::npos) << err;
        ModelPlan p;
        EXPECT_FALSE(plan_model(*f, PlanOptions{}, p, err));
        EXPECT_EQ(model_load(path, mo, err), nullptr);
        EXPECT_NE(err.find(why), std::string::npos) << err;
    }
    std::filesystem::remove_all(dir);
}
