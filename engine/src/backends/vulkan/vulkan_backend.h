// The Vulkan backend's entry points for the rest of the engine (internal, no Vulkan headers: this
// header is the same whether or not the backend is built in; without it the functions say so).
// So far the devices: what each Vulkan device is and can do (ponder-cli devices). The ops come
// with the backend itself.
#pragma once

#include "ponder/devices.h"

#include <string>
#include <vector>

namespace ponder {

// Every Vulkan device, usable or not; empty with `status` saying why when there is none (no
// loader, no driver, a build without the backend).
std::vector<ComputeDevice> vulkan_devices(std::string* status = nullptr);
// Whether this build has the Vulkan backend.
bool vulkan_built_in();

} // namespace ponder
