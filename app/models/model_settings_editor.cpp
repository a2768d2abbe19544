#include "models/model_settings_editor.h"

#include "ponder/devices.h"

#include "models/model_library.h"
#include "models/model_list_model.h"

namespace ponder::app {

ModelSettingsEditor::ModelSettingsEditor(QObject* parent) : QObject(parent) {}

void ModelSettingsEditor::setLibrary(ModelLibrary* library) {
    if (library == m_library) return;
    disconnect(m_storeConnection);
    disconnect(m_modelsConnection);
    m_library = library;
    if (library) {
        // Another editor (or the chat side) may change the same model's settings.
        m_storeConnection = connect(library->settingsStore(), &ModelSettingsStore::settingsChanged, this,
                                    [this](const QString& path) {
                                        if (path == m_path) emit valuesChanged();
                                    });
        // The trained context (the maximum) arrives with the metadata, after the editor exists.
        m_modelsConnection = connect(library->models(), &QAbstractItemModel::dataChanged, this, [this] {
            if (maxContextLength() == m_maxContext) return;
            m_maxContext = maxContextLength();
            emit valuesChanged();
        });
    }
    m_maxContext = maxContextLength();
    emit targetChanged();
    emit valuesChanged();
}

void ModelSettingsEditor::setModelPath(const QString& path) {
    if (path == m_path) return;
    m_path = path;
    m_maxContext = maxContextLength();
    emit targetChanged();
    emit valuesChanged();
}

ModelSettingsStore* ModelSettingsEditor::store() const { return m_library ? m_library->settingsStore() : nullptr; }

ModelSettings ModelSettingsEditor::current() const {
    ModelSettingsStore* s = store();
    return s ? s->settings(m_path) : ModelSettings{};
}

int ModelSettingsEditor::maxContextLength() const {
    const ModelInfo* info = m_library ? m_library->find(m_path) : nullptr;
    return info && info->metadata.trainedContext > 0 ? static_cast<int>(info->metadata.trainedContext) : 131072;
}

int ModelSettingsEditor::contextLength() const { return std::min(current().contextLength, maxContextLength()); }

int ModelSettingsEditor::maxThreads() const {
    ModelSettingsStore* s = store();
    return s ? s->maxThreads() : 1;
}

bool ModelSettingsEditor::isDefault() const {
    ModelSettingsStore* s = store();
    return !s || s->settings(m_path) == s->defaults(m_path);
}

template <typename F> void ModelSettingsEditor::update(F change) {
    ModelSettingsStore* s = store();
    if (!s || m_path.isEmpty()) return;
    ModelSettings v = s->settings(m_path);
    change(v);
    s->setSettings(m_path, v);  // emits settingsChanged -> valuesChanged
}

void ModelSettingsEditor::setContextLength(int v) {
    update([&](ModelSettings& s) { s.contextLength = std::min(v, maxContextLength()); });
}
void ModelSettingsEditor::setTemperature(double v) {
    update([&](ModelSettings& s) { s.temperature = v; });
}
void ModelSettingsEditor::setTopP(double v) {
    update([&](ModelSettings& s) { s.topP = v; });
}
void ModelSettingsEditor::setTopK(int v) {
    update([&](ModelSettings& s) { s.topK = v; });
}
void ModelSettingsEditor::setMinP(double v) {
    update([&](ModelSettings& s) { s.minP = v; });
}
void ModelSettingsEditor::setSystemPrompt(const QString& v) {
    update([&](ModelSettings& s) { s.systemPrompt = v; });
}
void ModelSettingsEditor::setThreads(int v) {
    update([&](ModelSettings& s) { s.threads = v; });
}

void ModelSettingsEditor::setDevice(const QString& v) {
    update([&](ModelSettings& s) { s.device = v; });
}

void ModelSettingsEditor::setGpuLayers(int v) {
    update([&](ModelSettings& s) { s.gpuLayers = v; });
}

void ModelSettingsEditor::setThinkBudget(int v) {
    update([&](ModelSettings& s) { s.thinkBudget = v; });
}

void ModelSettingsEditor::setLoopStop(bool v) {
    update([&](ModelSettings& s) { s.loopStop = v; });
}

QVariantList ModelSettingsEditor::deviceChoices() {
    QVariantList out;
    out.append(QVariantMap{{QStringLiteral("value"), QStringLiteral("auto")},
                           {QStringLiteral("text"), tr("Automatic: the best GPU that holds it, else the CPU")}});
    for (const ponder::ComputeDevice& d : ponder::list_devices().devices) {
        if (!d.unusable.empty()) continue;
        if (d.backend == "cpu") {
            out.append(QVariantMap{{QStringLiteral("value"), QStringLiteral("cpu")}, {QStringLiteral("text"), tr("CPU")}});
            continue;
        }
        // A software driver (lavapipe) is listed for what it is: slower than the CPU backend.
        const QString kind = d.type == "cpu" ? tr("Vulkan on the CPU, for testing")
                                             : tr("Vulkan, %1 GiB").arg(static_cast<double>(d.memory_bytes) / (1 << 30), 0, 'f', 1);
        out.append(QVariantMap{{QStringLiteral("value"), QStringLiteral("vulkan#%1").arg(d.index)},
                               {QStringLiteral("text"), tr("GPU %1: %2 (%3)").arg(d.index).arg(QString::fromStdString(d.name), kind)}});
    }
    return out;
}

void ModelSettingsEditor::resetToDefaults() {
    if (ModelSettingsStore* s = store(); s && !m_path.isEmpty()) s->reset(m_path);
}

} // namespace ponder::app
