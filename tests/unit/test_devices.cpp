// The device list behind `ponder-cli devices`: the CPU, then every Vulkan device with what it can
// do. CI runs on lavapipe (Mesa's Vulkan driver on the CPU), so there a Vulkan device must appear.
#include "ponder/devices.h"

#include "placement.h"
#include "ponder/engine.h"
#include "tiny_models.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace ponder {
namespace {

TEST(Devices, TheCpuComesFirstWithItsMemoryAndKernels) {
    const DeviceList list = list_devices();
    ASSERT_FALSE(list.devices.empty());
    const ComputeDevice& cpu = list.devices[0];
    EXPECT_EQ(cpu.backend, "cpu");
    EXPECT_EQ(cpu.type, "cpu");
    EXPECT_FALSE(cpu.name.empty());
    EXPECT_GT(cpu.memory_bytes, 64ull << 20);
    EXPECT_GE(cpu.threads, 1);
    EXPECT_TRUE(cpu.simd == "scalar" || cpu.simd == "avx2" || cpu.simd == "avx512") << cpu.simd;
    EXPECT_TRUE(cpu.unusable.empty());
    for (size_t i = 1; i < list.devices.size(); i++) EXPECT_NE(list.devices[i].backend, "cpu");
}

TEST(Devices, VulkanDevicesSayWhatTheyAreAndCanDo) {
    const DeviceList list = list_devices();
    std::vector<ComputeDevice> vulkan;
    for (const ComputeDevice& d : list.devices)
        if (d.backend == "vulkan") vulkan.push_back(d);
    if (!list.vulkan_built_in) {
        EXPECT_TRUE(vulkan.empty());
        EXPECT_NE(list.vulkan_status.find("no Vulkan backend"), std::string::npos) << list.vulkan_status;
        if (std::getenv("CI")) FAIL() << "CI builds the Vulkan backend (install-deps.sh brings libvulkan-dev and glslc)";
        GTEST_SKIP() << list.vulkan_status;
    }
    if (vulkan.empty()) {
        EXPECT_FALSE(list.vulkan_status.empty());  // says why
        if (std::getenv("CI")) FAIL() << "no Vulkan device in CI (lavapipe: mesa-vulkan-drivers): " << list.vulkan_status;
        GTEST_SKIP() << list.vulkan_status;
    }
    EXPECT_TRUE(list.vulkan_status.empty()) << list.vulkan_status;
    for (size_t i = 0; i < vulkan.size(); i++) {
        const ComputeDevice& d = vulkan[i];
        SCOPED_TRACE(d.name);
        EXPECT_EQ(d.index, static_cast<int>(i));  // the driver's order: what --device N means
        EXPECT_FALSE(d.name.empty());
        EXPECT_FALSE(d.vendor.empty());
        EXPECT_FALSE(d.driver.empty());
        int major = 0, minor = 0, patch = 0;
        EXPECT_EQ(std::sscanf(d.api_version.c_str(), "%d.%d.%d", &major, &minor, &patch), 3) << d.api_version;
        EXPECT_TRUE(d.type == "discrete" || d.type == "integrated" || d.type == "virtual" || d.type == "cpu" ||
                    d.type == "other")
            << d.type;
        EXPECT_GT(d.memory_bytes, 0u);
        EXPECT_TRUE(d.int_dot || !d.int_dot_accelerated);
        if (!d.unusable.empty()) continue;
        // Vulkan 1.2 guarantees compute subgroups of a power of two.
        EXPECT_GE(d.subgroup_size, 1u);
        EXPECT_EQ(d.subgroup_size & (d.subgroup_size - 1), 0u) << d.subgroup_size;
        EXPECT_TRUE(major > 1 || minor >= 2) << "a usable device has Vulkan 1.2: " << d.api_version;
    }
    // lavapipe, as CI has it: Mesa's software driver, a CPU-type device that can be used.
    for (const ComputeDevice& d : vulkan) {
        if (d.name.rfind("llvmpipe", 0) != 0) continue;
        EXPECT_EQ(d.type, "cpu");
        EXPECT_EQ(d.vendor, "Mesa");
        EXPECT_TRUE(d.unusable.empty()) << d.unusable;
    }
}

// --- choosing a device when the user named none ------------------------------------------------

constexpr uint64_t kReserve = 1ull << 30;  // what the choice keeps free on a GPU

struct TinyFootprint {
    std::string path;
    uint64_t input = 0, layer = 0, output = 0, kv_per_layer = 0;  // kv at the model's 512 tokens
    int n_layer = 4;
};

TinyFootprint footprint() {
    TinyFootprint t;
    t.path = test::tiny_model(test::work_dir("devices"), "qwen2", "Q8_0");
    std::string err;
    auto file = gguf_open(t.path, err);
    EXPECT_NE(file, nullptr) << err;
    ModelHparams hp;
    EXPECT_TRUE(model_hparams_read(*file, hp, err)) << err;
    const ModelFootprint f = model_footprint(*file, hp.n_layer);
    t.input = f.input;
    t.layer = f.layers[0];
    t.output = f.output;
    t.kv_per_layer = kv_bytes_per_token(hp, TensorType::F16) / 4 * 512;
    return t;
}

ComputeDevice gpu(int index, const std::string& type, uint64_t memory, const std::string& unusable = "") {
    ComputeDevice d;
    d.backend = "vulkan";
    d.index = index;
    d.name = "GPU " + std::to_string(index);
    d.type = type;
    d.memory_bytes = memory;
    d.unusable = unusable;
    return d;
}

ComputeDevice the_cpu() { return list_devices().devices[0]; }

TEST(DeviceChoice, WithoutADiscreteGpuTheCpuRunsIt) {
    const TinyFootprint t = footprint();
    DeviceChoice c;
    std::string err;
    // lavapipe reports itself as a CPU; integrated and virtual GPUs are not chosen unasked.
    for (const std::vector<ComputeDevice>& devices :
         {std::vector<ComputeDevice>{the_cpu()},
          {the_cpu(), gpu(0, "cpu", 64ull << 30), gpu(1, "integrated", 64ull << 30), gpu(2, "virtual", 64ull << 30)}}) {
        ASSERT_TRUE(choose_devices(t.path, devices, 0, TensorType::F16, c, err)) << err;
        EXPECT_EQ(c.devices, "cpu");
        EXPECT_EQ(c.gpu_layers, 0);
        EXPECT_EQ(c.why, "the CPU: no discrete GPU was found");
    }
}

TEST(DeviceChoice, TheDiscreteGpuWithTheMostMemoryThatHoldsTheModel) {
    const TinyFootprint t = footprint();
    DeviceChoice c;
    std::string err;
    const std::vector<ComputeDevice> devices = {the_cpu(), gpu(0, "discrete", 8ull << 30), gpu(1, "integrated", 96ull << 30),
                                                gpu(2, "discrete", 24ull << 30), gpu(3, "discrete", 48ull << 30, "Vulkan 1.1 only")};
    ASSERT_TRUE(choose_devices(t.path, devices, 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "vulkan#2");  // not #3 (unusable) nor #1 (integrated)
    EXPECT_EQ(c.gpu_layers, 4);
    EXPECT_EQ(c.n_ctx, 512);  // the trained context, under 32,768
    EXPECT_NE(c.why.find("Vulkan #2 (GPU 2): the whole model"), std::string::npos) << c.why;
    EXPECT_NE(c.why.find("the best discrete GPU that holds it"), std::string::npos) << c.why;
}

TEST(DeviceChoice, AnArchitectureTheGpuBackendCannotRunStaysOnTheCpu) {
    // deepseek2 (full R1 in miniature): its MoE ops are CPU-only for now.
    const std::string dir = test::work_dir("devices");
    const std::string path = dir + "/deepseek2.gguf";
    footprint();  // writes the test vocabulary into dir
    std::string err;
    test::ModelSpec spec;
    spec.arch = "deepseek2";
    spec.vocab_from = dir + "/vocab.gguf";
    spec.n_ctx = 512;
    ASSERT_TRUE(test::make_model(spec, path, err)) << err;
    DeviceChoice c;
    ASSERT_TRUE(choose_devices(path, {the_cpu(), gpu(0, "discrete", 80ull << 30)}, 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "cpu");
    EXPECT_EQ(c.why, "the CPU: Ponder's GPU backend does not run deepseek2 models yet");
}

TEST(DeviceChoice, AGpuThatCannotHoldTheWholeModelIsNotChosenUnasked) {
    const TinyFootprint t = footprint();
    const uint64_t two_layers = kReserve + t.input + 2 * (t.layer + t.kv_per_layer);
    DeviceChoice c;
    std::string err;
    ASSERT_TRUE(choose_devices(t.path, {the_cpu(), gpu(0, "discrete", two_layers)}, 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "cpu");
    EXPECT_NE(c.why.find("does not fit in Vulkan #0 (GPU 0)"), std::string::npos) << c.why;
    EXPECT_NE(c.why.find("--gpu-layers"), std::string::npos) << c.why;
    // A longer context needs more KV cache: a GPU that holds the model at 512 tokens does not at 4,096.
    const uint64_t whole = kReserve + t.input + 4 * (t.layer + t.kv_per_layer) + t.output;
    ASSERT_TRUE(choose_devices(t.path, {the_cpu(), gpu(0, "discrete", whole)}, 512, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "vulkan#0");
    ASSERT_TRUE(choose_devices(t.path, {the_cpu(), gpu(0, "discrete", whole - 1)}, 512, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "cpu");
}

TEST(DeviceChoice, AsManyLayersAsFitGoOnTheGpuAndTheRestOnTheCpu) {
    const TinyFootprint t = footprint();
    DeviceChoice c;
    std::string err;
    const uint64_t two_layers = kReserve + t.input + 2 * (t.layer + t.kv_per_layer);
    ASSERT_TRUE(fit_on_gpu(t.path, gpu(0, "discrete", two_layers + t.layer / 2), 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.gpu_layers, 2);
    // The budget is what the input and two layers weigh, as --gpu-layers 2 would make it.
    EXPECT_EQ(c.devices, gpu_layers_devices(t.path, "vulkan#0", 2, err));
    EXPECT_NE(c.why.find("2 of 4 layers"), std::string::npos) << c.why;
    // Every layer but not the output head: the head goes to the CPU.
    const uint64_t all_layers = kReserve + t.input + 4 * (t.layer + t.kv_per_layer);
    ASSERT_TRUE(fit_on_gpu(t.path, gpu(0, "discrete", all_layers), 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.gpu_layers, 4);
    EXPECT_EQ(c.devices, "vulkan#0:" + std::to_string(t.input + 4 * t.layer) + "+cpu");
    // Not even the embeddings: the CPU, and why.
    ASSERT_TRUE(fit_on_gpu(t.path, gpu(0, "discrete", kReserve), 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "cpu");
    EXPECT_NE(c.why.find("no layer of the model fits"), std::string::npos) << c.why;
    // A file that is not a model is an error, not a choice.
    EXPECT_FALSE(fit_on_gpu(t.path + ".missing", gpu(0, "discrete", 8ull << 30), 0, TensorType::F16, c, err));
    EXPECT_FALSE(err.empty());
}

TEST(DeviceChoice, AFixedLayerCountSaysWhatItPutsOnTheGpuAndWhetherItFits) {
    const TinyFootprint t = footprint();
    DeviceChoice c;
    std::string err;
    ASSERT_TRUE(layers_on_gpu(t.path, gpu(0, "discrete", 8ull << 30), 2, 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, gpu_layers_devices(t.path, "vulkan#0", 2, err));
    EXPECT_EQ(c.gpu_layers, 2);
    EXPECT_EQ(c.n_layer, 4);
    EXPECT_EQ(c.gpu_name, "GPU 0");
    EXPECT_EQ(c.gpu_memory, 8ull << 30);
    EXPECT_EQ(c.gpu_bytes, t.input + 2 * (t.layer + t.kv_per_layer));
    EXPECT_TRUE(c.fits);
    EXPECT_NE(c.why.find("2 of 4 layers"), std::string::npos) << c.why;
    // Every layer: the output head goes too.
    ASSERT_TRUE(layers_on_gpu(t.path, gpu(0, "discrete", 8ull << 30), 99, 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "vulkan#0");
    EXPECT_EQ(c.gpu_bytes, t.input + 4 * (t.layer + t.kv_per_layer) + t.output);
    EXPECT_NE(c.why.find("the whole model"), std::string::npos) << c.why;
    // More than the GPU holds: said, not hidden.
    ASSERT_TRUE(layers_on_gpu(t.path, gpu(0, "discrete", kReserve + t.input + t.layer), 2, 0, TensorType::F16, c, err)) << err;
    EXPECT_FALSE(c.fits);
    EXPECT_NE(c.why.find("more than its"), std::string::npos) << c.why;
    // None: the CPU, nothing on the GPU.
    ASSERT_TRUE(layers_on_gpu(t.path, gpu(0, "discrete", 8ull << 30), 0, 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.devices, "cpu");
    EXPECT_EQ(c.gpu_bytes, 0u);
    // The fit says what it put there too.
    ASSERT_TRUE(fit_on_gpu(t.path, gpu(0, "discrete", 8ull << 30), 0, TensorType::F16, c, err)) << err;
    EXPECT_EQ(c.gpu_bytes, t.input + 4 * (t.layer + t.kv_per_layer) + t.output);
}

TEST(DeviceChoice, ThePartialFitLoadsWithThoseLayersOnTheGpu) {
    const DeviceList list = list_devices();
    const ComputeDevice* vulkan = nullptr;
    for (const ComputeDevice& d : list.devices)
        if (d.backend == "vulkan" && d.unusable.empty()) vulkan = &d;
    if (!vulkan) {
        if (std::getenv("CI")) FAIL() << "no usable Vulkan device in CI: " << list.vulkan_status;
        GTEST_SKIP() << "no usable Vulkan device: " << list.vulkan_status;
    }
    const TinyFootprint t = footprint();
    ComputeDevice small = *vulkan;
    small.memory_bytes = kReserve + t.input + 3 * (t.layer + t.kv_per_layer) + t.layer / 2;
    DeviceChoice c;
    std::string err;
    ASSERT_TRUE(fit_on_gpu(t.path, small, 512, TensorType::F16, c, err)) << err;
    ASSERT_EQ(c.gpu_layers, 3);
    ModelOptions mo;
    mo.devices = c.devices;
    auto model = model_load(t.path, mo, err);
    ASSERT_NE(model, nullptr) << err;
    const std::string where = model_backend_description(*model);
    EXPECT_NE(where.find("input, layers 0-2"), std::string::npos) << where;
    EXPECT_NE(where.find("cpu: layer 3, output"), std::string::npos) << where;
}

} // namespace
} // namespace ponder
