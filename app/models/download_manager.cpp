#include "models/download_manager.h"

#include "models/file_hash.h"
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
        const QFileInfo done(finalPath(e)), part(partPath(e));
        if (done.exists()) {
            item.state = DownloadItem::Done;
            item.received = item.total = done.size();
            item.verification = tr("In the models folder.");
        } else if (part.exists()) {
            item.state = DownloadItem::Paused;
            item.received = part.size();
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

QString DownloadManager::partPath(const CatalogueEntry& e) const { return finalPath(e) + QLatin1String(".part"); }
QString DownloadManager::finalPath(const CatalogueEntry& e) const { return m_dir + QLatin1Char('/') + e.fileName; }

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
    if (QFileInfo::exists(finalPath(item.entry))) {
        item.state = DownloadItem::Done;
        m_model->update(item);
        return;
    }
    if (!QDir().mkpath(m_dir)) {
        fail(item, tr("Cannot create the models folder %1.").arg(QDir::toNativeSeparators(m_dir)));
        return;
    }
    item.received = QFileInfo(partPath(item.entry)).size();
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
        a.transfer = new DownloadTransfer(m_network, item->entry.url, partPath(item->entry), this);
        a.transfer->setTimeout(m_timeoutMs);
        connect(a.transfer, &DownloadTransfer::progress, this,
                [this, id](qint64 received, qint64 total) { onProgress(id, received, total); });
        connect(a.transfer, &DownloadTransfer::totalKnown, this, [this, id](qint64 total) {
            DownloadItem it = *m_model->item(id);
            it.total = total;
            it.received = m_active[id].transfer->received();  // 0 when the server restarted it
            if (!checkDiskSpace(it, total)) {
                m_active[id].transfer->abort();  // Aborted is then ignored: the item is Failed
                return;
            }
            m_model->update(it);
        });
        connect(a.transfer, &DownloadTransfer::finished, this,
                [this, id](DownloadTransfer::Result r, const QString& message) { onFinished(id, r, message); });
    }
    a.rateBytes = QFileInfo(partPath(item->entry)).size();
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
    item.received = received;
    item.total = total;
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
    if (a.transfer) item.received = a.transfer->received();
    switch (result) {
    case DownloadTransfer::Result::Aborted:
        if (item.state == DownloadItem::Downloading) item.state = DownloadItem::Paused;
        item.bytesPerSecond = 0;
        m_model->update(item);
        return;
    case DownloadTransfer::Result::Complete:
        item.total = item.received;
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
    const QString path = partPath(item->entry);
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
    stopActive(id);
    const QString part = partPath(item.entry), final = finalPath(item.entry);
    if (sha256.isEmpty()) {
        fail(item, tr("Could not read the downloaded file to verify it: %1").arg(error));
        return;
    }
    const bool pinned = !item.entry.sha256.isEmpty();
    const QString expected = pinned ? item.entry.sha256 : item.serverSha256;
    if (!expected.isEmpty() && sha256 != expected) {
        QFile::remove(part);
        item.received = 0;
        item.total = -1;
        fail(item, tr("Checksum mismatch: expected SHA-256 %1, the download has %2. The damaged file was deleted; "
                      "download it again.").arg(expected, sha256));
        return;
    }
    if (!QFile::rename(part, final)) {
        fail(item, tr("Downloaded and verified, but could not rename %1 to %2.").arg(part, final));
        return;
    }
    if (pinned)
        item.verification = tr("SHA-256 verified against the catalogue.");
    else if (!expected.isEmpty())
        item.verification = tr("SHA-256 verified against the digest the server published for this file.");
    else
        item.verification = tr("Not verified: neither the catalogue nor the server provided a checksum. "
                               "SHA-256 of the file as downloaded: %1").arg(sha256);
    item.state = DownloadItem::Done;
    item.error.clear();
    item.note.clear();
    m_model->update(item);
    if (m_library) m_library->addFile(final, ModelSource::Downloaded, item.entry.fileName, sha256);
    emit downloadFinished(id, final);
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
    QFile::remove(partPath(item.entry));
    item.state = DownloadItem::NotDownloaded;
    item.received = 0;
    item.total = -1;
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
