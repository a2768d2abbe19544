#include "models/model_library.h"

#include "models/model_list_model.h"
#include "models/library_store.h"
#include "models/model_settings.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QtConcurrent>

namespace ponder::app {

namespace {

QString canonical(const QString& path) {
    const QString c = QFileInfo(path).canonicalFilePath();
    return c.isEmpty() ? QFileInfo(path).absoluteFilePath() : c;
}

// Runs `work` on `pool` and hands its result to `done` on the GUI thread.
template <typename T, typename Work, typename Done>
void runThen(QObject* context, QThreadPool* pool, Work work, Done done) {
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

} // namespace

ModelLibrary::ModelLibrary(LibraryStore* store, ModelSettingsStore* settings, QObject* parent)
    : QObject(parent), m_store(store), m_settings(settings), m_models(new ModelListModel(settings, this)) {
    // Two readers: header reads are mostly waiting on the disk; more would only thrash it.
    m_pool.setMaxThreadCount(2);
    m_memoryTimer.setInterval(5000);
    connect(&m_memoryTimer, &QTimer::timeout, this, &ModelLibrary::refreshMemory);
    m_memoryTimer.start();
    refreshMemory();
}

ModelLibrary::~ModelLibrary() { m_pool.waitForDone(); }

void ModelLibrary::refreshMemory() { m_models->setSystemMemory(readSystemMemory()); }

const ModelInfo* ModelLibrary::find(const QString& path) const { return m_models->find(path); }

QString ModelLibrary::preferredModelPath() const {
    const ModelInfo* best = nullptr;
    for (const ModelInfo& m : m_models->models()) {
        // Metadata not read yet counts as usable: a bad file fails its load with a clear error.
        const bool usable = (!m.metadataRead || m.metadata.ok()) && m.loadError.isEmpty() && QFileInfo::exists(m.path);
        if (!usable) continue;
        if (m.lastUsed.isValid() && (!best || !best->lastUsed.isValid() || m.lastUsed > best->lastUsed)) best = &m;
        else if (!best && m.source == ModelSource::Bundled) best = &m;
    }
    return best ? best->path : QString();
}

int ModelLibrary::indexOfSameFile(const QString& path) const {
    // One stat for the new path; the listed ones were resolved when they were added.
    const QString c = canonical(path);
    const QList<ModelInfo>& all = m_models->models();
    for (int i = 0; i < all.size(); i++)
        if (all[i].path == path || all[i].canonicalPath == c) return i;
    return -1;
}

ModelInfo ModelLibrary::newEntry(const QString& path, const QString& name, ModelSource source) const {
    ModelInfo info;
    info.path = path;
    info.canonicalPath = canonical(path);
    info.name = name.isEmpty() ? modelDisplayName(path) : name;
    info.source = source;
    return info;
}

void ModelLibrary::restore() {
    for (const LibraryEntry& e : m_store->entries()) {
        ModelSource source = ModelSource::Added;
        modelSourceFromName(e.source, source);
        // A later file of a split set stored by an older version: the set is listed at its first.
        const QString path = modelEntryPath(e.path);
        if (path != e.path) m_store->remove(e.path);
        if (indexOfSameFile(path) >= 0) continue;
        ModelInfo info = newEntry(path, {}, source);
        info.sha256 = path == e.path ? e.sha256 : QString();
        info.lastUsed = e.lastUsed;
        // The cached header summary is used while the file (every file of a split set) has the
        // size and mtime it had then; anything else is read again.
        ModelMetadata cached;
        const QFileInfo fi(path);
        if (path == e.path && fi.exists() && modelBytesOnDisk(path) == e.size &&
            fi.lastModified().toMSecsSinceEpoch() == e.modifiedAtMs &&
            ModelMetadata::fromJson(QJsonDocument::fromJson(e.metadataJson).object(), cached)) {
            info.metadata = cached;
            info.metadataRead = true;
            m_models->append(info);
        } else {
            m_models->append(info);
            if (path != e.path) persist(info);
            readMetadata(info.path);
        }
    }
}

void ModelLibrary::addBundled(const QString& path) {
    if (!QFileInfo::exists(path) || indexOfSameFile(path) >= 0) return;
    m_models->append(newEntry(path, tr("Ponder demo model"), ModelSource::Bundled));
    readMetadata(path);
}

bool ModelLibrary::addFile(const QString& file, ModelSource source, const QString& name, const QString& sha256) {
    const QFileInfo fi(file);
    if (!fi.fileName().endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) {
        setMessage(tr("%1 is not a .gguf file; Ponder runs GGUF models.").arg(fi.fileName()));
        return false;
    }
    // Any file of a split set adds the set, listed at its first file.
    const QString path = modelEntryPath(fi.absoluteFilePath());
    const int existing = indexOfSameFile(path);
    if (existing >= 0) {
        ModelInfo info = m_models->models()[existing];
        // A finished download of a file that was listed before gains its digest and source.
        if (!sha256.isEmpty() && info.sha256 != sha256) {
            info.sha256 = sha256;
            if (source == ModelSource::Downloaded) info.source = source;
            m_models->replace(info);
            persist(info);
        }
        return true;
    }
    ModelInfo info = newEntry(path, name, source);
    info.sha256 = sha256;
    m_models->append(info);
    persist(info);
    readMetadata(info.path);
    return true;
}

void ModelLibrary::addUrls(const QList<QUrl>& urls) {
    int added = 0;
    QStringList skipped;
    for (const QUrl& url : urls) {
        const QString name = url.isLocalFile() ? QFileInfo(url.toLocalFile()).fileName() : url.toDisplayString();
        if (!url.isLocalFile() || !name.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) skipped << name;
        else if (addFile(url.toLocalFile(), ModelSource::Added)) added++;
    }
    QString text = tr("Added %n model file(s).", nullptr, added);
    if (!skipped.isEmpty())
        text += QLatin1Char(' ') + tr("Skipped %1: not a local .gguf file; Ponder runs GGUF models.")
                                       .arg(skipped.join(QLatin1String(", ")));
    setMessage(text);
}

void ModelLibrary::scanFolderUrl(const QUrl& folder) {
    const QString dir = folder.isLocalFile() ? folder.toLocalFile() : folder.toString();
    if (!QFileInfo(dir).isDir()) {
        setMessage(tr("%1 is not a folder.").arg(dir));
        return;
    }
    beginTask();
    runThen<QList<FoundModel>>(
        this, &m_pool, [dir] { return scanFolder(dir, ModelSource::Added); },
        [this, dir](const QList<FoundModel>& found) {
            addFound(found, dir);
            endTask();
        });
}

void ModelLibrary::scanDownloads(const QString& modelsDir) {
    beginTask();
    runThen<QList<FoundModel>>(
        this, &m_pool,
        [modelsDir] {
            // A split set whose missing file has a .part next to it is still being downloaded
            // (DownloadManager renames each file as it is verified): it is added when complete.
            QList<FoundModel> found = scanFolder(modelsDir, ModelSource::Downloaded, 0);
            found.removeIf([](const FoundModel& f) {
                SplitSet set;
                if (!splitSetOf(f.path, set)) return false;
                for (const QString& name : set.missing)
                    if (QFileInfo::exists(QFileInfo(set.firstPath).dir().filePath(name + QLatin1String(".part")))) return true;
                return false;
            });
            return found;
        },
        [this](const QList<FoundModel>& found) {
            for (const FoundModel& f : found) addFile(f.path, f.source, f.name);
            endTask();
        });
}

void ModelLibrary::discover(const DiscoveryRoots& roots, bool announce) {
    beginTask();
    runThen<QList<FoundModel>>(
        this, &m_pool, [roots] { return discoverAll(roots); },
        [this, roots, announce](const QList<FoundModel>& found) {
            // Other tools' models are not persisted: they are found again each time, and
            // vanish from the list when the tool deletes them.
            int added = 0;
            for (const FoundModel& f : found) {
                if (indexOfSameFile(f.path) >= 0) continue;
                m_models->append(newEntry(f.path, f.name, f.source));
                readMetadata(f.path);
                added++;
            }
            if (added > 0) {
                setMessage(tr("Found %n model(s) from Ollama, LM Studio or the Hugging Face cache.", nullptr, added));
            } else if (announce && !found.isEmpty()) {
                setMessage(tr("No new models: the %n found in Ollama's, LM Studio's or the Hugging Face cache's folders are already listed.",
                              nullptr, static_cast<int>(found.size())));
            } else if (announce) {
                QStringList folders{roots.ollama};
                folders << roots.lmStudio << roots.huggingFace;
                for (QString& f : folders) f = QDir::toNativeSeparators(f);
                setMessage(tr("No GGUF models found from other apps. Looked in %1.").arg(folders.join(QStringLiteral(", "))));
            }
            endTask();
        });
}

void ModelLibrary::discoverOtherTools(bool announce) { discover(DiscoveryRoots::forThisUser(), announce); }

void ModelLibrary::addFound(const QList<FoundModel>& found, const QString& folderForMessage) {
    int added = 0;
    for (const FoundModel& f : found) {
        if (indexOfSameFile(f.path) >= 0) continue;
        if (addFile(f.path, f.source, f.name)) added++;
    }
    if (found.isEmpty())
        setMessage(tr("No GGUF models in %1.").arg(QDir::toNativeSeparators(folderForMessage)));
    else
        setMessage(tr("Found %n new model(s) in %1.", nullptr, added).arg(QDir::toNativeSeparators(folderForMessage)));
}

void ModelLibrary::remove(const QString& path) {
    const ModelInfo* info = m_models->find(path);
    if (!info) return;
    if (info->source != ModelSource::Added && info->source != ModelSource::Downloaded) return;
    m_store->remove(path);
    m_models->remove(path);
}

void ModelLibrary::readMetadata(const QString& path) {
    beginTask();
    runThen<ModelMetadata>(this, &m_pool, [path] { return readModelMetadata(path); },
                           [this, path](const ModelMetadata& md) {
                               metadataArrived(path, md);
                               endTask();
                           });
}

void ModelLibrary::metadataArrived(const QString& path, const ModelMetadata& metadata) {
    const ModelInfo* current = m_models->find(path);
    if (!current) return;  // removed meanwhile
    ModelInfo info = *current;
    info.metadata = metadata;
    info.metadataRead = true;
    m_models->replace(info);
    persist(info);
}

void ModelLibrary::setLoadError(const QString& path, const QString& error) {
    const ModelInfo* current = m_models->find(path);
    if (!current) return;
    ModelInfo info = *current;
    info.loadError = error;
    m_models->replace(info);
}

void ModelLibrary::setLoadingPath(const QString& path) { m_models->setLoadingPath(path); }

void ModelLibrary::setLoadedPath(const QString& path) {
    m_models->setLoadedPath(path);
    refreshMemory();
    const ModelInfo* current = m_models->find(path);
    if (!current) return;
    ModelInfo info = *current;
    info.lastUsed = QDateTime::currentDateTimeUtc();
    m_models->replace(info);
    persist(info);
}

void ModelLibrary::persist(const ModelInfo& info) {
    if (info.source != ModelSource::Added && info.source != ModelSource::Downloaded) return;
    LibraryEntry e;
    e.path = info.path;
    e.source = modelSourceName(info.source);
    e.sha256 = info.sha256;
    if (info.metadataRead) {
        e.size = info.metadata.fileSize;
        e.modifiedAtMs = QFileInfo(info.path).lastModified().toMSecsSinceEpoch();
        e.metadataJson = QJsonDocument(info.metadata.toJson()).toJson(QJsonDocument::Compact);
    }
    e.lastUsed = info.lastUsed;
    m_store->upsert(e);
}

void ModelLibrary::beginTask() {
    if (m_pending++ == 0) emit busyChanged();
}

void ModelLibrary::endTask() {
    if (--m_pending == 0) emit busyChanged();
}

void ModelLibrary::setMessage(const QString& text) {
    m_message = text;
    emit messageChanged();
}

} // namespace ponder::app
