#include "models/model_list_model.h"

#include "models/device_placement.h"
#include "models/model_settings.h"

#include <algorithm>

namespace ponder::app {

ModelListModel::ModelListModel(const ModelSettingsStore* settings, QObject* parent)
    : QAbstractListModel(parent), m_settings(settings) {
    connect(settings, &ModelSettingsStore::settingsChanged, this, [this](const QString& path) {
        const int row = indexOf(path);
        if (row >= 0)
            emitRowChanged(row, {ChosenContextRole, MemoryNeededRole, FitsRole, MemoryFitRole, ShowPlanRole, GpuNameRole,
                                 GpuMemoryRole, GpuNeededRole, GpuLayersRole, LayerCountRole, GpuFitsRole, PlacementRole});
    });
}

int ModelListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_models.size());
}

int ModelListModel::chosenContext(const ModelInfo& info) const {
    return m_settings->settings(info.path).effectiveContext(info.metadata.trainedContext);
}

quint64 ModelListModel::memoryNeeded(const ModelInfo& info) const {
    const quint64 all = memoryNeededBytes(info.metadata.fileSize, info.metadata.kvBytesPerToken, chosenContext(info));
    const ponder::DeviceChoice* p = placement(info);
    const quint64 gpu = p ? p->gpu_bytes : 0;
    return all > gpu ? all - gpu : 0;
}

const ponder::DeviceChoice* ModelListModel::placement(const ModelInfo& info) const {
    if (!info.metadataRead || !info.metadata.ok()) return nullptr;
    const ModelSettings s = m_settings->settings(info.path);
    const int context = chosenContext(info);
    const QString key = QStringLiteral("%1|%2|%3|%4").arg(s.device).arg(s.gpuLayers).arg(context).arg(info.metadata.fileSize);
    CachedPlacement& c = m_placements[info.path];
    if (c.key != key) {
        QString error;
        c.key = key;
        c.choice = ponder::DeviceChoice{};
        c.choice.devices = "cpu";
        c.ok = s.device == QLatin1String("cpu") || resolveDevices(info.path, s, context, c.choice, error);
    }
    return c.ok ? &c.choice : nullptr;
}

bool ModelListModel::showPlan(const ModelInfo& info) const {
    if (!info.metadataRead || !info.metadata.ok()) return false;
    return info.metadata.architecture == QLatin1String("deepseek2") ||
           memoryFit(memoryNeeded(info), m_memory) == MemoryFit::TooBig;
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ModelInfo& m = m_models[index.row()];
    const ModelMetadata& md = m.metadata;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return m.name;
    case PathRole: return m.path;
    case ArchitectureRole: return md.architecture;
    case ParameterCountRole: return formatParameterCount(md.parameterCount);
    case QuantizationRole: return md.quantization;
    case FileSizeRole: return md.fileSize;
    case ContextLengthRole: return md.trainedContext;
    case ChosenContextRole: return chosenContext(m);
    case MemoryNeededRole: return static_cast<qint64>(memoryNeeded(m));
    case MemoryAvailableRole: return m_memory.available;
    case MemoryTotalRole: return m_memory.total;
    case FitsRole: return memoryFit(memoryNeeded(m), m_memory) == MemoryFit::Fits;
    case MemoryFitRole: return static_cast<int>(memoryFit(memoryNeeded(m), m_memory));
    case SourceRole: return modelSourceName(m.source);
    case ErrorRole: return m.errorText();
    case IsLoadedRole: return !m_loadedPath.isEmpty() && m.path == m_loadedPath;
    case InUseRole: return m_localInUse && !m_loadedPath.isEmpty() && m.path == m_loadedPath;
    case BadgeRole:
        if (!m_loadedPath.isEmpty() && m.path == m_loadedPath) return m_localInUse ? tr("Active") : tr("Loaded, not in use");
        return data(index, SourceRole);
    case ReadingRole: return !m.metadataRead;
    case RemovableRole: return m.source == ModelSource::Added || m.source == ModelSource::Downloaded;
    case CanLoadRole: return m.metadataRead && m.metadata.ok();
    case IsLoadingRole: return !m_loadingPath.isEmpty() && m.path == m_loadingPath;
    case FileCountRole: return m.metadataRead ? std::max(md.splitCount, 1) : splitCountOfName(m.path);
    case ShowPlanRole: return showPlan(m);
    case GpuNameRole: return placement(m) ? QString::fromStdString(placement(m)->gpu_name) : QString();
    case GpuMemoryRole: return placement(m) ? static_cast<qint64>(placement(m)->gpu_memory) : qint64{0};
    case GpuNeededRole: return placement(m) ? static_cast<qint64>(placement(m)->gpu_bytes) : qint64{0};
    case GpuLayersRole: return placement(m) ? placement(m)->gpu_layers : 0;
    case LayerCountRole: return placement(m) ? placement(m)->n_layer : 0;
    case GpuFitsRole: return !placement(m) || placement(m)->fits;
    case PlacementRole: return placement(m) ? QString::fromStdString(placement(m)->why) : QString();
    default: return {};
    }
}

