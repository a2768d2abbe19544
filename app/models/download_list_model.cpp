#include "models/download_list_model.h"

#include <QLocale>

namespace ponder::app {

DownloadListModel::DownloadListModel(QObject* parent) : QAbstractListModel(parent) {}

int DownloadListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant DownloadListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const DownloadItem& d = m_items[index.row()];
    const qint64 total = d.total >= 0 ? d.total : d.entry.approxSize;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return d.entry.name;
    case IdRole: return d.entry.id;
    case ParametersRole: return d.entry.parameters;
    case QuantizationRole: return d.entry.quantization;
    case FileNameRole: return d.entry.fileName;
    case UrlRole: return d.entry.url.toString();
    case LicenseRole: return d.entry.license;
    case StateRole: return static_cast<int>(d.state);
    case ReceivedRole: return d.received;
    case TotalRole: return total;
    case SizeIsApproximateRole: return d.total < 0;
    case ProgressRole:
        if (d.state == DownloadItem::Verifying) return d.verifyProgress;
        if (d.state == DownloadItem::Done) return 1.0;
        return total > 0 ? static_cast<double>(d.received) / static_cast<double>(total) : -1.0;
    case BytesPerSecondRole: return d.state == DownloadItem::Downloading ? d.bytesPerSecond : 0.0;
    case EtaSecondsRole:
        if (d.state != DownloadItem::Downloading || d.bytesPerSecond <= 0 || d.total < 0) return -1;
        return static_cast<qint64>(static_cast<double>(d.total - d.received) / d.bytesPerSecond);
    case NoteRole: return d.note;
    case ErrorRole: return d.error;
    case VerificationRole: return d.verification;
    case CanStartRole: return d.state == DownloadItem::NotDownloaded || d.state == DownloadItem::Failed;
    case CanPauseRole: return d.state == DownloadItem::Downloading;
    case CanResumeRole: return d.state == DownloadItem::Paused;
    case CanCancelRole:
        return d.state == DownloadItem::Downloading || d.state == DownloadItem::Paused ||
               d.state == DownloadItem::Verifying || (d.state == DownloadItem::Failed && d.received > 0);
    case StartLabelRole:
        // A failed download keeps its partial file, and starting again continues it: "Resume".
        if (d.state == DownloadItem::Failed) return d.received > 0 ? tr("Resume") : tr("Retry");
        return data(index, MemoryFitRole).toInt() == static_cast<int>(MemoryFit::TooBig) ? tr("Download anyway") : tr("Download");
    case MemoryNeededRole:
        return d.entry.kvBytesPerToken ? static_cast<double>(memoryNeededBytes(total, d.entry.kvBytesPerToken, kEstimateContext)) : 0.0;
    case MemoryFitRole:
        if (!d.entry.kvBytesPerToken || m_ram.total <= 0) return -1;
        return static_cast<int>(memoryFit(memoryNeededBytes(total, d.entry.kvBytesPerToken, kEstimateContext), m_ram));
    case FitTextRole: return fitText(d);
    case FileCountRole: return static_cast<int>(d.entry.files().size());
    case CurrentFileRole: return d.fileIndex + 1;
    default: return {};
    }
}

QHash<int, QByteArray> DownloadListModel::roleNames() const {
    return {
        {IdRole, "catalogueId"},
        {NameRole, "name"},
        {ParametersRole, "parameters"},
        {QuantizationRole, "quantization"},
        {FileNameRole, "fileName"},
        {UrlRole, "url"},
        {LicenseRole, "license"},
        {StateRole, "downloadState"},
        {ReceivedRole, "received"},
        {TotalRole, "total"},
        {SizeIsApproximateRole, "sizeIsApproximate"},
        {ProgressRole, "progress"},
        {BytesPerSecondRole, "bytesPerSecond"},
        {EtaSecondsRole, "etaSeconds"},
        {NoteRole, "note"},
        {ErrorRole, "error"},
        {VerificationRole, "verification"},
        {CanStartRole, "canStart"},
        {CanPauseRole, "canPause"},
        {CanResumeRole, "canResume"},
        {CanCancelRole, "canCancel"},
        {StartLabelRole, "startLabel"},
        {MemoryNeededRole, "memoryNeeded"},
        {MemoryFitRole, "memoryFit"},
        {FitTextRole, "fitText"},
        {FileCountRole, "fileCount"},
        {CurrentFileRole, "currentFile"},
    };
}

void DownloadListModel::setItems(const QList<DownloadItem>& items) {
    beginResetModel();
    m_items = items;
    endResetModel();
}

int DownloadListModel::indexOf(const QString& id) const {
    for (int i = 0; i < m_items.size(); i++)
        if (m_items[i].entry.id == id) return i;
    return -1;
}

const DownloadItem* DownloadListModel::item(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? nullptr : &m_items[i];
}

QString DownloadListModel::fitText(const DownloadItem& d) const {
    if (!d.entry.kvBytesPerToken || m_ram.total <= 0) return {};
    const qint64 total = d.total >= 0 ? d.total : d.entry.approxSize;
    const quint64 needed = memoryNeededBytes(total, d.entry.kvBytesPerToken, kEstimateContext);
    const QLocale locale;
    auto size = [&](auto bytes) { return locale.formattedDataSize(static_cast<qint64>(bytes), 1); };
    QString text;
    switch (memoryFit(needed, m_ram)) {
    case MemoryFit::Fits:
        text = tr("Fits this computer: needs about %1 of its %2 of memory.").arg(size(needed), size(m_ram.total));
        break;
    case MemoryFit::Tight:
        text = tr("Needs about %1, more than the %2 free now (of %3): close other programs before using it.")
                   .arg(size(needed), size(m_ram.available), size(m_ram.total));
        break;
    case MemoryFit::TooBig:
        text = tr("Too big for this computer: needs about %1, it has %2 of memory.").arg(size(needed), size(m_ram.total));
        break;
    }
    if (m_gpuMemory > 0) {
        text += QLatin1Char(' ') + (static_cast<qint64>(needed) <= m_gpuMemory
                                        ? tr("Fits the GPU's %1.").arg(size(m_gpuMemory))
                                        : tr("More than the GPU's %1: part of it would run on the CPU.").arg(size(m_gpuMemory)));
    }
    return text;
}

void DownloadListModel::setMachineMemory(const SystemMemory& ram, qint64 gpuMemory) {
    m_ram = ram;
    m_gpuMemory = gpuMemory;
    if (!m_items.isEmpty())
        emit dataChanged(index(0), index(static_cast<int>(m_items.size()) - 1),
                         {StartLabelRole, MemoryFitRole, FitTextRole});
}

void DownloadListModel::update(const DownloadItem& item) {
    const int row = indexOf(item.entry.id);
    if (row < 0) return;
    m_items[row] = item;
    emit dataChanged(index(row), index(row));
}

} // namespace ponder::app
