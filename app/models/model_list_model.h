// The local models as a list for QML: one row per model file with what the Models page shows
// (name, architecture, size, quantization, memory needed against what the machine has, errors).
// Changed only on the GUI thread, by ModelLibrary. data() blocks only to place a model on this
// machine's devices, which reads its header once per change of its settings (milliseconds).
#pragma once

#include "models/memory_estimate.h"
#include "models/model_info.h"
#include "ponder/devices.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ModelSettingsStore;

class ModelListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ModelLibrary.models provides it")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        PathRole,
        ArchitectureRole,
        ParameterCountRole,   // text: "7.6B"
        QuantizationRole,     // "Q4_K_M"
        FileSizeRole,         // bytes (qint64)
        ContextLengthRole,    // trained context, tokens
        ChosenContextRole,    // the context the settings ask for, capped by the trained one
        MemoryNeededRole,     // bytes of RAM: weights + F16 KV cache at the chosen context, less what goes to a GPU
        MemoryAvailableRole,  // bytes available now (MemAvailable)
        MemoryTotalRole,      // bytes of RAM (MemTotal)
        FitsRole,             // bool: needed <= available
        MemoryFitRole,        // MemoryFitLevel
        SourceRole,           // "bundled", "added", "downloaded", "Ollama", "LM Studio", "Hugging Face"
        ErrorRole,            // why the file cannot be used; empty when fine
        IsLoadedRole,         // the active model
        ReadingRole,          // metadata still being read
        RemovableRole,        // can be removed from the list (not bundled, not another tool's)
        CanLoadRole,          // header read and nothing wrong with it (a failed load may be retried)
        IsLoadingRole,        // ModelLoader is loading this one now
        // The card's badge: "Active" only while the chat answers with this model, "Loaded" while
        // it is loaded but the chat uses a remote provider, else where the file came from.
        BadgeRole,
        InUseRole,            // bool: loaded and the chat answers with it
        FileCountRole,        // files of the model: N for a split set, else 1
        // Whether the card shows where the model would go (ModelPlanner): for the full R1
        // architecture (deepseek2), and for any model too big for this machine's memory.
        ShowPlanRole,
        // Where its settings ("Runs on", "GPU layers") put it on this machine (ponder/devices.h):
        GpuNameRole,          // the GPU that holds part or all of it; empty: the CPU alone
        GpuMemoryRole,        // that GPU's memory, bytes
        GpuNeededRole,        // bytes of weights and KV cache on it
        GpuLayersRole,        // layers on it, of LayerCountRole
        LayerCountRole,
        GpuFitsRole,          // false: a fixed layer count needs more than the GPU has
        PlacementRole,        // one line: what goes where, and why
    };
    Q_ENUM(Role)
    enum MemoryFitLevel { Fits, Tight, TooBig };  // mirrors MemoryFit, for QML
    Q_ENUM(MemoryFitLevel)

    explicit ModelListModel(const ModelSettingsStore* settings, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_models.size()); }

    // Mutations (GUI thread; ModelLibrary is the only caller).
    int indexOf(const QString& path) const;  // -1 when absent
    const ModelInfo* find(const QString& path) const;
    const QList<ModelInfo>& models() const { return m_models; }
    void append(const ModelInfo& info);
    void replace(const ModelInfo& info);     // by path; no-op when absent
    void remove(const QString& path);
    void setLoadedPath(const QString& path);
    void setLoadingPath(const QString& path);
    void setSystemMemory(const SystemMemory& memory);
    // Whether the chat answers with the local model (false while a remote provider is chosen).
    void setLocalModelInUse(bool inUse);
    QString loadedPath() const { return m_loadedPath; }

    // Memory needed by a row's model at its chosen context (also what the roles show).
    quint64 memoryNeeded(const ModelInfo& info) const;
    int chosenContext(const ModelInfo& info) const;
    bool showPlan(const ModelInfo& info) const;

signals:
    void countChanged();

private:
    void emitRowChanged(int row, const QList<int>& roles = {});
    // The row's placement, computed when its settings or file changed since the last call; null
    // when it cannot be worked out (the header is unreadable).
    const ponder::DeviceChoice* placement(const ModelInfo& info) const;
    struct CachedPlacement {
        QString key;
        bool ok = false;
        ponder::DeviceChoice choice;
    };
    mutable QHash<QString, CachedPlacement> m_placements;
    void moveMarker(QString& marker, const QString& path, int role);
    const ModelSettingsStore* m_settings;
    QList<ModelInfo> m_models;
    SystemMemory m_memory;
    QString m_loadedPath;
    QString m_loadingPath;
    bool m_localInUse = true;
};

} // namespace ponder::app
