// Where the chat's answers come from: the local model or one model of a configured provider
// ("DeepSeek · deepseek-reasoner"). The chat header lists these rows; choosing one builds a
// RemoteTarget (endpoint with the key read from the SecretStore, model, sampling, inline-think
// start) and emits remoteTargetChosen, or emits localModelChosen. AppRoot connects those to
// ChatController::setRemoteTarget / useLocalModel.
//
// The choice is kept in settings (provider id + model) and restored at startup. A provider that
// needs a key and has none is never chosen: the row says "Add an API key" and choosing it asks
// for the provider's editor instead of failing on send. Edits to the chosen provider (address,
// key, sampling) re-emit the target; deleting it falls back to the local model.
#pragma once

#include "providers/provider_config.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

class QSettings;

namespace ponder::app {

class ProviderStore;

class ModelPicker : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    Q_PROPERTY(int currentIndex READ currentIndex NOTIFY currentChanged)
    Q_PROPERTY(QString currentLabel READ currentLabel NOTIFY currentChanged)
    Q_PROPERTY(bool remote READ isRemote NOTIFY currentChanged)
    // Why the last choice did not happen ("Add an API key for DeepSeek…"), or empty.
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
public:
    enum Role {
        LabelRole = Qt::UserRole + 1,  // "DeepSeek · deepseek-reasoner", "This computer · x.gguf"
        IsLocalRole,
        ProviderIdRole,
        ModelIdRole,
        KeyMissingRole,  // needs a key and has none
        DetailRole,      // "Add an API key", or empty
        IsCurrentRole,
    };
    Q_ENUM(Role)

    // `store` and `settings` are the caller's and must outlive the picker.
    ModelPicker(ProviderStore* store, QSettings* settings, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int currentIndex() const;
    QString currentLabel() const;
    bool isRemote() const { return !m_providerId.isEmpty(); }
    QString currentProviderId() const { return m_providerId; }
    QString currentModelId() const { return m_modelId; }
    QString notice() const { return m_notice; }

    // The local model's name for the first row (AppRoot: the loader's active model).
    void setLocalModelName(const QString& name);
    // The saved choice, applied at startup (signals as for a choice; nothing is re-saved).
    void restore();

    Q_INVOKABLE void choose(int row);
    Q_INVOKABLE void chooseLocal();
    // False when it cannot be chosen now (unknown, or a key is missing); a key read may still
    // refuse it later, with `notice` saying why.
    Q_INVOKABLE bool chooseRemote(const QString& providerId, const QString& modelId);
    // An opened conversation whose last answer came from elsewhere ("local": this computer, or a
    // provider id) gets a notice naming it. The choice itself is never switched behind the user's
    // back: someone who picked this computer for privacy must not be sent to a server by opening
    // an old conversation.
    void noteConversationSource(const QString& provider, const QString& model);

signals:
    void remoteTargetChosen(const ponder::app::RemoteTarget& target);
    void localModelChosen();
    void currentChanged();
    void noticeChanged();
    // The provider needs an API key before it can answer: open its editor.
    void providerSetupRequested(const QString& providerId);

private:
    struct Row {
        QString providerId, modelId, label;
        bool keyMissing = false;
    };
    void rebuild();
    // Reads the key and switches to the target; `remember` saves the choice.
    bool resolve(const QString& providerId, const QString& modelId, bool remember);
    void setCurrent(const QString& providerId, const QString& modelId, bool remember);
    void setNotice(const QString& notice);
    void onProviderChanged(const QString& id);

    ProviderStore* m_store;
    QSettings* m_settings;
    QString m_localName;
    QList<Row> m_rows;                 // row 0 is the local model
    QString m_providerId, m_modelId;   // the current choice; empty provider: local
    QString m_notice;
    quint64 m_serial = 0;              // a newer choice makes a pending key read stale
};

} // namespace ponder::app
