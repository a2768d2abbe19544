// Edits one model's settings from QML: bind controls to the properties, every change is
// clamped to its valid range and saved at once. Create one per settings form:
//   ModelSettingsEditor { library: page.library; modelPath: card.path }
#pragma once

#include "models/model_library.h"
#include "models/model_settings.h"

#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ModelSettingsEditor : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ponder::app::ModelLibrary* library READ library WRITE setLibrary NOTIFY targetChanged)
    Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY targetChanged)
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY valuesChanged)
    Q_PROPERTY(int maxContextLength READ maxContextLength NOTIFY valuesChanged)  // the trained context
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY valuesChanged)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY valuesChanged)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY valuesChanged)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY valuesChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY valuesChanged)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY valuesChanged)
    Q_PROPERTY(int maxThreads READ maxThreads NOTIFY targetChanged)
    Q_PROPERTY(QString device READ device WRITE setDevice NOTIFY valuesChanged)  // "auto", "cpu", "vulkan#N"
    Q_PROPERTY(int gpuLayers READ gpuLayers WRITE setGpuLayers NOTIFY valuesChanged)  // -1: as many as fit
    // Where a model can run: [{value: "cpu", text: "CPU"}, {value: "vulkan#0", text: "GPU 0: ..."}]
    Q_PROPERTY(QVariantList deviceChoices READ deviceChoices CONSTANT)
    // Tokens of thought before Ponder ends it and the model answers; -1: no budget.
    Q_PROPERTY(int thinkBudget READ thinkBudget WRITE setThinkBudget NOTIFY valuesChanged)
    Q_PROPERTY(bool loopStop READ loopStop WRITE setLoopStop NOTIFY valuesChanged)  // a loop ends the thought
    Q_PROPERTY(bool isDefault READ isDefault NOTIFY valuesChanged)  // nothing customised
public:
    explicit ModelSettingsEditor(QObject* parent = nullptr);

    ModelLibrary* library() const { return m_library; }
    void setLibrary(ModelLibrary* library);
    QString modelPath() const { return m_path; }
    void setModelPath(const QString& path);

    int contextLength() const;
    int maxContextLength() const;
    double temperature() const { return current().temperature; }
    double topP() const { return current().topP; }
    int topK() const { return current().topK; }
    double minP() const { return current().minP; }
    QString systemPrompt() const { return current().systemPrompt; }
    int threads() const { return current().threads; }
    int maxThreads() const;
    QString device() const { return current().device; }
    int gpuLayers() const { return current().gpuLayers; }
    static QVariantList deviceChoices();
    int thinkBudget() const { return current().thinkBudget; }
    bool loopStop() const { return current().loopStop; }
    bool isDefault() const;

    void setContextLength(int v);
    void setTemperature(double v);
    void setTopP(double v);
    void setTopK(int v);
    void setMinP(double v);
    void setSystemPrompt(const QString& v);
    void setThreads(int v);
    void setDevice(const QString& v);
    void setGpuLayers(int v);
    void setThinkBudget(int v);
    void setLoopStop(bool v);
    Q_INVOKABLE void resetToDefaults();

signals:
    void targetChanged();
    void valuesChanged();

private:
    ModelSettingsStore* store() const;
    ModelSettings current() const;
    template <typename F> void update(F change);

    QPointer<ModelLibrary> m_library;
    QString m_path;
    QMetaObject::Connection m_storeConnection;
    QMetaObject::Connection m_modelsConnection;
    int m_maxContext = 0;  // to notice when the metadata brings the trained context
};

} // namespace ponder::app
