// The Vulkan backend end to end (on lavapipe in CI: Mesa's Vulkan driver on the CPU): 64 greedy
// tokens of tiny models of every weight type (and both architectures) the same as the CPU's
// reference math (which, like the Vulkan shaders, dots dequantized weights with unrounded
// activations), partial offload (none, some, all layers on the GPU) giving the same tokens, and
// the failures a GPU brings (no memory for the weights, a device limit smaller than the model)
// ending in one clear error with the engine still usable.
#include "backend.h"
#include "backends/vulkan/vulkan_backend.h"
#include "make_model.h"
#include "model.h"
#include "ponder/engine.h"
#include "tiny_models.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <cctype>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace ponder;

namespace {

// lavapipe is slow: a small output matrix (1,024 tokens) keeps CI quick.
std::string tiny_model(const std::string& arch, const std::string& type, int layers = 4) {
    return test::tiny_model(test::work_dir("vulkan"), arch, type, layers, 1024);
}

// Whether this machine can run the Vulkan backend; in CI it must (lavapipe).
bool vulkan_here() {
    std::string why;
    if (make_vulkan_backend(-1, 0, why)) return true;
    if (std::getenv("CI")) ADD_FAILURE() << "no Vulkan backend in CI: " << why;
    else GTEST_LOG_(WARNING) << "skipped: " << why;
    return false;
}

std::shared_ptr<Model> load(const std::string& path, const std::string& devices, bool reference_math = false) {
    ModelOptions mo;
    mo.devices = devices;
    mo.n_threads = 1;
    mo.check_memory = false;
    mo.reference_math = reference_math;
    std::string err;
    auto m = model_load(path, mo, err);
    EXPECT_NE(m, nullptr) << devices << ": " << err;
    return m;
}

struct GreedyRun {
    std::vector<int32_t> tokens;
    std::vector<std::vector<float>> logits;  // at each generated token
};

// Greedy generation one token at a time through the KV cache (as chat generates), teacher-forced
// on `forced` when given, keeping each step's logits.
GreedyRun greedy(const std::shared_ptr<Model>& m, const std::vector<int32_t>& prompt, int n, const std::vector<int32_t>* forced = nullptr) {
    SessionOptions so;
    so.n_ctx = 256;
    so.check_memory = false;
    std::string err;
    auto s = Session::create(m, so, err);
    EXPECT_NE(s, nullptr) << err;
    GreedyRun r;
    if (!s) return r;
    std::vector<int32_t> seq = prompt;
    for (int i = 0; i < n; i++) {
        EXPECT_TRUE(s->evaluate(seq, err)) << err;
        const std::vector<float>& last = s->logits();
        const int32_t best = static_cast<int32_t>(std::max_element(last.begin(), last.end()) - last.begin());
        r.tokens.push_back(best);
        r.logits.push_back(last);
        seq.push_back(forced ? (*forced)[static_cast<size_t>(i)] : best);
    }
    return r;
}

// The tokens agree, or the first difference is a near tie: where the Vulkan run picked another
// token, the reference's top two logits lie within `tie` of each other (the rule of the CPU's
// peer test: different summation orders may flip a tie, never a clear choice).
void expect_same_or_near_tie(const GreedyRun& ref, const GreedyRun& got, const std::string& what, float tie = 2e-3f) {
    for (size_t i = 0; i < ref.tokens.size(); i++) {
        if (ref.tokens[i] == got.tokens[i]) continue;
        const std::vector<float>& l = ref.logits[i];
        const float a = l[static_cast<size_t>(ref.tokens[i])], b = l[static_cast<size_t>(got.tokens[i])];
        EXPECT_LT(a - b, tie) << what << ": token " << i << " differs (" << ref.tokens[i] << " vs " << got.tokens[i]
                              << ") and the reference preferred it by " << a - b;
        return;  // after a divergence the continuations differ by construction
    }
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); i++) d = std::max(d, std::fabs(double(a[i]) - b[i]));
    return d;
}

