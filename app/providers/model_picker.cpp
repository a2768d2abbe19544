#include "providers/model_picker.h"

#include "providers/provider_store.h"

#include <QSettings>

namespace ponder::app {

namespace {
const QString kProviderKey = QStringLiteral("chat/answerProvider");
const QString kModelKey = QStringLiteral("chat/answerModel");
} // namespace

ModelPicker::ModelPicker(ProviderStore* store, QSettings* settings, QObject* parent)
    : QAbstractListModel(parent), m_store(store), m_settings(settings) {
    connect(store, &ProviderStore::providerChanged, this, &ModelPicker::onProviderChanged);
    connect(store, &ProviderStore::providerRemoved, this, [this](const QString& id) {
        rebuild();
        if (id != m_providerId) return;
        setCurrent({}, {}, true);  // a deleted provider cannot come back: forget it
        emit localModelChosen();
    });
    connect(store, &ProviderStore::keyStateChanged, this, [this](const QString& id) {
        rebuild();
        if (id != m_providerId) return;
        const ProviderConfig* p = m_store->find(id);
        if (p && p->needsKey() && !m_store->keySet(id)) {
            // The key was deleted or is gone from the keychain: the chat must not keep the old one.
            setNotice(tr("Add an API key for %1 to use its models.").arg(p->name));
            setCurrent({}, {}, false);  // the saved choice stays for when the key is back
            emit localModelChosen();
        } else {
            resolve(id, m_modelId, false);  // a new key replaces the one the chat holds
        }
    });
    rebuild();
}

int ModelPicker::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }

QVariant ModelPicker::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case LabelRole: return r.label;
    case IsLocalRole: return r.providerId.isEmpty();
    case ProviderIdRole: return r.providerId;
    case ModelIdRole: return r.modelId;
    case KeyMissingRole: return r.keyMissing;
    case DetailRole: return r.keyMissing ? tr("Add an API key") : QString();
    case IsCurrentRole: return index.row() == currentIndex();
    default: return {};
    }
}

QHash<int, QByteArray> ModelPicker::roleNames() const {
    return {{LabelRole, "label"},           {IsLocalRole, "isLocal"},       {ProviderIdRole, "providerId"},
            {ModelIdRole, "modelId"},       {KeyMissingRole, "keyMissing"}, {DetailRole, "detail"},
            {IsCurrentRole, "isCurrent"}};
}

int ModelPicker::currentIndex() const {
    for (int i = 0; i < m_rows.size(); i++)
        if (m_rows[i].providerId == m_providerId && m_rows[i].modelId == m_modelId) return i;
    return 0;
}

QString ModelPicker::currentLabel() const { return m_rows.value(currentIndex()).label; }

void ModelPicker::rebuild() {
    beginResetModel();
    m_rows.clear();
    m_rows.append({{}, {}, m_localName.isEmpty() ? tr("This computer (no model loaded)") : tr("This computer · %1").arg(m_localName)});
    for (const ProviderConfig& p : m_store->all())
        for (const ProviderModel& m : p.models)
            m_rows.append({p.id, m.id, remoteModelLabel(p, m.id), p.needsKey() && !m_store->keySet(p.id)});
    endResetModel();
    emit currentChanged();
}

void ModelPicker::setLocalModelName(const QString& name) {
    if (name == m_localName) return;
    m_localName = name;
    m_rows[0].label = name.isEmpty() ? tr("This computer (no model loaded)") : tr("This computer · %1").arg(name);
    emit dataChanged(index(0), index(0), {LabelRole});
    if (!isRemote()) emit currentChanged();
}

void ModelPicker::setNotice(const QString& notice) {
    if (notice == m_notice) return;
    m_notice = notice;
    emit noticeChanged();
}

