// The catalogue with each entry's download state, for the Models page. Changed only on the
// GUI thread, by DownloadManager.
#pragma once

#include "models/catalogue.h"
#include "models/memory_estimate.h"

#include <QAbstractListModel>
#include <QList>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

struct DownloadItem {
    enum State { NotDownloaded, Downloading, Paused, Verifying, Done, Failed };

    CatalogueEntry entry;
    State state = NotDownloaded;
    qint64 received = 0;           // bytes in the .part (or the file, when done)
    qint64 total = -1;             // bytes; -1 while unknown (then entry.approxSize is shown)
    double bytesPerSecond = 0;
    double verifyProgress = 0;     // 0..1 while Verifying
    QString note;                  // "Retrying in 4 s (attempt 2 of 5)", or empty
    QString error;                 // why it failed; empty otherwise
    QString verification;          // what the SHA-256 check established, once Done
    QString serverSha256;          // X-Linked-Etag seen during the transfer (of the current file)
    int attempt = 0;               // consecutive failed attempts without progress
    // A split set downloads file after file; received and total count the whole set.
    int fileIndex = 0;             // the file downloading now (0 for a model in one file)
    qint64 doneBytes = 0;          // bytes of the files before it, downloaded and verified
    int checkedByServer = 0;       // files verified against the server's digest, not the catalogue's
    int checkedHere = 0;           // files verified since the app started (a resumed set's earlier ones were before)
    QStringList unverified;        // "file: sha256" of files nothing could be checked against
};

class DownloadListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DownloadManager.model provides it")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,
        ParametersRole,
        QuantizationRole,
        FileNameRole,
        UrlRole,
        LicenseRole,
        StateRole,          // DownloadState
        ReceivedRole,       // bytes
        TotalRole,          // bytes: the server's size, else the catalogue's approximate size
        SizeIsApproximateRole,
        ProgressRole,       // 0..1 (download, then verification); -1 when unknown
        BytesPerSecondRole,
        EtaSecondsRole,     // -1 when unknown
        NoteRole,
        ErrorRole,
        VerificationRole,
        CanStartRole,       // Download / Retry
        CanPauseRole,
        CanResumeRole,
        CanCancelRole,
        StartLabelRole,     // "Download", "Download anyway" (too big), "Resume" (a kept partial file), "Retry"
        MemoryNeededRole,   // bytes: the file + F16 KV cache at the default context; 0 when unknown
        MemoryFitRole,      // ModelListModel::MemoryFitLevel; -1 when unknown
        FitTextRole,        // the fit in words, shown before the download
        FileCountRole,      // files to download: N for a split set, else 1
        CurrentFileRole,    // 1-based: the file of a split set downloading (or verified) now
    };
    Q_ENUM(Role)
    enum DownloadState { NotDownloaded, Downloading, Paused, Verifying, Done, Failed };  // = DownloadItem::State
    Q_ENUM(DownloadState)

    explicit DownloadListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setItems(const QList<DownloadItem>& items);
    int indexOf(const QString& id) const;
    const DownloadItem* item(const QString& id) const;
    void update(const DownloadItem& item);  // by id

    // What the fit is measured against. `gpuMemory`: bytes of the GPU the engine would use, 0
    // while this build has no GPU backend (then the CPU's RAM is what counts); a GPU backend
    // passes its device's memory here and the fit text adds whether the model fits there.
    void setMachineMemory(const SystemMemory& ram, qint64 gpuMemory = 0);
    // The context a download is estimated at: the model settings' default (8192 tokens).
    static constexpr qint64 kEstimateContext = 8192;

private:
    QString fitText(const DownloadItem& d) const;
    QList<DownloadItem> m_items;
    SystemMemory m_ram;
    qint64 m_gpuMemory = 0;
};

} // namespace ponder::app
