// The engine's core around the backends: sessions of one model running at the same time (this
// test runs under ThreadSanitizer in CI), placements over several devices giving the same logits
// as one, weights copied into device memory with progress and cancel, 3-D expert tensors, and
// failures inside a forward pass that come back as errors instead of exceptions.
#include "backend_registry.h"
#include "make_model.h"
#include "model.h"
#include "ponder/engine.h"
#include "quant.h"
#include "tiny_models.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

using namespace ponder;

namespace {

// A tiny random model (the test vocabulary, 4 layers so a placement can split it).
std::string tiny_model(const std::string& arch = "qwen2", const std::string& type = "Q4_K", int layers = 4) {
    return test::tiny_model(test::work_dir("core"), arch, type, layers);
}

std::shared_ptr<Model> load(const std::string& path, ModelOptions mo = {}) {
    mo.n_threads = mo.n_threads ? mo.n_threads : 2;
    mo.check_memory = false;
    std::string err;
    auto m = model_load(path, mo, err);
    EXPECT_NE(m, nullptr) << err;
    return m;
}

std::vector<float> all_logits(const std::shared_ptr<Model>& m, const std::vector<int32_t>& tokens, int n_batch = 256) {
    SessionOptions so;
    so.n_ctx = 256;
    so.n_batch = n_batch;
    so.check_memory = false;
    std::string err;
    auto s = Session::create(m, so, err);
    EXPECT_NE(s, nullptr) << err;
    std::vector<float> logits;
    EXPECT_TRUE(s->evaluate_all_logits(tokens, logits, err)) << err;
    return logits;
}

const std::vector<int32_t> kTokens = {267, 72, 105, 33, 9, 140, 201, 18, 77, 250, 3, 64, 111, 190, 45, 12};

} // namespace