const std::vector<int32_t> kPrompt = {267, 72, 105, 33, 9, 140, 201, 18};

} // namespace

TEST(VulkanEndToEnd, GreedyTokensMatchTheCpuForEveryWeightType) {
    if (!vulkan_here()) GTEST_SKIP();
    for (const char* type : {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K",
                             "Q6_K", "Q4_K_M"}) {
        // Llama's own paths (adjacent rope pairs, Llama 3.1 divisors) do not depend on the weight
        // type: two types cover them (lavapipe runs ~85 ms a token here, so CI stays quick).
        for (const char* arch : {"qwen2", "llama"}) {
            if (std::string(arch) == "llama" && std::string(type) != "F16" && std::string(type) != "Q4_K") continue;
            SCOPED_TRACE(std::string(arch) + " " + type);
            const std::string path = tiny_model(arch, type);
            auto cpu = load(path, "cpu", true), gpu = load(path, "vulkan");
            ASSERT_TRUE(cpu && gpu);
            EXPECT_NE(model_backend_description(*gpu).find("Vulkan"), std::string::npos) << model_backend_description(*gpu);
            const GreedyRun ref = greedy(cpu, kPrompt, 64);
            const GreedyRun got = greedy(gpu, kPrompt, 64, &ref.tokens);  // teacher-forced: logits comparable at every step
            expect_same_or_near_tie(ref, got, std::string(arch) + " " + type);
            double worst = 0;
            for (size_t i = 0; i < ref.logits.size(); i++) worst = std::max(worst, max_abs_diff(ref.logits[i], got.logits[i]));
            EXPECT_LT(worst, 5e-3) << "largest logit difference along the sequence";  // measured worst 1.3e-3
            std::printf("[ vulkan ] %-6s %-6s 64 tokens, largest logit difference %.2e\n", arch, type, worst);
        }
    }
}

TEST(VulkanEndToEnd, PartialOffloadGivesTheSameTokens) {
    if (!vulkan_here()) GTEST_SKIP();
    const std::string path = tiny_model("qwen2", "Q4_K");
    std::string err;
    auto file = gguf_open(path, err);
    ASSERT_NE(file, nullptr) << err;
    const ModelFootprint fp = model_footprint(*file, 256);
    const uint64_t two_layers = fp.input + fp.layers[0] + fp.layers[1];
    const GreedyRun all_gpu = greedy(load(path, "vulkan"), kPrompt, 64);
    for (const std::string& devices : {std::string("vulkan:") + std::to_string(two_layers) + "+cpu", std::string("cpu")}) {
        auto m = load(path, devices, true);
        ASSERT_NE(m, nullptr);
        const GreedyRun r = greedy(m, kPrompt, 64, &all_gpu.tokens);
        expect_same_or_near_tie(all_gpu, r, devices);
        std::printf("[ vulkan ] %s: %s\n", devices.c_str(), model_backend_description(*m).c_str());
    }
}

// Resident bytes of this process's mappings of `path` (/proc/self/smaps).
uint64_t resident_bytes_of(const std::string& file) {
    const std::string path = std::filesystem::canonical(file).string();  // as the kernel names it
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool ours = false;
    uint64_t kib = 0;
    while (std::getline(smaps, line)) {
        if (line.empty()) continue;
        if (std::isxdigit(static_cast<unsigned char>(line[0])) && line.find('-') < 16) {  // a mapping's first line
            ours = line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0;
        } else if (ours && line.rfind("Rss:", 0) == 0) {
            kib += std::stoull(line.substr(4));
        }
    }
    return kib * 1024;
}

