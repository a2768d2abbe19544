// The local models as a list for QML: one row per model file with what the Models page shows
// (name, architecture, size, quantization, memory needed against what the machine has, errors).
// Changed only on the GUI thread, by ModelLibrary; data() never blocks.
#pragma once

#include "models/memory_estimate.h"
#include "models/model_info.h"

#include <QAbstractListModel>
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
        MemoryNeededRole,     // bytes: weights + F16 KV cache at the chosen context
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
    void moveMarker(QString& marker, const QString& path, int role);
    const ModelSettingsStore* m_settings;
    QList<ModelInfo> m_models;
    SystemMemory m_memory;
    QString m_loadedPath;
    QString m_loadingPath;
    bool m_localInUse = true;
};

} // namespace ponder::app
