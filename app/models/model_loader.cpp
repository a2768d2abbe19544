#include "models/model_loader.h"

#include "models/device_placement.h"
#include "models/model_info.h"
#include "models/model_library.h"
#include "models/model_settings.h"
#include "ponder/devices.h"
#include "ponder/engine.h"

#include <QFile>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent>

namespace ponder::app {

namespace {

// Progress is reported in permille of the file read.
constexpr int kProgressMax = 1000;

void loadJob(QPromise<LoadOutcome>& promise, const ModelLoader::LoadFunction& loadFunction, const QString& path,
             ponder::ModelOptions options, const ModelSettings& settings, int contextLength, qint64 chunkBytes) {
    promise.setProgressRange(0, kProgressMax);
    LoadOutcome out;
    std::string error;
    const std::string modelFile = QFile::encodeName(path).toStdString();
    {  // "Runs on" and "GPU layers" into a devices spec (listing devices opens the Vulkan driver: not on the GUI thread)
        ponder::DeviceChoice choice;
        QString why;
        if (!resolveDevices(path, settings, contextLength, choice, why)) {
            out.error = why;
            promise.addResult(out);
            return;
        }
        options.devices = choice.devices;
        if (settings.device != QLatin1String("cpu")) out.choice = QString::fromStdString(choice.why);
    }
    // Weights copied into a GPU's memory report their progress, and Cancel stops the copy.
    std::atomic<bool> cancelled{false};
    bool uploaded = false;
    options.cancel = &cancelled;
    options.progress = [&](uint64_t done, uint64_t total) {
        uploaded = true;
        if (promise.isCanceled()) cancelled = true;
        if (total > 0) promise.setProgressValue(static_cast<int>(std::min<uint64_t>(done * kProgressMax / total, kProgressMax)));
    };
    out.devices = QString::fromStdString(options.devices);
    const std::shared_ptr<ponder::Model> model = loadFunction(modelFile, options, error);
    if (promise.isCanceled()) return;
    if (!model) {
        out.error = QString::fromStdString(error);
        promise.addResult(out);
        return;
    }
    if (uploaded && options.devices.find("cpu") == std::string::npos) {  // all on the GPU: nothing left to read
        out.model = model;
        out.backend = QString::fromStdString(ponder::model_backend_description(*model));
        promise.addResult(out);
        return;
    }
    promise.setProgressValue(0);
    // Warm the page cache: the engine computes from the mapping, so every page read now is one
    // the first reply does not wait for; and unlike model_load this phase can report progress.
    // A split set is read file after file.
    SplitSet set;
    const QStringList files = splitSetOf(path, set) ? set.paths : QStringList{path};
    qint64 total = 0, done = 0;
    for (const QString& f : files) total += QFileInfo(f).size();
    total = std::max<qint64>(total, 1);
    QByteArray buffer(static_cast<qsizetype>(chunkBytes), Qt::Uninitialized);
    for (const QString& f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) continue;
        while (!promise.isCanceled()) {
            const qint64 n = file.read(buffer.data(), chunkBytes);
            if (n <= 0) break;
            done += n;
            promise.setProgressValue(static_cast<int>(std::min<qint64>(done * kProgressMax / total, kProgressMax)));
        }
    }
    if (promise.isCanceled()) return;  // the model is released here, on the worker
    out.model = model;
    out.backend = QString::fromStdString(ponder::model_backend_description(*model));
    promise.addResult(out);
}

} // namespace

ModelLoader::ModelLoader(ModelLibrary* library, QObject* parent)
    : QObject(parent), m_library(library), m_loadFunction(&ponder::model_load) {
    qRegisterMetaType<std::shared_ptr<ponder::Model>>();
    m_pool.setMaxThreadCount(1);
    if (library)
        connect(library->settingsStore(), &ModelSettingsStore::settingsChanged, this, &ModelLoader::onSettingsChanged);
    connect(this, &ModelLoader::stateChanged, this, &ModelLoader::statusTextChanged);
    connect(this, &ModelLoader::activeModelChanged, this, &ModelLoader::statusTextChanged);
}

int ModelLoader::settingsContext(const QString& path) const {
    const ModelInfo* info = m_library ? m_library->find(path) : nullptr;
    if (!m_library || !info) return 0;
    return m_library->settingsStore()->settings(path).effectiveContext(info->metadata.trainedContext);
}

void ModelLoader::onSettingsChanged(const QString& path) {
    if (!m_model || path != m_activePath) return;
    const int ctx = settingsContext(path);
    if (ctx == m_contextLength) return;
    m_contextLength = ctx;
    emit activeModelChanged();
    emit modelReady(m_model, m_contextLength);
}

ModelLoader::~ModelLoader() {
    if (m_watcher) m_watcher->future().cancel();
    m_pool.waitForDone();
}