// Weights copied into device memory give their pages of the mapped file back: the host keeps
// only what the CPU reads in place.
TEST(VulkanEndToEnd, CopiedWeightsLeaveTheFilesPagesBehind) {
    if (!vulkan_here()) GTEST_SKIP();
    const std::string path = tiny_model("qwen2", "Q8_0");
    auto gpu = load(path, "vulkan");
    ASSERT_TRUE(gpu);
    const uint64_t file = model_weights_bytes(*gpu);
    // What the kernel says this process holds of the file: every weight was read to be copied,
    // and little of it stays.
    EXPECT_LT(resident_bytes_of(path), file / 4) << "of " << file;
    auto cpu = load(path, "cpu");
    ASSERT_TRUE(cpu);
    const GreedyRun ref = greedy(cpu, kPrompt, 16);
    EXPECT_GT(resident_bytes_of(path), file / 2);  // the CPU reads it in place: resident (the check checks)
    EXPECT_GT(gpu->file_bytes_released, file / 2) << "of " << file;
    EXPECT_LE(gpu->file_bytes_released, file);
    EXPECT_EQ(cpu->file_bytes_released, 0u);
    std::string err;
    auto split = load(path, gpu_layers_devices(path, "vulkan", 2, err));
    ASSERT_TRUE(split) << err;
    EXPECT_GT(split->file_bytes_released, 0u);
    EXPECT_LT(split->file_bytes_released, gpu->file_bytes_released);
    // And the model still answers as the CPU does: the CPU part reads the file again where it needs to.
    expect_same_or_near_tie(ref, greedy(split, kPrompt, 16, &ref.tokens), "split after release");
}

TEST(VulkanEndToEnd, ADeviceTooSmallIsAClearErrorAndTheCpuStillWorks) {
    if (!vulkan_here()) GTEST_SKIP();
    const std::string path = tiny_model("qwen2", "Q8_0");
    ModelOptions mo;
    mo.devices = "vulkan:64KiB";  // a device limit smaller than the model
    mo.check_memory = false;
    std::string err;
    EXPECT_EQ(model_load(path, mo, err), nullptr);
    EXPECT_NE(err.find("does not fit"), std::string::npos) << err;
    mo.devices = "vulkan#99";
    EXPECT_EQ(model_load(path, mo, err), nullptr);
    EXPECT_NE(err.find("no Vulkan device 99"), std::string::npos) << err;
    EXPECT_NE(load(path, "cpu"), nullptr);
}

