// The Vulkan backend's view of the machine (internal): the loader, opened at run time so that a
// machine without libvulkan still runs Ponder on the CPU; the instance (with the Khronos
// validation layer when PONDER_VULKAN_VALIDATION is set); the physical devices and what each can
// do.
#pragma once

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include "vulkan_backend.h"

#include <string>
#include <vector>

namespace ponder::vk {

// Every entry point used, loaded through vkGetInstanceProcAddr.
#define PONDER_VK_GLOBAL_FUNCTIONS(X)                                                                         \
    X(vkCreateInstance) X(vkEnumerateInstanceVersion) X(vkEnumerateInstanceLayerProperties)
#define PONDER_VK_INSTANCE_FUNCTIONS(X)                                                                       \
    X(vkDestroyInstance) X(vkEnumeratePhysicalDevices) X(vkGetPhysicalDeviceProperties)                       \
    X(vkGetPhysicalDeviceProperties2) X(vkGetPhysicalDeviceFeatures2) X(vkGetPhysicalDeviceMemoryProperties)  \
    X(vkGetPhysicalDeviceQueueFamilyProperties) X(vkEnumerateDeviceExtensionProperties)                       \
    X(vkCreateDebugUtilsMessengerEXT) X(vkCreateDevice)
// Device-level entry points, loaded through the instance (the loader dispatches on the device).
#define PONDER_VK_DEVICE_FUNCTIONS(X)                                                                         \
    X(vkDestroyDevice) X(vkGetDeviceQueue) X(vkCreateBuffer) X(vkDestroyBuffer)                               \
    X(vkGetBufferMemoryRequirements) X(vkAllocateMemory) X(vkFreeMemory) X(vkBindBufferMemory) X(vkMapMemory) \
    X(vkCreateShaderModule) X(vkDestroyShaderModule) X(vkCreateDescriptorSetLayout)                           \
    X(vkDestroyDescriptorSetLayout) X(vkCreatePipelineLayout) X(vkDestroyPipelineLayout)                      \
    X(vkCreateComputePipelines) X(vkDestroyPipeline) X(vkCreateDescriptorPool) X(vkDestroyDescriptorPool)     \
    X(vkResetDescriptorPool) X(vkAllocateDescriptorSets) X(vkUpdateDescriptorSets) X(vkCreateCommandPool)     \
    X(vkDestroyCommandPool) X(vkAllocateCommandBuffers) X(vkBeginCommandBuffer) X(vkEndCommandBuffer)         \
    X(vkResetCommandBuffer) X(vkCmdBindPipeline) X(vkCmdBindDescriptorSets) X(vkCmdPushConstants)            \
    X(vkCmdDispatch) X(vkCmdPipelineBarrier) X(vkCmdCopyBuffer) X(vkCreateFence) X(vkDestroyFence)           \
    X(vkResetFences) X(vkWaitForFences) X(vkQueueSubmit) X(vkDeviceWaitIdle)

#define PONDER_VK_DECLARE(name) extern PFN_##name name;
PONDER_VK_GLOBAL_FUNCTIONS(PONDER_VK_DECLARE)
PONDER_VK_INSTANCE_FUNCTIONS(PONDER_VK_DECLARE)
PONDER_VK_DEVICE_FUNCTIONS(PONDER_VK_DECLARE)
#undef PONDER_VK_DECLARE

const char* result_name(VkResult r);

// The process's instance, created on first use and never destroyed (drivers are unloaded at exit
// by the loader). instance == null: Vulkan is unusable here and `error` says why.
struct Instance {
    VkInstance instance = VK_NULL_HANDLE;
    uint32_t api_version = 0;
    bool validation = false;
    std::vector<VkPhysicalDevice> physical;
    std::string error;
};
const Instance& instance();

// What a physical device is and can do: the public description plus what the backend needs.
struct DeviceCaps {
    ComputeDevice info;
    uint32_t api_version = 0;          // VK_MAKE_API_VERSION
    VkPhysicalDevice physical = VK_NULL_HANDLE;
    uint32_t queue_family = 0;
    bool int_dot_extension = false;    // VK_KHR_shader_integer_dot_product must be enabled (pre-1.3)
    uint32_t min_storage_align = 256;
    uint64_t max_storage_range = 1u << 27;
    uint64_t max_allocation = 1u << 30;
    uint32_t max_shared = 16384;
    uint32_t max_groups[3] = {65535, 65535, 65535};
};
// Every physical device, in the driver's order (unusable ones carry info.unusable).
const std::vector<DeviceCaps>& device_caps();

// Validation messages (warnings and errors of the validation layer) seen so far.
uint64_t validation_message_count();

} // namespace ponder::vk