TEST(EngineCore, TwoSessionsOnOneModelRunConcurrently) {
    // One thread per session: two sessions of two spinning threads each would crowd a 2-core machine.
    ModelOptions mo;
    mo.n_threads = 1;
    auto model = load(tiny_model(), mo);
    GenerateOptions g;
    g.sampler.temperature = 0;
    g.n_predict = 40;
    const std::vector<std::vector<int32_t>> prompts = {{267, 72, 105}, {33, 9, 140, 201}};
    // Alone first, then both at once: each session has its own scratch, threads and cache.
    std::vector<std::vector<int32_t>> alone, together(2);
    SessionOptions so;
    so.n_ctx = 128;
    so.check_memory = false;
    std::string err;
    for (const auto& p : prompts) alone.push_back(Session::create(model, so, err)->generate(p, g, nullptr).tokens);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < 2; i++)
        threads.emplace_back([&, i] {
            std::string e;
            auto s = Session::create(model, so, e);
            for (int round = 0; round < 2; round++) together[i] = s->generate(prompts[i], g, nullptr).tokens;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(together, alone);
    EXPECT_EQ(alone[0].size(), 40u);
}

TEST(EngineCore, SplitPlacementGivesTheSameLogits) {
    const std::string path = tiny_model("llama", "Q6_K");
    const std::vector<float> one = all_logits(load(path), kTokens);
    std::string err;
    auto file = gguf_open(path, err);
    ASSERT_NE(file, nullptr);
    const ModelFootprint fp = model_footprint(*file, 4);
    // The first device takes the embeddings and two layers; the rest go to the second.
    const uint64_t budget = fp.input + fp.layers[0] + fp.layers[1];
    ModelOptions mo;
    mo.devices = "cpu:" + std::to_string(budget) + "+cpu";
    auto split = load(path, mo);
    ASSERT_NE(split, nullptr);
    EXPECT_EQ(split->backends.size(), 2u);
    EXPECT_EQ(split->placement.layers, (std::vector<int>{0, 0, 1, 1}));
    EXPECT_EQ(split->placement.output, 1);
    EXPECT_NE(model_backend_description(*split).find("layers 2-3"), std::string::npos) << model_backend_description(*split);
    EXPECT_EQ(all_logits(split, kTokens), one);  // same kernels, so bit for bit
    EXPECT_EQ(all_logits(split, kTokens, 5), one);  // batches crossing at every boundary
    // Every layer on its own device.
    mo.devices = "cpu:" + std::to_string(fp.input + fp.layers[0]) + "+3xcpu:" + std::to_string(fp.layers[1]) + "+cpu";
    auto scattered = load(path, mo);
    ASSERT_NE(scattered, nullptr);
    EXPECT_EQ(scattered->placement.layers, (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(all_logits(scattered, kTokens), one);
    // A model that does not fit is refused with the reason.
    mo.devices = "cpu:1KiB";
    EXPECT_EQ(model_load(path, mo, err), nullptr);
    EXPECT_NE(err.find("does not fit the devices' budgets"), std::string::npos) << err;
    mo.devices = "tpu";
    EXPECT_EQ(model_load(path, mo, err), nullptr);
    EXPECT_NE(err.find("backend 'tpu' is not available in this build"), std::string::npos) << err;
}

TEST(EngineCore, DeviceSpecs) {
    std::vector<DeviceSpec> d;
    std::string err;
    ASSERT_TRUE(parse_device_spec("2xvulkan:48MiB+cpu:4GiB", d, err)) << err;
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].kind, "vulkan");
    EXPECT_EQ(d[1].budget, 48ull << 20);
    EXPECT_EQ(d[2].kind, "cpu");
    EXPECT_EQ(d[2].budget, 4ull << 30);
    ASSERT_TRUE(parse_device_spec("cuda#1:24GiB", d, err));
    EXPECT_EQ(d[0].index, 1);
    for (const char* bad : {"", "cpu:", "cpu:12XB", "0xcpu", "cpu+", "cpu#x"})
        EXPECT_FALSE(parse_device_spec(bad, d, err)) << bad;
}

TEST(EngineCore, CopiedWeightsReportProgressAndCanBeCancelled) {
    const std::string path = tiny_model("qwen2", "Q8_0");
    const std::vector<float> mapped = all_logits(load(path), kTokens);
    ModelOptions mo;
    mo.use_mmap = false;  // as a GPU would: every weight copied into the device's memory
    uint64_t last = 0, total = 0;
    int calls = 0;
    bool monotonic = true;
    mo.progress = [&](uint64_t done, uint64_t all) {
        monotonic = monotonic && done >= last;
        last = done;
        total = all;
        calls++;
    };
    auto copied = load(path, mo);
    ASSERT_NE(copied, nullptr);
    EXPECT_TRUE(monotonic);
    EXPECT_GT(calls, 20);  // one call per tensor at least
    EXPECT_EQ(last, total);
    EXPECT_EQ(all_logits(copied, kTokens), mapped);
    // Cancelled half way: no model, the error says so.
    std::atomic<bool> cancel{false};
    mo.cancel = &cancel;
    mo.progress = [&](uint64_t done, uint64_t all) {
        if (done * 2 >= all) cancel = true;
    };
    std::string err;
    EXPECT_EQ(model_load(path, mo, err), nullptr);
    EXPECT_EQ(err, "cancelled");
}

TEST(EngineCore, ThreeDimensionalExpertTensorsLoadAndMultiply) {
    // A file with a stacked {k, m, experts} tensor, as ffn_*_exps are stored.
    const int64_t k = 256, m = 16, experts = 4;
    std::mt19937_64 rng(5);
    const std::vector<uint8_t> bytes = test::random_weight(TensorType::Q4_K, k, m * experts, 0.05f, rng);
    GgufWriter w;
    w.set_string("general.architecture", "qwen2");
    w.add_tensor("blk.0.ffn_up_exps.weight", TensorType::Q4_K, {k, m, experts}, bytes);
    const std::string path = test::work_dir("core") + "/experts.gguf";
    std::string err;
    ASSERT_TRUE(w.write_file(path, err)) << err;
    Model model;
    model.file = gguf_open(path, err);
    ASSERT_NE(model.file, nullptr) << err;
    model.backends.push_back(make_cpu_backend({1, nullptr, false}));
    model.placement.devices = {DeviceSpec{"cpu"}};
    model.placement.layers = {0};
    model.placement.bytes = {bytes.size()};
    ModelOptions mo;
    for (bool mmap : {true, false}) {
        mo.use_mmap = mmap;
        WeightLoader loader(model, mo);
        Tensor t;
        ASSERT_TRUE(loader.get("blk.0.ffn_up_exps.weight", {k, m, experts}, 0, t)) << loader.error();
        EXPECT_EQ(t.ne[2], experts);
        EXPECT_FALSE(loader.get("blk.0.ffn_up_exps.weight", {k, m * experts}, 0, t));
        EXPECT_NE(loader.error().find("has shape {256, 16, 4}, expected {256, 64}"), std::string::npos) << loader.error();
        ASSERT_TRUE(loader.get("blk.0.ffn_up_exps.weight", {k, m, experts}, 0, t));
        // Expert 2 times x equals the dequantized rows 32..47 times x.
        auto stream = model.backends[0]->create_stream();
        OwnedTensor x = alloc_tensor(*model.backends[0], TensorType::F32, k, 1), out = alloc_tensor(*model.backends[0], TensorType::F32, m, 1);
        std::vector<float> xv(static_cast<size_t>(k), 0.f);
        xv[7] = 1.f;  // picks column 7 of each row
        stream->upload(x.t, xv.data(), xv.size() * 4);
        stream->matmul(matrix(t, 2), x.t, out.t, nullptr);
        std::vector<float> got(static_cast<size_t>(m)), row(static_cast<size_t>(k));
        stream->download(out.t, got.data());
        for (int64_t r = 0; r < m; r++) {
            dequantize_row(TensorType::Q4_K, bytes.data() + static_cast<size_t>(2 * m + r) * type_row_bytes(TensorType::Q4_K, k),
                           row.data(), k);
            EXPECT_NEAR(got[static_cast<size_t>(r)], row[7], 0.02f * std::max(1.f, std::fabs(row[7]))) << r;
        }
    }
}

namespace {
// A CPU backend whose allocations fail once `fail` is set: memory running out in mid-forward.
std::atomic<bool> g_fail_allocations{false};
class FailingBackend final : public Backend {
public:
    FailingBackend() : inner_(make_cpu_backend({1, nullptr, false})) {}
    std::string describe() const override { return "failing " + inner_->describe(); }
    std::string kind() const override { return "cpu_oom"; }
    std::unique_ptr<Buffer> alloc(size_t bytes) override {
        if (g_fail_allocations) throw std::bad_alloc();
        return inner_->alloc(bytes);
    }
    std::unique_ptr<Buffer> borrow_host(const void* data, size_t bytes) override { return inner_->borrow_host(data, bytes); }
    std::unique_ptr<Stream> create_stream() override { return inner_->create_stream(); }

private:
    std::unique_ptr<Backend> inner_;
};
} // namespace

TEST(EngineCore, OutOfMemoryInsideAForwardPassIsAnError) {
    register_backend_kind("cpu_oom", [](const BackendRequest&, std::string&) { return std::make_unique<FailingBackend>(); });
    ModelOptions mo;
    mo.devices = "cpu_oom";
    auto model = load(tiny_model(), mo);
    ASSERT_NE(model, nullptr);
    SessionOptions so;
    so.n_ctx = 64;
    so.check_memory = false;
    std::string err;
    auto s = Session::create(model, so, err);
    ASSERT_NE(s, nullptr) << err;
    g_fail_allocations = true;  // the logits buffer, allocated by the first forward that needs one row more
    std::vector<float> logits;
    EXPECT_FALSE(s->evaluate_all_logits(kTokens, logits, err));
    EXPECT_NE(err.find("out of memory"), std::string::npos) << err;
    GenerateResult r = s->generate({267, 72}, GenerateOptions{}, nullptr);  // no exception either
    g_fail_allocations = false;
    EXPECT_TRUE(r.reason == StopReason::Error || r.reason == StopReason::Eos || r.reason == StopReason::Length);
    // Memory back: the session works again.
    EXPECT_TRUE(s->evaluate_all_logits(kTokens, logits, err)) << err;
}

TEST(EngineCore, EvaluateAllLogitsRejectsEmptyInputAndCanBeCancelled) {
    auto model = load(tiny_model());
    SessionOptions so;
    so.n_ctx = 512;
    so.n_batch = 1;  // one forward pass per token: plenty of points to stop at
    so.check_memory = false;
    std::string err;
    auto s = Session::create(model, so, err);
    std::vector<float> logits;
    EXPECT_FALSE(s->evaluate_all_logits({}, logits, err));
    EXPECT_EQ(err, "nothing to evaluate");
    std::vector<int32_t> many(500);
    for (size_t i = 0; i < many.size(); i++) many[i] = static_cast<int32_t>(3 + i % 250);
    std::atomic<bool> done{false};
    std::thread canceller([&] {
        while (!done) {
            s->cancel();
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    const bool ok = s->evaluate_all_logits(many, logits, err);
    done = true;
    canceller.join();
    EXPECT_FALSE(ok);
    EXPECT_EQ(err, "cancelled");
    EXPECT_LT(s->cached_tokens().size(), many.size());
}

TEST(EngineCore, KvBytesPerTokenComeFromTheArchitecture) {
    ModelHparams hp;
    hp.arch = "qwen2";
    hp.n_layer = 28;
    hp.n_head_kv = 2;
    hp.head_dim_k = hp.head_dim_v = 128;
    EXPECT_EQ(kv_bytes_per_token(hp, TensorType::F16), 28u * 1024);  // R1-Distill-Qwen-1.5B: 28 KiB
    hp.arch = "deepseek2";
    hp.n_layer = 61;
    hp.kv_lora_rank = 512;
    hp.n_rot = 64;
    EXPECT_EQ(kv_bytes_per_token(hp, TensorType::F16), 61u * 576 * 2);  // R1: the latent cache, ~68.6 KiB
}

TEST(EngineCore, SplitFileSetsOpenAsOneModel) {
    const std::string single = tiny_model("llama", "Q8_0");
    const std::string dir = test::work_dir("core") + "/split";
    std::filesystem::create_directories(dir);
    const std::string first = dir + "/tiny-00001-of-00003.gguf";
    std::string err;
    ASSERT_TRUE(test::write_split(single, first, 3, err)) << err;
    // The set from its first file, or from any other: same tensors, same logits as the single file.
    const std::vector<float> expect = all_logits(load(single), kTokens);
    for (int k : {1, 2, 3}) {
        auto set = gguf_open(gguf_shard_path(first, k), err);
        ASSERT_NE(set, nullptr) << err;
        EXPECT_EQ(set->shards().size(), 3u);
        EXPECT_EQ(set->tensors().size(), gguf_open(single, err)->tensors().size());
        EXPECT_EQ(set->get_string("general.architecture"), "llama");
    }
    EXPECT_EQ(all_logits(load(first), kTokens), expect);
    EXPECT_EQ(all_logits(load(gguf_shard_path(first, 3)), kTokens), expect);
    ModelOptions copied;
    copied.use_mmap = false;
    EXPECT_EQ(all_logits(load(first, copied), kTokens), expect);

    // A missing file is named.
    const std::string second = gguf_shard_path(first, 2);
    std::filesystem::rename(second, second + ".away");
    EXPECT_EQ(gguf_open(first, err), nullptr);
    EXPECT_NE(err.find("file 2 of 3 of the split model is missing"), std::string::npos) << err;
    EXPECT_NE(err.find("tiny-00002-of-00003.gguf"), std::string::npos) << err;
    // A truncated one too.
    std::filesystem::copy_file(second + ".away", second);
    std::filesystem::resize_file(second, std::filesystem::file_size(second) / 2);
    EXPECT_EQ(gguf_open(first, err), nullptr);
    EXPECT_NE(err.find("tiny-00002-of-00003.gguf"), std::string::npos) << err;
    // And a file from another set in its place.
    const std::string other = dir + "/other-00001-of-00003.gguf";
    ASSERT_TRUE(test::write_split(tiny_model("qwen2", "F16"), other, 3, err)) << err;
    std::filesystem::copy_file(gguf_shard_path(other, 2), second, std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(gguf_open(first, err), nullptr);
    EXPECT_NE(err.find("tiny-00002-of-00003.gguf"), std::string::npos) << err;
    std::filesystem::rename(second + ".away", second);
    EXPECT_NE(gguf_open(first, err), nullptr) << err;
}

TEST(EngineCore, SplitNames) {
    int k = 0, n = 0;
    EXPECT_TRUE(gguf_split_name("/m/DeepSeek-R1-Q4_K_M-00002-of-00009.gguf", k, n));
    EXPECT_EQ(k, 2);
    EXPECT_EQ(n, 9);
    EXPECT_EQ(gguf_shard_path("/m/R1-00002-of-00009.gguf", 9), "/m/R1-00009-of-00009.gguf");
    for (const char* bad : {"model.gguf", "m-1-of-3.gguf", "m-00004-of-00003.gguf", "m-00001-of-00003.bin", "-00001-of-00003.gguf"})
        EXPECT_FALSE(gguf_split_name(bad, k, n)) << bad;
}
