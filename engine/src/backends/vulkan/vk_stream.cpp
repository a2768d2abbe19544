// Command buffers, descriptors, staging and transfers of a Vulkan stream. See vk_stream.h.
#include "vk_stream.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ponder::vk {

namespace {

constexpr uint32_t kSetsPerPool = 512;
constexpr uint32_t kCachedSets = 4096;  // a generated token of a 64-layer model binds ~1,000
constexpr uint32_t kMaxBindings = 4;
constexpr size_t kStagingBytes = 8u << 20;  // transfers go through this much host memory at a time
constexpr size_t kArenaBytes = 4u << 20;
// Uploads up to this size (a token id, a batch's positions) are copied into the arena and queued
// with the ops, so a generated token waits once, for its logits.
constexpr size_t kQueuedUploadBytes = 64u << 10;

VkBuffer handle_of(const Buffer* b) { return static_cast<const VkBuf*>(b)->handle(); }

VkDescriptorPool make_pool(VkDevice device, uint32_t sets) {
    VkDescriptorPoolSize size{};
    size.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    size.descriptorCount = sets * kMaxBindings;
    VkDescriptorPoolCreateInfo dp{};
    dp.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    dp.maxSets = sets;
    dp.poolSizeCount = 1;
    dp.pPoolSizes = &size;
    VkDescriptorPool pool;
    check(vkCreateDescriptorPool(device, &dp, nullptr, &pool), "vkCreateDescriptorPool");
    return pool;
}

} // namespace

