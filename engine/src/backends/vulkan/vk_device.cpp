// The logical device, its memory and pipelines. See vk_backend.h.
#include "vk_backend.h"
#include "vk_shaders.h"
#include "vulkan_backend.h"

#include <cstring>
#include <new>
#include <stdexcept>

namespace ponder::vk {

void check(VkResult r, const char* what) {
    if (r == VK_SUCCESS) return;
    if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY) throw std::bad_alloc();
    throw std::runtime_error(std::string("Vulkan: ") + what + " failed: " + result_name(r) +
                             (r == VK_ERROR_DEVICE_LOST ? " (the GPU driver reset the device)" : ""));
}

namespace {

int device_rank(const DeviceCaps& c) {
    if (c.info.type == "discrete") return 0;
    if (c.info.type == "integrated") return 1;
    if (c.info.type == "virtual") return 2;
    return 3;  // the CPU (lavapipe) last: the CPU backend is faster there
}

// A memory type among `allowed` (a buffer's memoryTypeBits) with the `want` properties, one with
// `prefer` too when there is one.
uint32_t find_memory_type(VkPhysicalDevice pd, uint32_t allowed, VkMemoryPropertyFlags want, VkMemoryPropertyFlags prefer) {
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    int best = -1;
    for (uint32_t i = 0; i < mem.memoryTypeCount; i++) {
        const VkMemoryPropertyFlags f = mem.memoryTypes[i].propertyFlags;
        if (!(allowed & (1u << i)) || (f & want) != want) continue;
        if (best < 0 || ((f & prefer) == prefer && (mem.memoryTypes[best].propertyFlags & prefer) != prefer))
            best = static_cast<int>(i);
    }
    if (best < 0) throw std::runtime_error("Vulkan: the device has no suitable memory type");
    return static_cast<uint32_t>(best);
}

} // namespace

int choose_device(const std::string& choice, std::string& error) {
    const std::vector<DeviceCaps>& all = device_caps();
    if (all.empty()) {
        error = instance().error.empty() ? "no Vulkan device found" : instance().error;
        return -1;
    }
    auto usable = [&](int i) {
        if (!all[static_cast<size_t>(i)].info.unusable.empty()) {
            error = "Vulkan device " + std::to_string(i) + " (" + all[static_cast<size_t>(i)].info.name +
                    ") cannot be used: " + all[static_cast<size_t>(i)].info.unusable;
            return -1;
        }
        return i;
    };
    if (choice.empty()) {
        int best = -1;
        for (int i = 0; i < static_cast<int>(all.size()); i++)
            if (all[static_cast<size_t>(i)].info.unusable.empty() &&
                (best < 0 || device_rank(all[static_cast<size_t>(i)]) < device_rank(all[static_cast<size_t>(best)])))
                best = i;
        if (best < 0) error = "no usable Vulkan device: " + all[0].info.unusable;
        return best;
    }
    if (choice.find_first_not_of("0123456789") == std::string::npos) {
        const int i = std::stoi(choice);
        if (i >= static_cast<int>(all.size())) {
            error = "there is no Vulkan device " + choice + " (ponder-cli devices lists " + std::to_string(all.size()) + ")";
            return -1;
        }
        return usable(i);
    }
    for (int i = 0; i < static_cast<int>(all.size()); i++)
        if (all[static_cast<size_t>(i)].info.name.find(choice) != std::string::npos) return usable(i);
    error = "no Vulkan device is named '" + choice + "' (ponder-cli devices lists them)";
    return -1;
}

VkBuf::~VkBuf() {
    auto& be = static_cast<VulkanBackend&>(backend());
    be.buffers_destroyed_.fetch_add(1);  // descriptor sets cached by streams may name it
    vkDestroyBuffer(be.device(), buffer_, nullptr);
    vkFreeMemory(be.device(), memory_, nullptr);
    if (!mapped_) be.freed(size());
}

VulkanBackend::VulkanBackend(const VulkanOptions& options) : options_(options) {
    std::string error;
    const int index = options.device >= 0 ? options.device : choose_device("", error);
    if (index < 0) throw std::runtime_error(error);
    if (index >= static_cast<int>(device_caps().size()))
        throw std::runtime_error("there is no Vulkan device " + std::to_string(index) + " (ponder-cli devices lists " +
                                 std::to_string(device_caps().size()) + ")");
    caps_ = device_caps()[static_cast<size_t>(index)];
    if (!caps_.info.unusable.empty()) throw std::runtime_error("Vulkan device " + caps_.info.name + ": " + caps_.info.unusable);

    const float priority = 1;
    VkDeviceQueueCreateInfo queue{};
    queue.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queue.queueFamilyIndex = caps_.queue_family;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;
    VkDeviceCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    ci.queueCreateInfoCount = 1;
    ci.pQueueCreateInfos = &queue;
    check(vkCreateDevice(caps_.physical, &ci, nullptr, &device_), "vkCreateDevice");
    vkGetDeviceQueue(device_, caps_.queue_family, 0, &queue_);
}

VulkanBackend::~VulkanBackend() {
    vkDeviceWaitIdle(device_);
    for (auto& [name, p] : pipelines_) {
        vkDestroyPipeline(device_, p.pipeline, nullptr);
        vkDestroyPipelineLayout(device_, p.layout, nullptr);
        vkDestroyDescriptorSetLayout(device_, p.set_layout, nullptr);
    }
    vkDestroyDevice(device_, nullptr);
}

std::string VulkanBackend::describe() const {
    return "Vulkan (" + caps_.info.name + ", " + caps_.info.type + ", device " + std::to_string(caps_.info.index) + ")";
}

