#include "models/download_manager.h"

#include "models/file_hash.h"
#include "models/model_info.h"
#include "models/model_library.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QStorageInfo>
#include <QTimer>
#include <QtConcurrent>

namespace ponder::app {

namespace {

constexpr qint64 kShowEveryMs = 200;   // list updates while bytes arrive
constexpr qint64 kRateWindowMs = 1000; // rate sample length

QString size(qint64 bytes) { return QLocale().formattedDataSize(bytes); }

struct HashResult {
    QString sha256;
    QString error;
};

} // namespace

DownloadManager::DownloadManager(QNetworkAccessManager* network, ModelLibrary* library, const QString& modelsDir,
                                 const QList<CatalogueEntry>& catalogue, QObject* parent)
    : QObject(parent), m_network(network), m_library(library), m_dir(modelsDir), m_model(new DownloadListModel(this)),
      m_diskSpace([](const QString& dir) { return QStorageInfo(dir).bytesAvailable(); }) {
    m_clock.start();
    m_hashPool.setMaxThreadCount(1);  // hashing is disk-bound; one at a time
    // What is already on disk: finished files, and .part files a previous run left (paused).
    QList<DownloadItem> items;
    for (const CatalogueEntry& e : catalogue) {
        DownloadItem item;
        item.entry = e;
        const QList<CatalogueFile> files = e.files();
        locate(item);
        if (item.fileIndex >= files.size()) {
            item.state = DownloadItem::Done;
            item.received = item.total = item.doneBytes;
            item.verification = files.size() > 1 ? tr("All %1 files are in the models folder.").arg(files.size())
                                                 : tr("In the models folder.");
        } else if (item.received > 0 || QFileInfo::exists(partPath(e, item.fileIndex))) {
            item.state = DownloadItem::Paused;
        } else {
            item.received = 0;
        }
        items.append(item);
    }
    m_model->setItems(items);
    // RAM only: the engine has no GPU backend yet (a GPU backend passes its device's memory too).
    m_model->setMachineMemory(readSystemMemory());
}

DownloadManager::~DownloadManager() {
    for (Active& a : m_active) {
        if (a.stopHash) a.stopHash->store(true);
        delete a.transfer;  // aborts the request; the .part stays for the next run
    }
    m_hashPool.waitForDone();
}

void DownloadManager::setRetryPolicy(int maxAttempts, int firstDelayMs) {
    m_maxAttempts = maxAttempts;
    m_firstDelayMs = firstDelayMs;
}

QString DownloadManager::partPath(const CatalogueEntry& e, int file) const {
    return finalPath(e, file) + QLatin1String(".part");
}
QString DownloadManager::finalPath(const CatalogueEntry& e, int file) const {
    const QList<CatalogueFile> files = e.files();
    return m_dir + QLatin1Char('/') + files.value(std::clamp<int>(file, 0, static_cast<int>(files.size()) - 1)).fileName;
}

void DownloadManager::locate(DownloadItem& item) const {
    const QList<CatalogueFile> files = item.entry.files();
    item.fileIndex = 0;
    item.doneBytes = 0;
    while (item.fileIndex < files.size()) {
        const QFileInfo done(finalPath(item.entry, item.fileIndex));
        if (!done.exists()) break;
        item.doneBytes += done.size();
        item.fileIndex++;
    }
    item.received = item.doneBytes + (item.fileIndex < files.size() ? QFileInfo(partPath(item.entry, item.fileIndex)).size() : 0);
}

qint64 DownloadManager::approxAfter(const DownloadItem& item) const {
    const QList<CatalogueFile> files = item.entry.files();
    qint64 bytes = 0;
    for (int k = item.fileIndex + 1; k < files.size(); k++) bytes += files[k].approxSize;
    return bytes;
}

qint64 DownloadManager::setTotal(const DownloadItem& item, qint64 fileTotal) const {
    return fileTotal < 0 ? -1 : item.doneBytes + fileTotal + approxAfter(item);
}

bool DownloadManager::checkDiskSpace(DownloadItem& item, qint64 total) {
    if (total <= 0) return true;  // unknown yet: checked again when the server says
    const qint64 remaining = std::max<qint64>(total - item.received, 0);
    const qint64 free = m_diskSpace(m_dir);
    if (free >= remaining + kDiskHeadroom) return true;
    fail(item, tr("Not enough disk space: this download needs %1 more, and %2 is free in %3 "
                  "(Ponder keeps %4 free for the system). Free some space, then try again.")
                   .arg(size(remaining), size(std::max<qint64>(free, 0)), QDir::toNativeSeparators(m_dir),
                        size(kDiskHeadroom)));
    return false;
}

void DownloadManager::start(const QString& id) {
    const DownloadItem* current = m_model->item(id);
    if (!current || current->state == DownloadItem::Downloading || current->state == DownloadItem::Verifying) return;
    DownloadItem item = *current;
    item.error.clear();
    item.note.clear();
    item.attempt = 0;
    locate(item);  // a split set continues with its first file not on disk
    if (item.fileIndex >= item.entry.files().size()) {
        item.state = DownloadItem::Done;
        m_model->update(item);
        return;
    }
    if (!QDir().mkpath(m_dir)) {
        fail(item, tr("Cannot create the models folder %1.").arg(QDir::toNativeSeparators(m_dir)));
        return;
    }
    if (!checkDiskSpace(item, item.total >= 0 ? item.total : item.entry.approxSize)) return;
    item.state = DownloadItem::Downloading;
    item.bytesPerSecond = 0;
    m_model->update(item);
    m_active[id].progressAtFailure = -1;
    begin(id);
}

void DownloadManager::begin(const QString& id) {
    const DownloadItem* item = m_model->item(id);
    Active& a = m_active[id];
    if (!a.transfer) {
        const CatalogueFile file = item->entry.files().value(item->fileIndex);
        a.transfer = new DownloadTransfer(m_network, file.url, partPath(item->entry, item->fileIndex), this);
        a.transfer->setTimeout(m_timeoutMs);
        connect(a.transfer, &DownloadTransfer::progress, this,
                [this, id](qint64 received, qint64 total) { onProgress(id, received, total); });
        connect(a.transfer, &DownloadTransfer::totalKnown, this, [this, id](qint64 total) {
            DownloadItem it = *m_model->item(id);
            it.total = setTotal(it, total);
            it.received = it.doneBytes + m_active[id].transfer->received();  // 0 when the server restarted it
            if (!checkDiskSpace(it, it.total)) {
                m_active[id].transfer->abort();  // Aborted is then ignored: the item is Failed
                return;
            }
            m_model->update(it);
        });
        connect(a.transfer, &DownloadTransfer::finished, this,
                [this, id](DownloadTransfer::Result r, const QString& message) { onFinished(id, r, message); });
    }
    a.rateBytes = QFileInfo(partPath(item->entry, item->fileIndex)).size();
    a.rateAtMs = m_clock.elapsed();
    a.transfer->start();
}

void DownloadManager::onProgress(const QString& id, qint64 received, qint64 total) {
    Active& a = m_active[id];
    const qint64 now = m_clock.elapsed();
    // Bytes arrive in many small reads; the list changes at most every kShowEveryMs (the final
    // numbers are written when the transfer finishes).
    if (a.shownAtMs >= 0 && now - a.shownAtMs < kShowEveryMs) return;
    a.shownAtMs = now;
    DownloadItem item = *m_model->item(id);
    item.received = item.doneBytes + received;
    item.total = setTotal(item, total);
    if (now - a.rateAtMs >= kRateWindowMs) {
        const double rate = static_cast<double>(received - a.rateBytes) * 1000.0 / static_cast<double>(now - a.rateAtMs);
        // Smoothed, so the ETA does not jump with every burst.
        item.bytesPerSecond = item.bytesPerSecond > 0 ? 0.7 * item.bytesPerSecond + 0.3 * rate : rate;
        a.rateBytes = received;
        a.rateAtMs = now;
    }
    item.note.clear();  // bytes flow (again, after a retry)
    m_model->update(item);
}

void DownloadManager::onFinished(const QString& id, DownloadTransfer::Result result, const QString& message) {
    DownloadItem item = *m_model->item(id);
    Active& a = m_active[id];
    if (a.transfer && !a.transfer->serverSha256().isEmpty()) item.serverSha256 = a.transfer->serverSha256();
    if (a.transfer) item.received = item.doneBytes + a.transfer->received();
    switch (result) {
    case DownloadTransfer::Result::Aborted:
        if (item.state == DownloadItem::Downloading) item.state = DownloadItem::Paused;
        item.bytesPerSecond = 0;
        m_model->update(item);
        return;
    case DownloadTransfer::Result::Complete:
        item.total = item.received + approxAfter(item);
        item.state = DownloadItem::Verifying;
        item.verifyProgress = 0;
        item.note.clear();
        m_model->update(item);
        verify(id);
        return;
    case DownloadTransfer::Result::TransientError:
        m_model->update(item);
        scheduleRetry(id, message);
        return;
    case DownloadTransfer::Result::FatalError:
        fail(item, message);
        return;
    }
}

void DownloadManager::scheduleRetry(const QString& id, const QString& message) {
    Active& a = m_active[id];
    DownloadItem item = *m_model->item(id);
    // Progress since the last failure means the network works: count from the start again.
    if (item.received > a.progressAtFailure) item.attempt = 0;
    a.progressAtFailure = item.received;
    item.attempt++;
    if (item.attempt > m_maxAttempts) {
        fail(item, message + QLatin1Char(' ') +
                       tr("Gave up after %n attempt(s). The partial download is kept: Resume continues it.", nullptr,
                          m_maxAttempts));
        return;
    }
    const int delay = m_firstDelayMs * (1 << std::min(item.attempt - 1, 10));
    item.note = message + QLatin1Char(' ') +
                tr("Retrying in %1 s (attempt %2 of %3).").arg(qMax(1, delay / 1000)).arg(item.attempt).arg(m_maxAttempts);
    item.bytesPerSecond = 0;
    m_model->update(item);
    if (!a.retryTimer) {
        a.retryTimer = new QTimer(this);
        a.retryTimer->setSingleShot(true);
        connect(a.retryTimer, &QTimer::timeout, this, [this, id] {
            const DownloadItem* it = m_model->item(id);
            if (it && it->state == DownloadItem::Downloading) begin(id);
        });
    }
    a.retryTimer->start(delay);
}

void DownloadManager::verify(const QString& id) {
    const DownloadItem* item = m_model->item(id);
    const QString path = partPath(item->entry, item->fileIndex);
    Active& a = m_active[id];
    a.stopHash = std::make_shared<std::atomic_bool>(false);
    auto watcher = new QFutureWatcher<HashResult>(this);
    connect(watcher, &QFutureWatcher<HashResult>::progressValueChanged, this, [this, id](int permille) {
        const DownloadItem* it = m_model->item(id);
        if (!it || it->state != DownloadItem::Verifying) return;
        DownloadItem copy = *it;
        copy.verifyProgress = permille / 1000.0;
        m_model->update(copy);
    });
    connect(watcher, &QFutureWatcher<HashResult>::finished, this, [this, id, watcher] {
        watcher->deleteLater();
        const HashResult r = watcher->future().resultCount() ? watcher->result() : HashResult{};
        verified(id, r.sha256, r.error);
    });
    std::shared_ptr<std::atomic_bool> stop = a.stopHash;
    watcher->setFuture(QtConcurrent::run(&m_hashPool, [path, stop](QPromise<HashResult>& promise) {
        promise.setProgressRange(0, 1000);
        HashResult r;
        r.sha256 = sha256OfFile(
            path,
            [&](qint64 done, qint64 total) {
                promise.setProgressValue(total > 0 ? static_cast<int>(done * 1000 / total) : 0);
                return !stop->load();
            },
            &r.error);
        promise.addResult(r);
    }));
}

void DownloadManager::verified(const QString& id, const QString& sha256, const QString& error) {
    const DownloadItem* current = m_model->item(id);
    if (!current || current->state != DownloadItem::Verifying) return;  // cancelled meanwhile
    DownloadItem item = *current;
    const QList<CatalogueFile> files = item.entry.files();
    const CatalogueFile file = files.value(item.fileIndex);
    const bool split = files.size() > 1;
    const QString part = partPath(item.entry, item.fileIndex), final = finalPath(item.entry, item.fileIndex);
    if (sha256.isEmpty()) {
        stopActive(id);
        fail(item, tr("Could not read the downloaded file to verify it: %1").arg(error));
        return;
    }
    const bool pinned = !file.sha256.isEmpty();
    const QString expected = pinned ? file.sha256 : item.serverSha256;
    if (!expected.isEmpty() && sha256 != expected) {
        stopActive(id);
        QFile::remove(part);
        item.received = item.doneBytes;
        item.total = -1;
        fail(item, (split ? tr("Checksum mismatch in %1: expected SHA-256 %2, the download has %3.").arg(file.fileName, expected, sha256)
                          : tr("Checksum mismatch: expected SHA-256 %1, the download has %2.").arg(expected, sha256)) +
                       QLatin1Char(' ') + tr("The damaged file was deleted; download it again."));
        return;
    }
    if (!QFile::rename(part, final)) {
        stopActive(id);
        fail(item, tr("Downloaded and verified, but could not rename %1 to %2.").arg(part, final));
        return;
    }
    if (expected.isEmpty()) item.unverified << file.fileName + QLatin1String(": ") + sha256;
    else if (!pinned) item.checkedByServer++;
    item.checkedHere++;
    item.serverSha256.clear();

    // The next file of a split set: the same Active entry, a new transfer.
    locate(item);
    if (item.fileIndex < files.size()) {
        Active& a = m_active[id];
        if (a.transfer) {
            a.transfer->disconnect(this);
            a.transfer->deleteLater();
            a.transfer = nullptr;
        }
        a.stopHash.reset();
        a.progressAtFailure = -1;
        a.shownAtMs = -1;
        item.attempt = 0;
        item.total = -1;
        item.state = DownloadItem::Downloading;
        item.bytesPerSecond = 0;
        m_model->update(item);
        if (!checkDiskSpace(item, item.doneBytes + files[item.fileIndex].approxSize + approxAfter(item))) {
            stopActive(id);
            return;
        }
        begin(id);
        return;
    }
    stopActive(id);

    if (!split) {
        if (pinned)
            item.verification = tr("SHA-256 verified against the catalogue.");
        else if (!expected.isEmpty())
            item.verification = tr("SHA-256 verified against the digest the server published for this file.");
        else
            item.verification = tr("Not verified: neither the catalogue nor the server provided a checksum. "
                                   "SHA-256 of the file as downloaded: %1").arg(sha256);
    } else if (!item.unverified.isEmpty()) {
        item.verification = tr("Not verified: neither the catalogue nor the server provided a checksum for %1 of the %2 "
                               "files. SHA-256 as downloaded: %3")
                                .arg(item.unverified.size())
                                .arg(files.size())
                                .arg(item.unverified.join(QLatin1String("; ")));
    } else if (item.checkedHere < files.size()) {  // resumed after a restart: the earlier ones were checked then
        item.verification = tr("SHA-256 of each file downloaded since Ponder started verified against the catalogue or "
                               "the digest the server published; those downloaded before a restart (%1 of %2) were "
                               "verified then.")
                                .arg(files.size() - item.checkedHere)
                                .arg(files.size());
    } else if (item.checkedByServer > 0) {
        item.verification = tr("SHA-256 of each of the %1 files verified against the catalogue or the digest the server "
                               "published for it.").arg(files.size());
    } else {
        item.verification = tr("SHA-256 of each of the %1 files verified against the catalogue.").arg(files.size());
    }
    item.state = DownloadItem::Done;
    item.total = item.received;
    item.error.clear();
    item.note.clear();
    m_model->update(item);
    // The library lists a split set at its first file; a set has no one digest to record.
    const QString first = finalPath(item.entry, 0);
    if (m_library) m_library->addFile(first, ModelSource::Downloaded, modelDisplayName(first), split ? QString() : sha256);
    emit downloadFinished(id, first);
}

void DownloadManager::pause(const QString& id) {
    const DownloadItem* current = m_model->item(id);
    if (!current || current->state != DownloadItem::Downloading) return;
    DownloadItem item = *current;
    item.state = DownloadItem::Paused;
    item.note.clear();
    item.bytesPerSecond = 0;
    m_model->update(item);
    Active& a = m_active[id];
    if (a.retryTimer) a.retryTimer->stop();
    if (a.transfer) a.transfer->abort();
}

void DownloadManager::cancel(const QString& id) {
    const DownloadItem* current = m_model->item(id);
    if (!current || current->state == DownloadItem::Done) return;
    DownloadItem item = *current;
    stopActive(id);
    // A split set is usable only whole: the files this download finished go with the .part.
    const QList<CatalogueFile> files = item.entry.files();
    for (int k = 0; k < files.size(); k++) {
        QFile::remove(partPath(item.entry, k));
        if (files.size() > 1) QFile::remove(finalPath(item.entry, k));
    }
    item.state = DownloadItem::NotDownloaded;
    item.received = 0;
    item.total = -1;
    item.fileIndex = 0;
    item.doneBytes = 0;
    item.checkedByServer = 0;
    item.checkedHere = 0;
    item.unverified.clear();
    item.bytesPerSecond = 0;
    item.note.clear();
    item.error.clear();
    m_model->update(item);
}

void DownloadManager::stopActive(const QString& id) {
    auto it = m_active.find(id);
    if (it == m_active.end()) return;
    if (it->stopHash) it->stopHash->store(true);
    if (it->retryTimer) it->retryTimer->deleteLater();
    if (it->transfer) {
        it->transfer->disconnect(this);
        it->transfer->deleteLater();  // its destructor aborts the request
    }
    m_active.erase(it);
}

void DownloadManager::fail(DownloadItem& item, const QString& error) {
    item.state = DownloadItem::Failed;
    item.error = error;
    item.note.clear();
    item.bytesPerSecond = 0;
    m_model->update(item);
}

} // namespace ponder::app
