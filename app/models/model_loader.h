// Loads one model at a time, off the GUI thread, and holds the active one.
//
// For the chat side (the whole interface):
//   - modelReady(model, contextLength): a model is loaded and active, to be used with a KV
//     session of contextLength tokens (the model's setting, capped by its trained context). It
//     fits EngineWorker::setModel directly (queued across threads). Emitted again, with the same
//     model, when the user changes the active model's context length: rebuild the session.
//   - modelUnloaded(): drop every reference, so the memory is freed;
//   - model() / activePath() / activeName() / contextLength() give the active one at any time;
//   - its sampling and system prompt: library->settingsStore()->settings(activePath()).
//
// A load has two phases: the engine's model_load (validates the header and tensors, checks
// the memory, maps the file; no progress callback, shown as indeterminate), then reading the
// file once in chunks so its pages are in the page cache (measured progress 0..1; otherwise
// the first reply would stall on disk reads instead). Cancel works in either phase; a
// cancelled load never becomes active. Loading another model unloads the current one first, so
// two models never compete for memory.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>
#include <string>

namespace ponder {
struct Model;
struct ModelOptions;
} // namespace ponder

namespace ponder::app {

class ModelLibrary;

struct LoadOutcome {
    std::shared_ptr<ponder::Model> model;
    QString error;    // the engine's message; empty on success
    QString backend;  // "CPU (avx2, 2 threads)"
    QString devices;  // the ModelOptions::devices it was loaded with (or failed on)
    QString choice;   // why, when Ponder chose the device ("auto")
};

class ModelLoader : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created in main.cpp")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)        // 0..1 while reading
    Q_PROPERTY(bool progressKnown READ progressKnown NOTIFY progressChanged) // false: indeterminate
    Q_PROPERTY(QString loadingPath READ loadingPath NOTIFY stateChanged)
    Q_PROPERTY(QString activePath READ activePath NOTIFY activeModelChanged)
    Q_PROPERTY(QString activeName READ activeName NOTIFY activeModelChanged)
    Q_PROPERTY(QString backendText READ backendText NOTIFY activeModelChanged)  // "CPU (avx2, 4 threads)"
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)
    Q_PROPERTY(int contextLength READ contextLength NOTIFY activeModelChanged)
    // Why the model runs where it does, when Ponder chose ("Vulkan #0 (…): the whole model, …").
    Q_PROPERTY(QString deviceChoice READ deviceChoice NOTIFY activeModelChanged)
    // The last load failed on a GPU: loadOnCpu() offers the CPU in one click.
    Q_PROPERTY(bool failedOnGpu READ failedOnGpu NOTIFY stateChanged)
    // One line for a header: "DeepSeek-R1-Distill-Qwen-7B · CPU (avx2, 8 threads) · 8192-token
    // context", "Loading <name>…", the error, or "No model loaded".
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
public:
    enum State { None, Loading, Ready, Error };
    Q_ENUM(State)

    // Stands in for ponder::model_load (tests use a slow or failing one).
    using LoadFunction =
        std::function<std::shared_ptr<ponder::Model>(const std::string& path, const ponder::ModelOptions&, std::string& error)>;

    // `library` gives names, settings (threads) and receives load errors; it must outlive this.
    explicit ModelLoader(ModelLibrary* library, QObject* parent = nullptr);
    ~ModelLoader() override;  // cancels and waits for a running load

    State state() const { return m_state; }
    double progress() const { return m_progress; }
    bool progressKnown() const { return m_progressKnown; }
    QString loadingPath() const { return m_loadingPath; }
    QString activePath() const { return m_activePath; }
    QString activeName() const;
    QString backendText() const { return m_backend; }
    QString errorText() const { return m_error; }
    std::shared_ptr<ponder::Model> model() const { return m_model; }
    int contextLength() const { return m_contextLength; }
    QString deviceChoice() const { return m_deviceChoice; }
    bool failedOnGpu() const { return m_state == Error && m_failedOnGpu; }
    QString statusText() const;

    Q_INVOKABLE void load(const QString& path);
    Q_INVOKABLE void unload();
    Q_INVOKABLE void cancel();
    // Sets the model to run on the CPU (its settings' "Runs on") and loads it.
    Q_INVOKABLE void loadOnCpu(const QString& path);

    void setLoadFunction(LoadFunction f) { m_loadFunction = std::move(f); }
    void setReadChunkBytes(qint64 bytes) { m_chunkBytes = bytes; }

signals:
    void stateChanged();
    void progressChanged();
    void activeModelChanged();
    void statusTextChanged();
    void modelReady(std::shared_ptr<ponder::Model> model, int contextLength);
    void modelUnloaded();

private:
    void finished(const QString& path, const LoadOutcome& outcome);
    void setState(State s);
    void setProgress(double value, bool known);
    int settingsContext(const QString& path) const;
    void onSettingsChanged(const QString& path);

    QPointer<ModelLibrary> m_library;
    LoadFunction m_loadFunction;
    qint64 m_chunkBytes = 8 << 20;
    State m_state = None;
    double m_progress = 0;
    bool m_progressKnown = false;
    QString m_loadingPath, m_activePath, m_backend, m_error, m_deviceChoice;
    bool m_failedOnGpu = false;
    int m_contextLength = 0;
    std::shared_ptr<ponder::Model> m_model;
    QFutureWatcher<LoadOutcome>* m_watcher = nullptr;  // the running load, if any
    // One load at a time: a cancelled one finishes (quickly) before the next starts, so two
    // models are never mapped and read at once. Declared last: destroyed (and waited) first.
    QThreadPool m_pool;
};

} // namespace ponder::app
