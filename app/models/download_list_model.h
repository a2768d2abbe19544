// The catalogue with each entry's download state, for the Models page. Changed only on the
// GUI thread, by DownloadManager.
#pragma once

#include "models/catalogue.h"

#include <QAbstractListModel>
#include <QList>
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
    QString serverSha256;          // X-Linked-Etag seen during the transfer
    int attempt = 0;               // consecutive failed attempts without progress
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

private:
    QList<DownloadItem> m_items;
};

} // namespace ponder::app
