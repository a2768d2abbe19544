// Backends by kind (internal): the one place a placement's devices become backends. "cpu" is
// always here; the Vulkan and CUDA backends register their kinds when they are built in. Tests
// register their own (e.g. a CPU backend that runs out of memory on demand).
#pragma once

#include "backend.h"
#include "placement.h"
#include "ponder/engine.h"

#include <functional>
#include <memory>
#include <string>

namespace ponder {

struct BackendRequest {
    const DeviceSpec& device;
    const ModelOptions& options;
    uint64_t model_file_bytes = 0;
};
using BackendFactory = std::function<std::unique_ptr<Backend>(const BackendRequest&, std::string& error)>;

// Adds (or replaces) the factory of a kind.
void register_backend_kind(const std::string& kind, BackendFactory factory);
// A backend for the device, or null + error ("backend 'x' is not available in this build").
std::unique_ptr<Backend> create_backend(const BackendRequest& request, std::string& error);
// The kinds this build has, e.g. "cpu".
std::string backend_kinds();

} // namespace ponder
