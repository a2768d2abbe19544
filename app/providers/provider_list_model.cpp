#include "providers/provider_list_model.h"

namespace ponder::app {

ProviderListModel::ProviderListModel(QObject* parent) : QAbstractListModel(parent) {}

int ProviderListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count(); }

QVariant ProviderListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& row = m_rows[index.row()];
    const ProviderConfig& p = row.provider;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return p.name;
    case ProviderIdRole: return p.id;
    case PresetIdRole: return p.presetId;
    case PresetNameRole: return p.presetName();
    case BaseUrlRole: return p.baseUrl;
    case ModelsRole: {
        QStringList ids;
        for (const ProviderModel& m : p.models) ids << m.id;
        return ids;
    }
    case NeedsKeyRole: return p.needsKey();
    case KeySetRole: return row.keySet;
    case KeyMissingRole: return p.needsKey() && !row.keySet;
    case UrlNoteRole: {
        const ponder::remote::RemoteEndpoint e = p.endpoint();
        const QString refusal = e.check();
        return refusal.isEmpty() ? e.warning() : refusal;
    }
    default: return {};
    }
}

QHash<int, QByteArray> ProviderListModel::roleNames() const {
    return {{ProviderIdRole, "providerId"}, {NameRole, "name"},         {PresetIdRole, "presetId"},
            {PresetNameRole, "presetName"}, {BaseUrlRole, "baseUrl"},   {ModelsRole, "models"},
            {NeedsKeyRole, "needsKey"},     {KeySetRole, "keySet"},     {KeyMissingRole, "keyMissing"},
            {UrlNoteRole, "urlNote"}};
}

int ProviderListModel::indexOf(const QString& id) const {
    for (int i = 0; i < m_rows.size(); i++)
        if (m_rows[i].provider.id == id) return i;
    return -1;
}

void ProviderListModel::upsert(const ProviderConfig& provider, bool keySet) {
    const int row = indexOf(provider.id);
    if (row >= 0) {
        m_rows[row] = {provider, keySet};
        emit dataChanged(index(row), index(row));
        return;
    }
    beginInsertRows({}, count(), count());
    m_rows.append({provider, keySet});
    endInsertRows();
    emit countChanged();
}

void ProviderListModel::setKeySet(const QString& id, bool keySet) {
    const int row = indexOf(id);
    if (row < 0 || m_rows[row].keySet == keySet) return;
    m_rows[row].keySet = keySet;
    emit dataChanged(index(row), index(row), {KeySetRole, KeyMissingRole});
}

void ProviderListModel::remove(const QString& id) {
    const int row = indexOf(id);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    emit countChanged();
}

} // namespace ponder::app