size_t SetKeyHash::operator()(const SetKey& k) const {
    size_t h = std::hash<const void*>()(reinterpret_cast<const void*>(k.layout));
    auto mix = [&h](uint64_t v) { h ^= std::hash<uint64_t>()(v) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    for (VkBuffer b : k.buffers) mix(reinterpret_cast<uint64_t>(b));
    for (VkDeviceSize r : k.ranges) mix(r);
    return h;
}

VulkanStream::VulkanStream(VulkanBackend& backend) : backend_(backend), device_(backend.device()) {
    VkCommandPoolCreateInfo cp{};
    cp.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    cp.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cp.queueFamilyIndex = backend.caps().queue_family;
    check(vkCreateCommandPool(device_, &cp, nullptr, &command_pool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ca{};
    ca.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ca.commandPool = command_pool_;
    ca.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ca.commandBufferCount = 1;
    check(vkAllocateCommandBuffers(device_, &ca, &cmd_), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fi{};
    fi.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    try {
        check(vkCreateFence(device_, &fi, nullptr, &fence_), "vkCreateFence");
        staging_ = backend.alloc_host(kStagingBytes);
        arena_ = backend.alloc_host(kArenaBytes);
        cache_pool_ = make_pool(device_, kCachedSets);
        cache_epoch_ = backend.buffers_destroyed();
    } catch (...) {
        release();
        throw;
    }
}

// Work recorded but never submitted is dropped, not run: a forward pass that failed half way
// may have recorded ops on buffers its session has freed since. Everything submitted has
// been waited for, so nothing is in flight.
VulkanStream::~VulkanStream() { release(); }

void VulkanStream::release() {
    attention_scratch_.reset();
    arena_.reset();
    staging_.reset();
    for (VkDescriptorPool pool : descriptor_pools_) vkDestroyDescriptorPool(device_, pool, nullptr);
    if (cache_pool_) vkDestroyDescriptorPool(device_, cache_pool_, nullptr);
    if (fence_) vkDestroyFence(device_, fence_, nullptr);
    vkDestroyCommandPool(device_, command_pool_, nullptr);  // frees the command buffer too
}

void VulkanStream::begin() {
    if (recording_) return;
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
    recording_ = true;
}

void VulkanStream::barrier() {
    // One global barrier between ops: every earlier shader write or transfer is visible to every
    // later shader access or transfer. (Finer barriers can come with overlapping ops.)
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                       VK_ACCESS_TRANSFER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr, 0,
                         nullptr);
}

void VulkanStream::submit_and_wait() {
    if (recording_) {
        recording_ = false;
        // A final barrier makes device writes visible to the host reading mapped memory.
        VkMemoryBarrier mb{};
        mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
        mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
        mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
        check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
        backend_.submit_and_wait(cmd_, fence_);
        counters_.submits++;
        check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
    }
    for (VkDescriptorPool pool : descriptor_pools_) check(vkResetDescriptorPool(device_, pool, 0), "vkResetDescriptorPool");
    if (cache_stale_) {  // nothing in flight uses the cached sets any more
        check(vkResetDescriptorPool(device_, cache_pool_, 0), "vkResetDescriptorPool");
        cached_sets_.clear();
        cache_stale_ = false;
    }
    cache_epoch_ = cached_sets_.empty() ? backend_.buffers_destroyed() : cache_epoch_;
    pool_in_use_ = 0;
    sets_left_ = descriptor_pools_.empty() ? 0 : kSetsPerPool;
    arena_used_ = 0;
    rope_table_ = SIZE_MAX;
}

void VulkanStream::synchronize() { submit_and_wait(); }

Bound VulkanStream::bind(const Tensor& t) const {
    const DeviceCaps& caps = backend_.caps();
    const VkDeviceSize align = caps.min_storage_align;
    Bound b;
    b.buffer = handle_of(t.buffer);
    const VkDeviceSize size = (std::max<size_t>(t.buffer->size(), 4) + 3) & ~VkDeviceSize{3};
    // The whole buffer when the device can bind it, the tensor's place passed to the shader: every
    // view of a buffer (the KV cache row of each new token) then shares one cached descriptor set.
    if (size <= caps.max_storage_range && t.offset + t.extent_bytes() <= UINT32_MAX) {
        b.offset = 0;
        b.range = size;
        b.at_b = static_cast<uint32_t>(t.offset);
        return b;
    }
    b.offset = t.offset / align * align;
    b.range = std::min<VkDeviceSize>(size - b.offset, caps.max_storage_range);
    b.at_b = static_cast<uint32_t>(t.offset - b.offset);
    if (b.at_b + t.extent_bytes() > b.range)
        throw std::runtime_error("Vulkan: a tensor of " + std::to_string(t.extent_bytes()) +
                                 " bytes is larger than the device can bind at once (" +
                                 std::to_string(caps.max_storage_range) + " bytes)");
    return b;
}

Bound VulkanStream::bind_host(size_t offset, size_t bytes) const {
    const VkDeviceSize align = backend_.caps().min_storage_align;
    Bound b;
    b.buffer = arena_->handle();
    b.offset = offset / align * align;
    b.range = offset - b.offset + bytes;
    b.at_b = static_cast<uint32_t>(offset - b.offset);
    return b;
}

size_t VulkanStream::arena_alloc(size_t bytes) {
    bytes = (bytes + 255) & ~size_t{255};
    if (arena_used_ + bytes > arena_->size()) {
        submit_and_wait();  // the tables recorded so far are used up; the arena starts over
        if (bytes > arena_->size()) arena_ = backend_.alloc_host(std::max(bytes, 2 * arena_->size()));
    }
    const size_t at = arena_used_;
    arena_used_ += bytes;
    return at;
}

void VulkanStream::dispatch(const std::string& shader, std::initializer_list<Bound> bindings, const void* push,
                            uint32_t push_bytes, uint32_t gx, uint32_t gy, uint32_t gz) {
    if (gx == 0 || gy == 0 || gz == 0) return;
    const Pipeline& p = backend_.pipeline(shader, static_cast<uint32_t>(bindings.size()));
    const uint32_t* max = backend_.caps().max_groups;
    if (gx > max[0] || gy > max[1] || gz > max[2])
        throw std::runtime_error("Vulkan: " + shader + " needs more workgroups than the device allows");
    begin();
    const VkDescriptorSet set = descriptor_set(p.set_layout, bindings);
    counters_.dispatches++;
    vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
    vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &set, 0, nullptr);
    vkCmdPushConstants(cmd_, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
    vkCmdDispatch(cmd_, gx, gy, gz);
    barrier();
}

VkDescriptorSet VulkanStream::descriptor_set(VkDescriptorSetLayout layout, std::initializer_list<Bound> bindings) {
    if (!cache_stale_ && backend_.buffers_destroyed() != cache_epoch_) cache_stale_ = true;
    SetKey key;
    key.layout = layout;
    size_t i = 0;
    for (const Bound& b : bindings) {
        key.buffers[i] = b.buffer;
        key.ranges[2 * i] = b.offset;
        key.ranges[2 * i + 1] = b.range;
        i++;
    }
    if (!cache_stale_) {
        auto it = cached_sets_.find(key);
        if (it != cached_sets_.end()) return it->second;
    }
    VkDescriptorSet set;
    if (cache_stale_ || cached_sets_.size() >= kCachedSets) {
        cache_stale_ = true;  // full: start over at the next submit
        set = allocate_set(layout);
    } else {
        VkDescriptorSetAllocateInfo ai{};
        ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
        ai.descriptorPool = cache_pool_;
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &layout;
        check(vkAllocateDescriptorSets(device_, &ai, &set), "vkAllocateDescriptorSets");
        cached_sets_.emplace(key, set);
    }
    write_set(set, bindings);
    return set;
}

void VulkanStream::write_set(VkDescriptorSet set, std::initializer_list<Bound> bindings) {
    VkDescriptorBufferInfo infos[kMaxBindings];
    VkWriteDescriptorSet writes[kMaxBindings];
    uint32_t n = 0;
    for (const Bound& b : bindings) {
        infos[n] = {b.buffer, b.offset, b.range};
        writes[n] = {};
        writes[n].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[n].dstSet = set;
        writes[n].dstBinding = n;
        writes[n].descriptorCount = 1;
        writes[n].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[n].pBufferInfo = &infos[n];
        n++;
    }
    vkUpdateDescriptorSets(device_, n, writes, 0, nullptr);
    counters_.descriptor_writes++;
}

VkDescriptorSet VulkanStream::allocate_set(VkDescriptorSetLayout layout) {
    if (sets_left_ == 0) {
        if (!descriptor_pools_.empty()) pool_in_use_++;
        if (pool_in_use_ == descriptor_pools_.size()) descriptor_pools_.push_back(make_pool(device_, kSetsPerPool));
        sets_left_ = kSetsPerPool;
    }
    VkDescriptorSetAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    ai.descriptorPool = descriptor_pools_[pool_in_use_];
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &layout;
    VkDescriptorSet set;
    check(vkAllocateDescriptorSets(device_, &ai, &set), "vkAllocateDescriptorSets");
    sets_left_--;
    return set;
}

void VulkanStream::copy_region(VkBuffer src, VkDeviceSize src_off, VkBuffer dst, VkDeviceSize dst_off, VkDeviceSize bytes) {
    begin();
    VkBufferCopy region{src_off, dst_off, bytes};
    vkCmdCopyBuffer(cmd_, src, dst, 1, &region);
    barrier();
}

void VulkanStream::upload(const Tensor& dst, const void* src, size_t bytes, size_t at) {
    const uint8_t* from = static_cast<const uint8_t*>(src);
    if (bytes > 0 && bytes <= kQueuedUploadBytes) {
        // `src` is copied now, so the caller may reuse it at once; the arena holds it until the
        // next submit has run the copy.
        const size_t off = arena_alloc(bytes);
        std::memcpy(static_cast<uint8_t*>(arena_->mapped()) + off, from, bytes);
        copy_region(arena_->handle(), off, handle_of(dst.buffer), dst.offset + at, bytes);
        return;
    }
    for (size_t done = 0; done < bytes;) {
        const size_t n = std::min(bytes - done, staging_->size());
        // The staging buffer is free: every earlier transfer through it has been waited for.
        std::memcpy(staging_->mapped(), from + done, n);
        copy_region(staging_->handle(), 0, handle_of(dst.buffer), dst.offset + at + done, n);
        submit_and_wait();  // `src` may be reused once this returns, and staging is free again
        done += n;
    }
}

void VulkanStream::download(const Tensor& src, void* dst) {
    const size_t bytes = src.extent_bytes();
    uint8_t* to = static_cast<uint8_t*>(dst);
    for (size_t done = 0; done < bytes;) {
        const size_t n = std::min(bytes - done, staging_->size());
        copy_region(handle_of(src.buffer), src.offset + done, staging_->handle(), 0, n);
        submit_and_wait();
        std::memcpy(to + done, staging_->mapped(), n);
        done += n;
    }
    if (bytes == 0) submit_and_wait();
}

const std::vector<float>& VulkanStream::host_copy_of(const Tensor& t) {
    // Model constants only (Llama 3.1's rope divisors): read back once per stream.
    auto key = std::make_pair(static_cast<const Buffer*>(t.buffer), t.offset);
    auto it = host_copies_.find(key);
    if (it != host_copies_.end()) return it->second;
    std::vector<float> v(static_cast<size_t>(t.n_elements()));
    download(t, v.data());
    return host_copies_.emplace(key, std::move(v)).first->second;
}

std::unique_ptr<Stream> VulkanBackend::create_stream() { return std::make_unique<VulkanStream>(*this); }

} // namespace ponder::vk

namespace ponder {

bool vulkan_stream_counters(const Stream& stream, VulkanStreamCounters& counters) {
    const auto* vs = dynamic_cast<const vk::VulkanStream*>(&stream);
    if (!vs) return false;
    counters = vs->counters();
    return true;
}

} // namespace ponder
