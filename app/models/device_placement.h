// Where a local model runs for its settings ("Runs on" and "GPU layers") at a context: the
// engine's choice (ponder/devices.h), shared by the loader and the models page's memory bar.
#pragma once

#include "ponder/devices.h"

#include <QString>
#include <vector>

namespace ponder::app {

struct ModelSettings;

// This machine's devices, listed once per process (opening the Vulkan driver takes a moment).
const std::vector<ponder::ComputeDevice>& machineDevices();

// The devices spec for `settings`, with how much goes to the GPU and why. False + error only
// when the file cannot be read; a GPU the machine does not have gives its spec ("vulkan#9"), for
// the engine to refuse with its reason.
bool resolveDevices(const QString& modelPath, const ModelSettings& settings, int context, ponder::DeviceChoice& out,
                    QString& error);

} // namespace ponder::app
