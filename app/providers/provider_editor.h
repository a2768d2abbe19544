// Adds or edits one provider from QML: a draft of its settings that QML binds to, the endpoint's
// refusal or warning recomputed as the base URL is typed, a write-only key field, "Test
// connection" (GET /v1/models, whose ids join the model list), models added and removed by hand
// with per-model defaults, and save() that refuses what ProviderStore::validate() refuses.
//   ProviderEditor { store: providerStore }   then  editor.startNew("deepseek") / editor.edit(id)
//
// The key typed here stays in this object's memory until save() hands it to the store's
// SecretStore; no property returns it (QML only sees keySet / keyEdited).
#pragma once

#include "providers/provider_config.h"
#include "providers/provider_model_list.h"

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ProviderStore;

class ProviderEditor : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("providers/provider_store.h")
    Q_PROPERTY(ponder::app::ProviderStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(QString providerId READ providerId NOTIFY draftChanged)  // empty while adding
    Q_PROPERTY(bool isNew READ isNew NOTIFY draftChanged)
    Q_PROPERTY(QString presetId READ presetId NOTIFY draftChanged)
    Q_PROPERTY(QString presetName READ presetName NOTIFY draftChanged)
    Q_PROPERTY(QString presetHelp READ presetHelp NOTIFY draftChanged)
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY draftChanged)
    Q_PROPERTY(QString baseUrl READ baseUrl WRITE setBaseUrl NOTIFY draftChanged)
    // RemoteEndpoint::check(): why this address is refused; saving is impossible while set.
    // Empty for an empty address nobody has edited yet.
    Q_PROPERTY(QString urlError READ urlError NOTIFY draftChanged)
    // RemoteEndpoint::warning(): plain http on the local network, shown but allowed.
    Q_PROPERTY(QString urlWarning READ urlWarning NOTIFY draftChanged)
    Q_PROPERTY(bool keyNeeded READ keyNeeded NOTIFY draftChanged)
    Q_PROPERTY(bool keySet READ keySet NOTIFY draftChanged)      // stored, or typed and not cleared
    Q_PROPERTY(bool keyEdited READ keyEdited NOTIFY draftChanged)  // typed or cleared, not yet saved
    Q_PROPERTY(bool canClearKey READ canClearKey NOTIFY draftChanged)  // a stored key, not being replaced
    Q_PROPERTY(QString keyHint READ keyHint NOTIFY draftChanged)       // the key field's placeholder
    Q_PROPERTY(ponder::app::ProviderModelList* models READ models CONSTANT)
    Q_PROPERTY(bool dirty READ dirty NOTIFY draftChanged)
    Q_PROPERTY(bool canSave READ canSave NOTIFY draftChanged)  // changed, valid, nothing in flight
    Q_PROPERTY(QString problem READ problem NOTIFY draftChanged)  // why save is refused, or empty
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)              // testing or saving the key
    Q_PROPERTY(QString testResult READ testResult NOTIFY testFinished)
    Q_PROPERTY(bool testOk READ testOk NOTIFY testFinished)
    Q_PROPERTY(QString saveError READ saveError NOTIFY saveErrorChanged)
    // Next to Save: a failed save's reason, else why Save is off (unless the address line says it);
    // empty until the user has changed something.
    Q_PROPERTY(QString saveNote READ saveNote NOTIFY saveNoteChanged)
public:
    explicit ProviderEditor(QObject* parent = nullptr);

    ProviderStore* store() const { return m_store; }
    void setStore(ProviderStore* store);

    Q_INVOKABLE void startNew(const QString& presetId);
    Q_INVOKABLE bool edit(const QString& providerId);  // false when there is no such provider

    QString providerId() const { return m_draft.id; }
    bool isNew() const { return m_draft.id.isEmpty(); }
    QString presetId() const { return m_draft.presetId; }
    QString presetName() const { return m_draft.presetName(); }
    QString presetHelp() const;
    QString name() const { return m_draft.name; }
    void setName(const QString& name);
    QString baseUrl() const { return m_draft.baseUrl; }
    void setBaseUrl(const QString& url);
    QString urlError() const;
    QString urlWarning() const;
    bool keyNeeded() const { return m_draft.needsKey(); }
    bool keySet() const;
    bool keyEdited() const { return m_keyEdited; }
    bool canClearKey() const { return keySet() && !m_keyEdited; }
    QString keyHint() const;
    ProviderModelList* models() { return &m_models; }
    bool dirty() const;
    bool canSave() const { return dirty() && problem().isEmpty() && !busy(); }
    QString problem() const;
    bool busy() const { return m_busy || m_testing; }
    QString testResult() const { return m_testResult; }
    bool testOk() const { return m_testOk; }
    QString saveError() const { return m_saveError; }
    QString saveNote() const;

    // The key field: write-only. An empty text clears a typed key (a stored key stays until
    // clearApiKey()).
    Q_INVOKABLE void setApiKey(const QString& key);
    Q_INVOKABLE void clearApiKey();

    // Adds a model id typed by hand; returns why not (empty, listed already) or empty.
    Q_INVOKABLE QString addModel(const QString& modelId);
    Q_INVOKABLE void removeModel(const QString& modelId);
    Q_INVOKABLE void setSendSampling(const QString& modelId, bool send);
    Q_INVOKABLE void setTemperature(const QString& modelId, double value);  // clamped to 0..2
    Q_INVOKABLE void setTopP(const QString& modelId, double value);         // clamped to 0..1
    Q_INVOKABLE void setMaxTokens(const QString& modelId, int value);       // 0: not sent
    Q_INVOKABLE void setThinkStart(const QString& modelId, const QString& mode);  // auto/inside/outside

    // Fetches the server's models with the draft's address and key; testFinished() follows.
    Q_INVOKABLE void testConnection();
    // Validates and stores the draft (and the key, if edited); saved() or saveError follow.
    Q_INVOKABLE bool save();

signals:
    void storeChanged();
    void draftChanged();
    void busyChanged();
    void testFinished();
    void saveErrorChanged();
    void saveNoteChanged();
    void saved(const QString& providerId);

private:
    bool savedKeyMayGoTo(const QString& baseUrl) const;
    bool savedKeyStranded() const;  // a saved key, not retyped, and the address moved away from it
    ProviderConfig current() const;  // the draft with the model list's models
    template <typename F> void changeModel(const QString& modelId, F change);
    void fetchWith(const QString& apiKey);
    void onModelsFetched(const QStringList& ids, const QString& error);
    void setBusy(bool saving, bool testing);
    void setSaveError(const QString& error);

    QPointer<ProviderStore> m_store;
    ProviderConfig m_draft;     // models live in m_models while editing
    ProviderConfig m_original;  // as stored (empty for a new one)
    ProviderModelList m_models;
    QString m_typedKey;
    bool m_keyEdited = false;
    // Something was typed or changed since the editor opened: until then no error is shown (a
    // fresh form in red says "you did something wrong" before the user did anything).
    bool m_touched = false;
    bool m_busy = false, m_testing = false;
    quint64 m_testSerial = 0;  // a newer test or edit makes an older answer stale
    QString m_testResult, m_saveError;
    bool m_testOk = false;
};

} // namespace ponder::app
