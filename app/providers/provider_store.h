// The configured remote providers: kept in the profile's INI file (QSettings, group "providers"),
// their API keys in a SecretStore keyed by provider id. The one place that adds, changes and
// deletes providers; the list model, the editor and the chat's model picker follow its signals.
//
// What is written where: name, kind, address, model ids and per-model settings go to the INI;
// the key goes only to the SecretStore. The INI records that a key was saved to a keychain (a
// boolean), so the app knows "key set" without unlocking the keychain at startup.
#pragma once

#include "providers/provider_config.h"
#include "providers/provider_list_model.h"
#include "providers/secret_store.h"

#include <QObject>
#include <QSet>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;
class QSettings;

namespace ponder::app {

class ProviderStore : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    Q_PROPERTY(ponder::app::ProviderListModel* providers READ providers CONSTANT)
    // [{id, name, baseUrl, needsKey, help}] from remote::provider_presets(), for "Add provider".
    Q_PROPERTY(QVariantList presets READ presets CONSTANT)
    // False when no keychain service runs: keys are kept for this session only.
    Q_PROPERTY(bool keysPersistent READ keysPersistent NOTIFY keysPersistentChanged)
    Q_PROPERTY(QString keyStorageNote READ keyStorageNote NOTIFY keysPersistentChanged)
public:
    // `settings`, `secrets` and `network` are the caller's and must outlive the store.
    ProviderStore(QSettings* settings, SecretStore* secrets, QNetworkAccessManager* network, QObject* parent = nullptr);

    ProviderListModel* providers() { return &m_list; }
    QVariantList presets() const;
    bool keysPersistent() const { return m_secrets->persistent(); }
    QString keyStorageNote() const;
    QNetworkAccessManager* network() const { return m_network; }

    QList<ProviderConfig> all() const { return m_providers; }
    // nullptr when there is no such provider; valid until the next change.
    const ProviderConfig* find(const QString& id) const;

    // Why `provider` cannot be saved (no name, an endpoint RemoteEndpoint::check() refuses, a
    // duplicate model id), or empty. `withKey`: whether a key is (or will be) sent to it.
    QString validate(const ProviderConfig& provider, bool withKey) const;
    // Adds a new provider (a fresh id is given when `provider.id` is empty) and returns its id;
    // empty with `error` set when validate() refuses it.
    QString add(ProviderConfig provider, QString* error = nullptr);
    // Replaces the provider with the same id. False (and `error`) when absent or invalid.
    bool update(const ProviderConfig& provider, QString* error = nullptr);
    // Deletes the provider and its key.
    Q_INVOKABLE void remove(const QString& id);

    Q_INVOKABLE bool keySet(const QString& id) const { return m_keySet.contains(id); }
    // Stores (or, when empty, deletes) the provider's key; refused with a reason in `done` when the
    // endpoint must not receive one (plain http beyond this machine).
    void setKey(const QString& id, const QString& key, QObject* context, SecretStore::Done done);
    // The key for a request. A key the keychain no longer has turns "key set" off.
    void readKey(const QString& id, QObject* context, SecretStore::ReadDone done);

signals:
    void providerChanged(const QString& id);  // added or edited
    void providerRemoved(const QString& id);
    void keyStateChanged(const QString& id);  // set, deleted, replaced, or found missing
    void keysPersistentChanged();

private:
    void load();
    void save(const ProviderConfig& provider);
    void markKey(const QString& id, bool set, bool replaced = false);
    int indexOf(const QString& id) const;

    QSettings* m_settings;
    SecretStore* m_secrets;
    QNetworkAccessManager* m_network;
    QList<ProviderConfig> m_providers;  // in the order they were added
    QSet<QString> m_keySet;
    ProviderListModel m_list;
};

} // namespace ponder::app
