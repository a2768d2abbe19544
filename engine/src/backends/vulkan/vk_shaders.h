// The embedded SPIR-V of every shader variant (generated from shaders/ by engine/shaders.cmake).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ponder::vk {

struct ShaderCode {
    const char* name;  // e.g. "matmul_q4_k"
    const uint32_t* words;
    size_t n_words;
};
extern const ShaderCode kShaders[];
extern const size_t kShaderCount;

} // namespace ponder::vk
