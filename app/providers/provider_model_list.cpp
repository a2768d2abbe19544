#include "providers/provider_model_list.h"

namespace ponder::app {

ProviderModelList::ProviderModelList(QObject* parent) : QAbstractListModel(parent) {}

int ProviderModelList::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count(); }

QVariant ProviderModelList::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ProviderModel& m = m_provider.models[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case ModelIdRole: return m.id;
    case SamplingIgnoredRole: return samplingIgnored(m_provider, m);
    case SendSamplingRole: return sendsSampling(m_provider, m);
    case TemperatureRole: return m.temperature;
    case TopPRole: return m.topP;
    case MaxTokensRole: return m.maxTokens;
    case ThinkStartRole: return thinkStartText(m.thinkStart);
    case StartsInThoughtRole: return startsInsideThought(m);
    default: return {};
    }
}

QHash<int, QByteArray> ProviderModelList::roleNames() const {
    return {{ModelIdRole, "modelId"},         {SamplingIgnoredRole, "samplingIgnored"},
            {SendSamplingRole, "sendSampling"}, {TemperatureRole, "temperature"},
            {TopPRole, "topP"},               {MaxTokensRole, "maxTokens"},
            {ThinkStartRole, "thinkStart"},   {StartsInThoughtRole, "startsInThought"}};
}

void ProviderModelList::reset(const ProviderConfig& provider) {
    const int before = count();
    beginResetModel();
    m_provider = provider;
    endResetModel();
    if (count() != before) emit countChanged();
}

void ProviderModelList::setPreset(const QString& presetId) {
    if (presetId == m_provider.presetId) return;
    m_provider.presetId = presetId;
    if (count() > 0) emit dataChanged(index(0), index(count() - 1));
}

void ProviderModelList::append(const ProviderModel& model) {
    beginInsertRows({}, count(), count());
    m_provider.models.append(model);
    endInsertRows();
    emit countChanged();
}

void ProviderModelList::removeAt(int row) {
    if (row < 0 || row >= count()) return;
    beginRemoveRows({}, row, row);
    m_provider.models.removeAt(row);
    endRemoveRows();
    emit countChanged();
}

void ProviderModelList::replace(int row, const ProviderModel& model) {
    if (row < 0 || row >= count() || m_provider.models[row] == model) return;
    m_provider.models[row] = model;
    emit dataChanged(index(row), index(row));
}

} // namespace ponder::app
