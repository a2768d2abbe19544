// The local model library: every model file Ponder can offer (bundled demo, files the user
// added, downloads, and models other tools downloaded), with their GGUF metadata.
//
// Slow work runs off the GUI thread: folder scans, discovery and header reads go to a small
// thread pool; results come back through QFutureWatcher and change the list model here, on the
// GUI thread. Added and downloaded models are remembered through a LibraryStore.
#pragma once

#include "models/discovery.h"
#include "models/model_info.h"
#include "models/model_list_model.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class LibraryStore;
class ModelSettingsStore;

class ModelLibrary : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created in main.cpp")
    Q_PROPERTY(ponder::app::ModelListModel* models READ models CONSTANT)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)  // scanning or reading metadata
    // The latest note for the user ("Found 2 models in ~/Models", "notes.txt is not a .gguf
    // file"); the page shows it until the next one.
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
public:
    // `store` and `settings` are the caller's and must outlive the library.
    ModelLibrary(LibraryStore* store, ModelSettingsStore* settings, QObject* parent = nullptr);
    ~ModelLibrary() override;

    ModelListModel* models() const { return m_models; }
    ModelSettingsStore* settingsStore() const { return m_settings; }
    bool busy() const { return m_pending > 0; }
    QString message() const { return m_message; }

    // Start-up: the stored models, the bundled demo (first in the list), everything in the
    // downloads folder, and other tools' models. Each returns at once; metadata follows.
    void restore();
    void addBundled(const QString& path);
    void scanDownloads(const QString& modelsDir);
    // `announce`: say what was found, also when nothing was (the user asked); quiet at start-up.
    void discover(const DiscoveryRoots& roots, bool announce = true);

    // From the page: files picked in the dialog or dropped (file: URLs), a folder to scan,
    // a new look at the other tools' folders, removing an entry (never deletes a file: a split
    // set's entry goes as a whole, and all its files stay on disk).
    Q_INVOKABLE void addUrls(const QList<QUrl>& urls);
    Q_INVOKABLE void scanFolderUrl(const QUrl& folder);
    Q_INVOKABLE void discoverOtherTools(bool announce = true);
    Q_INVOKABLE void remove(const QString& path);

    // Adds one model (no-op for one already listed, compared through symlinks). Any file of a
    // split set adds the whole set, listed once at its first file's path. `sha256`: a verified
    // digest (downloads). Returns false when the path is not a .gguf file.
    bool addFile(const QString& path, ModelSource source, const QString& name = {}, const QString& sha256 = {});

    // The model to load at start: the most recently used one that still looks usable, else the
    // bundled demo (so the first message works offline); empty when there is neither.
    Q_INVOKABLE QString preferredModelPath() const;

    // For ModelLoader: the model's entry, its last load error, and which one is active.
    const ModelInfo* find(const QString& path) const;
    void setLoadError(const QString& path, const QString& error);
    void setLoadedPath(const QString& path);  // empty: none; also records "last used"
    void setLoadingPath(const QString& path); // empty: none

    // How often the memory figures are refreshed (they change as other programs run).
    void setMemoryRefreshInterval(int ms) { m_memoryTimer.setInterval(ms); }
    Q_INVOKABLE void refreshMemory();

signals:
    void busyChanged();
    void messageChanged();

private:
    void readMetadata(const QString& path);
    void metadataArrived(const QString& path, const ModelMetadata& metadata);
    void addFound(const QList<FoundModel>& found, const QString& folderForMessage);
    void beginTask();
    void endTask();
    void setMessage(const QString& text);
    void persist(const ModelInfo& info);
    ModelInfo newEntry(const QString& path, const QString& name, ModelSource source) const;
    int indexOfSameFile(const QString& path) const;

    LibraryStore* m_store;
    ModelSettingsStore* m_settings;
    ModelListModel* m_models;
    QTimer m_memoryTimer;
    QString m_message;
    int m_pending = 0;
    // Declared last so it is destroyed first: its destructor waits for running reads, which
    // hold no pointer to this object (they return values to watchers).
    QThreadPool m_pool;
};

} // namespace ponder::app
