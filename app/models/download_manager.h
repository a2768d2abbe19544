// Downloads catalogue models into the models folder: <dir>/<file>.part while it arrives, renamed
// to <dir>/<file> and added to the library only after its SHA-256 was checked.
//
// - Disk space is checked before starting (catalogue size) and again when the server states
//   the real size; neither starts a download that cannot fit.
// - Pause aborts the request and keeps the .part; Resume sends "Range: bytes=<.part size>-".
// - Transient failures (connection lost, timeouts, HTTP 5xx/408/429) are retried with
//   exponential backoff (1, 2, 4, 8, 16 s by default); the count restarts whenever bytes
//   arrived, so a long download survives many short outages. After the last retry the .part
//   is kept and the error shown: Resume continues it.
// - Verification (on a worker thread) compares the file's SHA-256 with, in order: the catalogue's
//   pinned digest; else the digest the server published (Hugging Face sends X-Linked-Etag, the
//   LFS SHA-256, on its resolve/ redirect); else nothing: the file is accepted, its digest is
//   recorded in the library, and the page says plainly that it was not verified.
//   A mismatch deletes the .part (resuming would keep the bad bytes) and says so.
// - A split set (CatalogueEntry::splitFiles) downloads file after file, each verified and renamed
//   to its final name before the next starts; progress, disk checks and Pause/Resume count the
//   whole set, and the library gets the set (at its first file) only when every file is there.
//   Cancel deletes the set's .part and the files it finished (an incomplete set is unusable).
#pragma once

#include "models/catalogue.h"
#include "models/download_list_model.h"
#include "models/download_transfer.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QtQml/qqmlregistration.h>

#include <atomic>
#include <functional>
#include <memory>

class QNetworkAccessManager;
class QTimer;

namespace ponder::app {

class ModelLibrary;

class DownloadManager : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created in main.cpp")
    Q_PROPERTY(ponder::app::DownloadListModel* model READ model CONSTANT)
    Q_PROPERTY(QString modelsDir READ modelsDir CONSTANT)
    Q_PROPERTY(QString catalogueError READ catalogueError CONSTANT)  // when the catalogue did not load
public:
    // Free bytes on the file system holding `dir` (QStorageInfo by default; tests inject).
    using DiskSpaceFunction = std::function<qint64(const QString& dir)>;

    // `network` and `library` are the caller's and must outlive this object.
    DownloadManager(QNetworkAccessManager* network, ModelLibrary* library, const QString& modelsDir,
                    const QList<CatalogueEntry>& catalogue, QObject* parent = nullptr);
    ~DownloadManager() override;

    DownloadListModel* model() const { return m_model; }
    QString modelsDir() const { return m_dir; }
    QString catalogueError() const { return m_catalogueError; }
    void setCatalogueError(const QString& error) { m_catalogueError = error; }

    void setDiskSpaceFunction(DiskSpaceFunction f) { m_diskSpace = std::move(f); }
    void setRetryPolicy(int maxAttempts, int firstDelayMs);
    void setTransferTimeout(int ms) { m_timeoutMs = ms; }

    Q_INVOKABLE void start(const QString& id);   // Download, Retry
    Q_INVOKABLE void pause(const QString& id);
    Q_INVOKABLE void resume(const QString& id) { start(id); }
    Q_INVOKABLE void cancel(const QString& id);  // stops and deletes the .part

    // Where file `file` of the entry goes (0: the first, or the only one).
    QString partPath(const CatalogueEntry& e, int file = 0) const;
    QString finalPath(const CatalogueEntry& e, int file = 0) const;

    // Leave this much free after a download (the system and other programs need some).
    static constexpr qint64 kDiskHeadroom = 256LL << 20;

signals:
    void downloadFinished(const QString& id, const QString& path);  // verified and in the library

private:
    struct Active {
        QPointer<DownloadTransfer> transfer;
        QTimer* retryTimer = nullptr;
        qint64 rateBytes = 0;       // bytes at the last rate sample
        qint64 rateAtMs = 0;        // when, on m_clock
        qint64 shownAtMs = -1;      // last list update (throttled)
        qint64 progressAtFailure = -1;
        std::shared_ptr<std::atomic_bool> stopHash;
    };

    bool checkDiskSpace(DownloadItem& item, qint64 total);
    // From the disk: the first file not downloaded yet, the bytes of those before it, and
    // received (those + the file's .part).
    void locate(DownloadItem& item) const;
    qint64 approxAfter(const DownloadItem& item) const;  // catalogue sizes of the files after the current
    qint64 setTotal(const DownloadItem& item, qint64 fileTotal) const;  // the whole set's, from the current file's
    void begin(const QString& id);
    void onProgress(const QString& id, qint64 received, qint64 total);
    void onFinished(const QString& id, DownloadTransfer::Result result, const QString& message);
    void scheduleRetry(const QString& id, const QString& message);
    void verify(const QString& id);
    void verified(const QString& id, const QString& sha256, const QString& error);
    void fail(DownloadItem& item, const QString& error);
    void stopActive(const QString& id);

    QNetworkAccessManager* m_network;
    QPointer<ModelLibrary> m_library;
    QString m_dir;
    QString m_catalogueError;
    DownloadListModel* m_model;
    DiskSpaceFunction m_diskSpace;
    int m_maxAttempts = 5;
    int m_firstDelayMs = 1000;
    int m_timeoutMs = 60000;
    QHash<QString, Active> m_active;
    QElapsedTimer m_clock;
    QThreadPool m_hashPool;  // declared last: destroyed (and waited for) first
};

} // namespace ponder::app