QString ModelLoader::statusText() const {
    switch (m_state) {
    case Loading: {
        const ModelInfo* info = m_library ? m_library->find(m_loadingPath) : nullptr;
        return tr("Loading %1…").arg(info ? info->name : QFileInfo(m_loadingPath).fileName());
    }
    case Error: return m_error;
    case Ready: return tr("%1 · %2 · %3-token context").arg(activeName(), m_backend).arg(m_contextLength);
    case None: break;
    }
    return tr("No model loaded");
}

QString ModelLoader::activeName() const {
    const ModelInfo* info = m_library ? m_library->find(m_activePath) : nullptr;
    return info ? info->name : QString();
}

void ModelLoader::load(const QString& path) {
    if (m_state == Loading && path == m_loadingPath) return;
    cancel();
    unload();
    const ModelInfo* info = m_library ? m_library->find(path) : nullptr;
    m_loadingPath = path;
    m_error.clear();
    m_failedOnGpu = false;
    // A file whose header already told what is wrong (split, truncated, not GGUF) is not
    // handed to the engine: its message would be vaguer ("tensor ... is missing").
    if (info && info->metadataRead && !info->metadata.ok()) {
        m_error = info->metadata.error;
        setState(Error);
        return;
    }
    ponder::ModelOptions options;
    // Always the count the model's settings show (their default already follows the engine's
    // rule for tiny models), so the header's "N threads" and the settings agree.
    // And the device the model's settings name ("cpu" or "vulkan#N").
    ModelSettings settings;
    settings.device = QStringLiteral("cpu");
    if (m_library) {
        settings = m_library->settingsStore()->settings(path);
        options.n_threads = settings.threads;
    }

    m_watcher = new QFutureWatcher<LoadOutcome>(this);
    QFutureWatcher<LoadOutcome>* watcher = m_watcher;
    connect(watcher, &QFutureWatcher<LoadOutcome>::progressValueChanged, this, [this, watcher](int value) {
        if (watcher == m_watcher) setProgress(static_cast<double>(value) / kProgressMax, true);
    });
    connect(watcher, &QFutureWatcher<LoadOutcome>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        if (watcher != m_watcher) return;  // cancelled or replaced meanwhile
        m_watcher = nullptr;
        if (watcher->future().resultCount() > 0) finished(path, watcher->future().result());
    });
    setProgress(0, false);
    setState(Loading);
    watcher->setFuture(QtConcurrent::run(&m_pool, loadJob, m_loadFunction, path, options, settings, settingsContext(path), m_chunkBytes));
}

void ModelLoader::finished(const QString& path, const LoadOutcome& outcome) {
    if (!outcome.model) {
        m_error = describeModelError(path, outcome.error);
        // On a GPU, whatever went wrong there (no memory, a driver fault), the CPU remains: one
        // click away (loadOnCpu).
        m_failedOnGpu = !outcome.devices.isEmpty() && outcome.devices != QLatin1String("cpu");
        if (m_library) m_library->setLoadError(path, m_error);
        setState(Error);
        return;
    }
    m_model = outcome.model;
    m_activePath = path;
    m_backend = outcome.backend;
    m_deviceChoice = outcome.choice;
    m_contextLength = settingsContext(path);
    if (m_library) {
        m_library->setLoadError(path, {});
        m_library->setLoadedPath(path);
    }
    setProgress(1, true);
    setState(Ready);
    emit activeModelChanged();
    emit modelReady(m_model, m_contextLength);
}

void ModelLoader::cancel() {
    if (!m_watcher) return;
    m_watcher->future().cancel();  // the worker stops at its next chunk; its result is dropped
    m_watcher = nullptr;           // deleted when it reports finished
    m_loadingPath.clear();
    setProgress(0, false);
    setState(None);
}

void ModelLoader::loadOnCpu(const QString& path) {
    if (m_library) {
        ModelSettings s = m_library->settingsStore()->settings(path);
        s.device = QStringLiteral("cpu");
        m_library->settingsStore()->setSettings(path, s);
    }
    load(path);
}

void ModelLoader::unload() {
    if (!m_model && m_activePath.isEmpty()) return;
    m_model.reset();
    m_activePath.clear();
    m_backend.clear();
    m_contextLength = 0;
    if (m_library) m_library->setLoadedPath({});
    if (m_state == Ready) setState(None);
    emit activeModelChanged();
    emit modelUnloaded();
}

void ModelLoader::setState(State s) {
    if (s != Loading && s != Error) m_loadingPath.clear();
    m_state = s;
    if (m_library) m_library->setLoadingPath(s == Loading ? m_loadingPath : QString());
    emit stateChanged();
}

void ModelLoader::setProgress(double value, bool known) {
    if (value == m_progress && known == m_progressKnown) return;
    m_progress = value;
    m_progressKnown = known;
    emit progressChanged();
}

} // namespace ponder::app
