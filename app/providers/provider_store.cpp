#include "providers/provider_store.h"

#include "remote/provider_presets.h"

#include <QSettings>
#include <QUuid>

namespace ponder::app {

namespace {
const QString kGroup = QStringLiteral("providers");
} // namespace

ProviderStore::ProviderStore(QSettings* settings, SecretStore* secrets, QNetworkAccessManager* network, QObject* parent)
    : QObject(parent), m_settings(settings), m_secrets(secrets), m_network(network) {
    connect(m_secrets, &SecretStore::persistentChanged, this, &ProviderStore::keysPersistentChanged);
    load();
}

QVariantList ProviderStore::presets() const {
    QVariantList out;
    for (const ponder::remote::ProviderPreset& p : ponder::remote::provider_presets())
        out << QVariantMap{{QStringLiteral("id"), QString::fromStdString(p.id)},
                           {QStringLiteral("name"), QString::fromStdString(p.name)},
                           {QStringLiteral("baseUrl"), QString::fromStdString(p.base_url)},
                           {QStringLiteral("needsKey"), p.needs_key},
                           {QStringLiteral("help"), QString::fromStdString(p.help)}};
    return out;
}

QString ProviderStore::keyStorageNote() const {
    return keysPersistent() ? tr("API keys are kept in the system keychain.")
                            : tr("No system keychain is available: API keys are kept for this session only and "
                                 "must be entered again after Ponder restarts.");
}

const ProviderConfig* ProviderStore::find(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? nullptr : &m_providers[i];
}

int ProviderStore::indexOf(const QString& id) const {
    for (int i = 0; i < m_providers.size(); i++)
        if (m_providers[i].id == id) return i;
    return -1;
}

QString ProviderStore::validate(const ProviderConfig& provider, bool withKey) const {
    if (provider.name.trimmed().isEmpty()) return tr("Give the provider a name.");
    // A placeholder stands for the key: check() only asks whether one would be sent.
    const QString refusal = provider.endpoint(withKey ? QStringLiteral("key") : QString()).check();
    if (!refusal.isEmpty()) return refusal;
    QSet<QString> seen;
    for (const ProviderModel& m : provider.models) {
        if (m.id.trimmed().isEmpty()) return tr("A model id is empty.");
        if (seen.contains(m.id)) return tr("The model %1 is listed twice.").arg(m.id);
        seen.insert(m.id);
    }
    return {};
}

QString ProviderStore::add(ProviderConfig provider, QString* error) {
    if (provider.id.isEmpty() || indexOf(provider.id) >= 0) provider.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString why = validate(provider, false);
    if (!why.isEmpty()) {
        if (error) *error = why;
        return {};
    }
    m_providers.append(provider);
    save(provider);
    m_list.upsert(provider, false);
    emit providerChanged(provider.id);
    return provider.id;
}

bool ProviderStore::update(const ProviderConfig& provider, QString* error) {
    const int i = indexOf(provider.id);
    const QString why = i < 0 ? tr("This provider was deleted.") : validate(provider, keySet(provider.id));
    if (!why.isEmpty()) {
        if (error) *error = why;
        return false;
    }
    if (m_providers[i] == provider) return true;
    m_providers[i] = provider;
    save(provider);
    m_list.upsert(provider, keySet(provider.id));
    emit providerChanged(provider.id);
    return true;
}

void ProviderStore::remove(const QString& id) {
    const int i = indexOf(id);
    if (i < 0) return;
    m_providers.removeAt(i);
    m_settings->remove(kGroup + QLatin1Char('/') + id);
    QStringList order;
    for (const ProviderConfig& p : m_providers) order << p.id;
    m_settings->setValue(kGroup + QStringLiteral("/order"), order);
    m_settings->sync();
    m_keySet.remove(id);
    // The key goes with the provider; a keychain that fails here leaves an orphan entry that no
    // provider id can reach again, which is logged rather than shown (the provider is gone).
    m_secrets->remove(id, this, [id](SecretStore::Status status, const QString& error) {
        if (status != SecretStore::Status::Ok)
            qWarning("ponder: could not delete the API key of provider %s: %s", qPrintable(id), qPrintable(error));
    });
    m_list.remove(id);
    emit providerRemoved(id);
}

void ProviderStore::markKey(const QString& id, bool set, bool replaced) {
    if (set == m_keySet.contains(id)) {
        if (replaced) emit keyStateChanged(id);  // a new key: whoever holds the old one needs this one
        return;
    }
    if (set) m_keySet.insert(id);
    else m_keySet.remove(id);
    // Only a key in a real keychain outlives the session, so only the keychain's state is
    // recorded (a session without one must not erase what another session saved there).
    if (m_secrets->persistent()) {
        m_settings->setValue(kGroup + QLatin1Char('/') + id + QStringLiteral("/keySaved"), set);
        m_settings->sync();
    }
    m_list.setKeySet(id, set);
    emit keyStateChanged(id);
}

void ProviderStore::setKey(const QString& id, const QString& key, QObject* context, SecretStore::Done done) {
    const ProviderConfig* p = find(id);
    if (!p) return done(SecretStore::Status::Failed, tr("This provider was deleted."));
    const QString trimmed = key.trimmed();
    if (trimmed.isEmpty()) {
        m_secrets->remove(id, context, [this, id, done](SecretStore::Status status, const QString& error) {
            if (status == SecretStore::Status::Ok) markKey(id, false);
            done(status, error);
        });
        return;
    }
    const QString refusal = p->endpoint(trimmed).check();
    if (!refusal.isEmpty()) return done(SecretStore::Status::Failed, refusal);
    m_secrets->write(id, trimmed, context, [this, id, done](SecretStore::Status status, const QString& error) {
        if (status == SecretStore::Status::Ok && indexOf(id) >= 0) markKey(id, true, true);
        done(status, error);
    });
}

void ProviderStore::readKey(const QString& id, QObject* context, SecretStore::ReadDone done) {
    m_secrets->read(id, context, [this, id, done](SecretStore::Status status, const QString& key, const QString& error) {
        if (status == SecretStore::Status::NotFound) markKey(id, false);
        else if (status == SecretStore::Status::Ok) markKey(id, !key.isEmpty());
        done(status, key, error);
    });
}

void ProviderStore::load() {
    const QStringList order = m_settings->value(kGroup + QStringLiteral("/order")).toStringList();
    for (const QString& id : order) {
        if (id.isEmpty() || indexOf(id) >= 0) continue;
        m_settings->beginGroup(kGroup + QLatin1Char('/') + id);
        ProviderConfig p;
        p.id = id;
        p.presetId = m_settings->value(QStringLiteral("presetId"), QStringLiteral("custom")).toString();
        p.name = m_settings->value(QStringLiteral("name")).toString();
        p.baseUrl = m_settings->value(QStringLiteral("baseUrl")).toString();
        const bool keySaved = m_settings->value(QStringLiteral("keySaved"), false).toBool();
        const int n = m_settings->beginReadArray(QStringLiteral("models"));
        for (int i = 0; i < n; i++) {
            m_settings->setArrayIndex(i);
            ProviderModel m = defaultModelSettings(m_settings->value(QStringLiteral("id")).toString());
            const QVariant send = m_settings->value(QStringLiteral("sendSampling"));
            if (send.isValid()) m.sendSampling = send.toBool();
            m.temperature = std::clamp(m_settings->value(QStringLiteral("temperature"), m.temperature).toDouble(), 0.0, 2.0);
            m.topP = std::clamp(m_settings->value(QStringLiteral("topP"), m.topP).toDouble(), 0.0, 1.0);
            m.maxTokens = std::max(0, m_settings->value(QStringLiteral("maxTokens"), 0).toInt());
            m.thinkStart = thinkStartFromText(m_settings->value(QStringLiteral("thinkStart")).toString());
            if (!m.id.isEmpty() && p.indexOfModel(m.id) < 0) p.models << m;
        }
        m_settings->endArray();
        m_settings->endGroup();
        if (p.name.isEmpty()) p.name = p.presetName();
        m_providers.append(p);
        if (keySaved) m_keySet.insert(id);
        m_list.upsert(p, keySaved);
    }
}

void ProviderStore::save(const ProviderConfig& p) {
    const QString group = kGroup + QLatin1Char('/') + p.id;
    const bool keySaved = m_settings->value(group + QStringLiteral("/keySaved"), false).toBool();
    m_settings->remove(group);  // no stale model entries survive a shorter list
    m_settings->beginGroup(group);
    m_settings->setValue(QStringLiteral("presetId"), p.presetId);
    m_settings->setValue(QStringLiteral("name"), p.name);
    m_settings->setValue(QStringLiteral("baseUrl"), p.baseUrl.trimmed());
    if (keySaved) m_settings->setValue(QStringLiteral("keySaved"), true);
    m_settings->beginWriteArray(QStringLiteral("models"), static_cast<int>(p.models.size()));
    for (int i = 0; i < p.models.size(); i++) {
        const ProviderModel& m = p.models[i];
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("id"), m.id);
        if (m.sendSampling) m_settings->setValue(QStringLiteral("sendSampling"), *m.sendSampling);
        m_settings->setValue(QStringLiteral("temperature"), m.temperature);
        m_settings->setValue(QStringLiteral("topP"), m.topP);
        if (m.maxTokens > 0) m_settings->setValue(QStringLiteral("maxTokens"), m.maxTokens);
        if (m.thinkStart != ThinkStart::Auto) m_settings->setValue(QStringLiteral("thinkStart"), thinkStartText(m.thinkStart));
    }
    m_settings->endArray();
    m_settings->endGroup();
    QStringList order;
    for (const ProviderConfig& c : m_providers) order << c.id;
    m_settings->setValue(kGroup + QStringLiteral("/order"), order);
    m_settings->sync();
}

} // namespace ponder::app