QHash<int, QByteArray> ModelListModel::roleNames() const {
    return {
        {NameRole, "name"},
        {PathRole, "path"},
        {ArchitectureRole, "architecture"},
        {ParameterCountRole, "parameterCount"},
        {QuantizationRole, "quantization"},
        {FileSizeRole, "fileSize"},
        {ContextLengthRole, "contextLength"},
        {ChosenContextRole, "chosenContext"},
        {MemoryNeededRole, "memoryNeeded"},
        {MemoryAvailableRole, "memoryAvailable"},
        {MemoryTotalRole, "memoryTotal"},
        {FitsRole, "fits"},
        {MemoryFitRole, "memoryFit"},
        {SourceRole, "source"},
        {ErrorRole, "error"},
        {IsLoadedRole, "isLoaded"},
        {InUseRole, "inUse"},
        {BadgeRole, "badge"},
        {ReadingRole, "reading"},
        {RemovableRole, "removable"},
        {CanLoadRole, "canLoad"},
        {IsLoadingRole, "isLoading"},
        {FileCountRole, "fileCount"},
        {ShowPlanRole, "showPlan"},
        {GpuNameRole, "gpuName"},
        {GpuMemoryRole, "gpuMemory"},
        {GpuNeededRole, "gpuNeeded"},
        {GpuLayersRole, "gpuLayers"},
        {LayerCountRole, "layerCount"},
        {GpuFitsRole, "gpuFits"},
        {PlacementRole, "placement"},
    };
}

int ModelListModel::indexOf(const QString& path) const {
    for (int i = 0; i < m_models.size(); i++)
        if (m_models[i].path == path) return i;
    return -1;
}

const ModelInfo* ModelListModel::find(const QString& path) const {
    const int i = indexOf(path);
    return i < 0 ? nullptr : &m_models[i];
}

void ModelListModel::append(const ModelInfo& info) {
    const int row = static_cast<int>(m_models.size());
    beginInsertRows({}, row, row);
    m_models.append(info);
    endInsertRows();
    emit countChanged();
}

void ModelListModel::replace(const ModelInfo& info) {
    const int row = indexOf(info.path);
    if (row < 0) return;
    m_models[row] = info;
    emitRowChanged(row);
}

void ModelListModel::remove(const QString& path) {
    const int row = indexOf(path);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_models.removeAt(row);
    endRemoveRows();
    emit countChanged();
}

void ModelListModel::setLoadedPath(const QString& path) {
    const int before = indexOf(m_loadedPath);
    moveMarker(m_loadedPath, path, IsLoadedRole);
    if (before >= 0) emitRowChanged(before, {InUseRole, BadgeRole});
    if (const int after = indexOf(path); after >= 0) emitRowChanged(after, {InUseRole, BadgeRole});
}

void ModelListModel::setLocalModelInUse(bool inUse) {
    if (inUse == m_localInUse) return;
    m_localInUse = inUse;
    if (const int row = indexOf(m_loadedPath); row >= 0) emitRowChanged(row, {InUseRole, BadgeRole});
}
void ModelListModel::setLoadingPath(const QString& path) { moveMarker(m_loadingPath, path, IsLoadingRole); }

void ModelListModel::moveMarker(QString& marker, const QString& path, int role) {
    if (path == marker) return;
    const int before = indexOf(marker);
    marker = path;
    if (before >= 0) emitRowChanged(before, {role});
    const int after = indexOf(path);
    if (after >= 0) emitRowChanged(after, {role});
}

void ModelListModel::setSystemMemory(const SystemMemory& memory) {
    if (memory.total == m_memory.total && memory.available == m_memory.available) return;
    m_memory = memory;
    if (!m_models.isEmpty())
        emit dataChanged(index(0), index(static_cast<int>(m_models.size()) - 1),
                         {MemoryAvailableRole, MemoryTotalRole, FitsRole, MemoryFitRole, ShowPlanRole});
}

void ModelListModel::emitRowChanged(int row, const QList<int>& roles) {
    emit dataChanged(index(row), index(row), roles);
}

} // namespace ponder::app