// A generated token binds what the one before bound: its descriptor sets come from the stream's
// cache instead of being written again, and it waits once, for its logits (its small input is
// queued with the ops). A destroyed buffer empties the cache (a set may name it) at the next
// submit, and the results stay right throughout (under the validation layer in CI).
TEST(VulkanEndToEnd, ATokenReusesItsDescriptorSetsAndWaitsOnce) {
    if (!vulkan_here()) GTEST_SKIP();
    std::string err;
    std::unique_ptr<Backend> be = make_vulkan_backend(-1, 0, err);
    ASSERT_NE(be, nullptr) << err;
    std::unique_ptr<Stream> stream = be->create_stream();
    OwnedTensor a = alloc_tensor(*be, TensorType::F32, 256), b = alloc_tensor(*be, TensorType::F32, 256);
    OwnedTensor w = alloc_tensor(*be, TensorType::F32, 256, 64), out = alloc_tensor(*be, TensorType::F32, 64);
    std::vector<float> va(256), vw(256 * 64);
    for (size_t i = 0; i < va.size(); i++) va[i] = static_cast<float>(i % 7) * 0.25f;
    for (size_t i = 0; i < vw.size(); i++) vw[i] = static_cast<float>(i % 5) * 0.5f;
    stream->upload(w.t, vw.data(), vw.size() * 4);
    auto step = [&] {  // a "token": its input in, the same ops on the same tensors, its output out
        std::vector<float> input = va;
        stream->upload(a.t, input.data(), input.size() * 4);
        std::fill(input.begin(), input.end(), -1.f);  // the caller may reuse its memory at once
        stream->add(a.t, a.t, b.t);
        stream->rms_norm(b.t, nullptr, 1e-6f, b.t);
        stream->matmul(w.t, b.t, out.t, nullptr);
        std::vector<float> o(64);
        stream->download(out.t, o.data());
        return o;
    };
    auto counters = [&] {
        VulkanStreamCounters c;
        EXPECT_TRUE(vulkan_stream_counters(*stream, c));
        return c;
    };
    const VulkanStreamCounters c0 = counters();
    const std::vector<float> first = step();
    const VulkanStreamCounters c1 = counters();
    EXPECT_EQ(c1.dispatches - c0.dispatches, 3u);
    EXPECT_EQ(c1.descriptor_writes - c0.descriptor_writes, 3u);  // new bindings: written once
    EXPECT_EQ(c1.submits - c0.submits, 1u);                       // one wait: the download
    for (int i = 0; i < 3; i++) EXPECT_EQ(step(), first);
    VulkanStreamCounters c2 = counters();
    EXPECT_EQ(c2.dispatches - c1.dispatches, 9u);
    EXPECT_EQ(c2.descriptor_writes - c1.descriptor_writes, 0u);  // the same bindings: nothing written
    EXPECT_EQ(c2.submits - c1.submits, 3u);
    // Another view of a bound buffer (as each new token's row of the KV cache is) shares its set:
    // the buffer is bound whole and the view's place goes to the shader.
    stream->matmul(rows(w.t, 32, 32), b.t, slice(out.t, 0, 0, 32), nullptr);
    stream->matmul(rows(w.t, 0, 32), b.t, slice(out.t, 0, 32, 32), nullptr);
    std::vector<float> swapped(64);
    stream->download(out.t, swapped.data());
    EXPECT_EQ(std::vector<float>(swapped.begin(), swapped.begin() + 32), std::vector<float>(first.begin() + 32, first.end()));
    EXPECT_EQ(std::vector<float>(swapped.begin() + 32, swapped.end()), std::vector<float>(first.begin(), first.begin() + 32));
    EXPECT_EQ(counters().descriptor_writes, c2.descriptor_writes);
    c2 = counters();
    {
        OwnedTensor gone = alloc_tensor(*be, TensorType::F32, 16);  // destroyed at the end of this scope
    }
    EXPECT_EQ(step(), first);  // written anew: the cache may name the destroyed buffer
    EXPECT_EQ(step(), first);  // the cache emptied at the last submit and fills again
    EXPECT_EQ(step(), first);
    const VulkanStreamCounters c3 = counters();
    EXPECT_EQ(c3.dispatches - c2.dispatches, 9u);
    EXPECT_EQ(c3.descriptor_writes - c2.descriptor_writes, 6u);
    std::unique_ptr<Backend> cpu = make_cpu_backend({1, nullptr, false});
    std::unique_ptr<Stream> cpu_stream = cpu->create_stream();
    VulkanStreamCounters none;
    EXPECT_FALSE(vulkan_stream_counters(*cpu_stream, none));
}

TEST(VulkanEndToEnd, AnAllocationPastTheLimitFailsAndTheBackendStaysUsable) {
    if (!vulkan_here()) GTEST_SKIP();
    std::string err;
    std::unique_ptr<Backend> be = make_vulkan_backend(-1, 1 << 20, err);  // 1 MiB of device memory
    ASSERT_NE(be, nullptr) << err;
    std::unique_ptr<Stream> stream = be->create_stream();
    OwnedTensor small = alloc_tensor(*be, TensorType::F32, 1024, 128);  // 512 KiB
    EXPECT_THROW(alloc_tensor(*be, TensorType::F32, 1024, 256), std::bad_alloc);  // 1 MiB more
    const std::vector<float> v(1024 * 128, 1.5f);
    stream->upload(small.t, v.data(), v.size() * 4);
    stream->add(small.t, small.t, small.t);
    std::vector<float> back(v.size());
    stream->download(small.t, back.data());
    EXPECT_EQ(back, std::vector<float>(v.size(), 3.f));
}

