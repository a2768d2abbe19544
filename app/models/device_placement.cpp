#include "models/device_placement.h"

#include "models/model_settings.h"

#include <QFile>
#include <QRegularExpression>

namespace ponder::app {

const std::vector<ponder::ComputeDevice>& machineDevices() {
    static const std::vector<ponder::ComputeDevice> devices = ponder::list_devices().devices;
    return devices;
}

bool resolveDevices(const QString& modelPath, const ModelSettings& settings, int context, ponder::DeviceChoice& out,
                    QString& error) {
    const std::string path = QFile::encodeName(modelPath).toStdString();
    std::string err;
    bool ok = true;
    out = ponder::DeviceChoice{};
    static const QRegularExpression vulkan(QStringLiteral("^vulkan#([0-9]+)$"));
    const QRegularExpressionMatch m = vulkan.match(settings.device);
    const ponder::ComputeDevice* gpu = nullptr;
    if (m.hasMatch())
        for (const ponder::ComputeDevice& d : machineDevices())
            if (d.backend == "vulkan" && d.index == m.captured(1).toInt() && d.unusable.empty()) gpu = &d;
    if (settings.device == QLatin1String("auto")) {
        ok = ponder::choose_devices(path, machineDevices(), context, ponder::TensorType::F16, out, err);
    } else if (gpu && settings.gpuLayers >= 0) {
        ok = ponder::layers_on_gpu(path, *gpu, settings.gpuLayers, context, ponder::TensorType::F16, out, err);
    } else if (gpu) {
        ok = ponder::fit_on_gpu(path, *gpu, context, ponder::TensorType::F16, out, err);
    } else {
        out.devices = settings.device.toStdString();  // "cpu", or a GPU the engine will refuse, saying why
    }
    if (!ok) error = QString::fromStdString(err);
    return ok;
}

} // namespace ponder::app
