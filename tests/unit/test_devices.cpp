// The device list behind `ponder-cli devices`: the CPU, then every Vulkan device with what it can
// do. CI runs on lavapipe (Mesa's Vulkan driver on the CPU), so there a Vulkan device must appear.
#include "ponder/devices.h"

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

} // namespace
} // namespace ponder