void ModelPicker::setCurrent(const QString& providerId, const QString& modelId, bool remember) {
    if (providerId.isEmpty()) m_serial++;  // a key read still pending for a remote choice is void
    if (remember) {
        m_settings->setValue(kProviderKey, providerId);
        m_settings->setValue(kModelKey, modelId);
        m_settings->sync();
    }
    if (providerId == m_providerId && modelId == m_modelId) return;
    m_providerId = providerId;
    m_modelId = modelId;
    emit currentChanged();
    if (!m_rows.isEmpty()) emit dataChanged(index(0), index(static_cast<int>(m_rows.size()) - 1), {IsCurrentRole});
}

void ModelPicker::restore() {
    const QString providerId = m_settings->value(kProviderKey).toString();
    const QString modelId = m_settings->value(kModelKey).toString();
    if (providerId.isEmpty() || !resolve(providerId, modelId, false)) emit localModelChosen();
}

void ModelPicker::choose(int row) {
    if (row < 0 || row >= m_rows.size()) return;
    if (row == 0) chooseLocal();
    else chooseRemote(m_rows[row].providerId, m_rows[row].modelId);
}

void ModelPicker::chooseLocal() {
    setNotice({});
    setCurrent({}, {}, true);
    emit localModelChosen();
}

bool ModelPicker::chooseRemote(const QString& providerId, const QString& modelId) { return resolve(providerId, modelId, true); }

bool ModelPicker::resolve(const QString& providerId, const QString& modelId, bool remember) {
    const ProviderConfig* p = m_store->find(providerId);
    if (!p || p->indexOfModel(modelId) < 0) return false;
    if (p->needsKey() && !m_store->keySet(providerId)) {
        setNotice(tr("Add an API key for %1 to use its models.").arg(p->name));
        if (remember) emit providerSetupRequested(providerId);
        return false;
    }
    const quint64 serial = ++m_serial;
    auto apply = [this, serial, providerId, modelId, remember](const QString& key) {
        const ProviderConfig* now = m_store->find(providerId);  // it may have changed meanwhile
        if (serial != m_serial || !now || now->indexOfModel(modelId) < 0) return;
        const RemoteTarget target = makeRemoteTarget(*now, now->models[now->indexOfModel(modelId)], key);
        setNotice({});
        setCurrent(providerId, modelId, remember);
        emit remoteTargetChosen(target);
    };
    // A provider without a key gets none; no keychain is opened for it.
    if (!m_store->keySet(providerId)) {
        apply({});
        return true;
    }
    const QString name = p->name;
    m_store->readKey(providerId, this,
                     [this, serial, name, providerId, remember, apply](SecretStore::Status status, const QString& key,
                                                                       const QString& error) {
                         if (serial != m_serial) return;
                         if (status == SecretStore::Status::Ok) return apply(key);
                         if (status == SecretStore::Status::NotFound) {
                             setNotice(tr("Add an API key for %1 to use its models.").arg(name));
                             if (remember) emit providerSetupRequested(providerId);
                             return;
                         }
                         setNotice(tr("The API key for %1 could not be read from the keychain: %2").arg(name, error));
                     });
    return true;
}

void ModelPicker::noteConversationSource(const QString& provider, const QString& model) {
    const bool local = provider.isEmpty() || provider == QLatin1String("local");
    if (local ? !isRemote() : (provider == m_providerId && model == m_modelId)) return;
    QString source;
    if (local) {
        source = tr("this computer");
    } else if (const ProviderConfig* p = m_store->find(provider)) {
        source = remoteModelLabel(*p, model);
    } else {
        source = tr("a provider that was since removed (%1)").arg(model);
    }
    setNotice({});  // the same notice again is still shown
    setNotice(tr("This conversation was answered by %1. New answers come from %2; choose in the model menu to change that.")
                  .arg(source, currentLabel()));
}

void ModelPicker::onProviderChanged(const QString& id) {
    rebuild();
    if (id != m_providerId) return;
    const ProviderConfig* p = m_store->find(id);
    if (p && p->indexOfModel(m_modelId) >= 0) {
        resolve(id, m_modelId, false);  // its address or the model's settings may have changed
        return;
    }
    setCurrent({}, {}, true);  // the chosen model was removed from the provider
    emit localModelChosen();
}

} // namespace ponder::app