std::unique_ptr<VkBuf> VulkanBackend::make_buffer(size_t bytes, bool host) {
    const VkDeviceSize size = (std::max<size_t>(bytes, 4) + 3) & ~VkDeviceSize{3};
    if (size > caps_.max_allocation) throw std::bad_alloc();
    VkBufferCreateInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bi.size = size;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkBuffer buffer;
    check(vkCreateBuffer(device_, &bi, nullptr, &buffer), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(device_, buffer, &req);
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.allocationSize = req.size;
    VkResult r = VK_ERROR_OUT_OF_DEVICE_MEMORY;
    try {
        // Tensors in device-local memory; staging and tables host-visible and coherent, cached if possible.
        ai.memoryTypeIndex = host ? find_memory_type(caps_.physical, req.memoryTypeBits,
                                                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                                     VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                                  : find_memory_type(caps_.physical, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
    } catch (...) {
        vkDestroyBuffer(device_, buffer, nullptr);
        throw;
    }
    VkDeviceMemory memory;
    r = vkAllocateMemory(device_, &ai, nullptr, &memory);
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(device_, buffer, nullptr);
        check(r, "vkAllocateMemory");
    }
    void* mapped = nullptr;
    r = vkBindBufferMemory(device_, buffer, memory, 0);
    if (r == VK_SUCCESS && host) r = vkMapMemory(device_, memory, 0, VK_WHOLE_SIZE, 0, &mapped);
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(device_, buffer, nullptr);
        vkFreeMemory(device_, memory, nullptr);
        check(r, "binding buffer memory");
    }
    return std::make_unique<VkBuf>(*this, bytes, buffer, memory, mapped);
}

std::unique_ptr<Buffer> VulkanBackend::alloc(size_t bytes) {
    {
        std::lock_guard<std::mutex> lock(memory_mutex_);
        const uint64_t limit = options_.memory_limit ? options_.memory_limit : caps_.info.memory_bytes;
        if (limit && allocated_ + bytes > limit) throw std::bad_alloc();
        allocated_ += bytes;
    }
    try {
        return make_buffer(bytes, false);
    } catch (...) {
        freed(bytes);
        throw;
    }
}

void VulkanBackend::freed(size_t bytes) {
    std::lock_guard<std::mutex> lock(memory_mutex_);
    allocated_ -= bytes;
}

std::unique_ptr<VkBuf> VulkanBackend::alloc_host(size_t bytes) { return make_buffer(bytes, true); }

const Pipeline& VulkanBackend::pipeline(const std::string& name, uint32_t n_bindings) {
    std::lock_guard<std::mutex> lock(pipelines_mutex_);
    auto it = pipelines_.find(name);
    if (it != pipelines_.end()) return it->second;
    const ShaderCode* code = nullptr;
    for (size_t i = 0; i < kShaderCount; i++)
        if (name == kShaders[i].name) code = &kShaders[i];
    if (!code) throw std::runtime_error("Vulkan: no shader named " + name);

    Pipeline p;
    p.n_bindings = n_bindings;
    std::vector<VkDescriptorSetLayoutBinding> bindings(n_bindings);
    for (uint32_t b = 0; b < n_bindings; b++) {
        bindings[b] = {};
        bindings[b].binding = b;
        bindings[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[b].descriptorCount = 1;
        bindings[b].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo dl{};
    dl.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    dl.bindingCount = n_bindings;
    dl.pBindings = bindings.data();
    check(vkCreateDescriptorSetLayout(device_, &dl, nullptr, &p.set_layout), "vkCreateDescriptorSetLayout");
    // What is made before a failure is destroyed again (a driver that cannot build a shader
    // leaves the backend usable for the other ops).
    auto fail = [&](VkResult r, const std::string& what) {
        if (p.layout) vkDestroyPipelineLayout(device_, p.layout, nullptr);
        vkDestroyDescriptorSetLayout(device_, p.set_layout, nullptr);
        check(r, what.c_str());
    };
    VkPushConstantRange range{};
    range.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    range.size = 128;  // the guaranteed minimum; every push struct fits (checked in vk_ops.cpp)
    VkPipelineLayoutCreateInfo pl{};
    pl.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &p.set_layout;
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &range;
    if (VkResult r = vkCreatePipelineLayout(device_, &pl, nullptr, &p.layout); r != VK_SUCCESS) {
        p.layout = VK_NULL_HANDLE;
        fail(r, "vkCreatePipelineLayout");
    }
    VkShaderModuleCreateInfo sm{};
    sm.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    sm.codeSize = code->n_words * 4;
    sm.pCode = code->words;
    VkShaderModule module;
    if (VkResult r = vkCreateShaderModule(device_, &sm, nullptr, &module); r != VK_SUCCESS) fail(r, "building shader " + name);
    VkComputePipelineCreateInfo cp{};
    cp.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    cp.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    cp.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    cp.stage.module = module;
    cp.stage.pName = "main";
    cp.layout = p.layout;
    const VkResult r = vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &cp, nullptr, &p.pipeline);
    vkDestroyShaderModule(device_, module, nullptr);
    if (r != VK_SUCCESS) fail(r, "building shader " + name);
    return pipelines_.emplace(name, p).first->second;
}

void VulkanBackend::submit_and_wait(VkCommandBuffer cmd, VkFence fence) {
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        check(vkQueueSubmit(queue_, 1, &si, fence), "vkQueueSubmit");
    }
    check(vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX), "waiting for the GPU");
    check(vkResetFences(device_, 1, &fence), "vkResetFences");
}

} // namespace ponder::vk

namespace ponder {

std::unique_ptr<Backend> make_vulkan_backend(int device, uint64_t memory_limit, std::string& error) {
    try {
        return std::make_unique<vk::VulkanBackend>(vk::VulkanOptions{device, memory_limit});
    } catch (const std::exception& e) {
        error = e.what();
        return nullptr;
    }
}

} // namespace ponder
