#include "providers/provider_editor.h"

#include "providers/provider_store.h"
#include "remote/provider_presets.h"
#include "remote/remote_chat.h"

namespace ponder::app {

ProviderEditor::ProviderEditor(QObject* parent) : QObject(parent) {
    connect(this, &ProviderEditor::draftChanged, this, &ProviderEditor::saveNoteChanged);
    connect(this, &ProviderEditor::saveErrorChanged, this, &ProviderEditor::saveNoteChanged);
}

void ProviderEditor::setStore(ProviderStore* store) {
    if (store == m_store) return;
    if (m_store) disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (store) {
        // "key set" follows the store (a key read that finds none, a save elsewhere).
        connect(store, &ProviderStore::keyStateChanged, this, [this](const QString& id) {
            if (id == m_draft.id) emit draftChanged();
        });
    }
    emit storeChanged();
    emit draftChanged();
}

void ProviderEditor::startNew(const QString& presetId) {
    m_draft = providerFromPreset(presetId);
    m_original = {};
    m_models.reset(m_draft);
    m_typedKey.clear();
    m_keyEdited = false;
    m_touched = false;
    m_testSerial++;
    m_testResult.clear();
    m_testOk = false;
    setSaveError({});
    emit draftChanged();
    emit testFinished();
}

bool ProviderEditor::edit(const QString& providerId) {
    const ProviderConfig* p = m_store ? m_store->find(providerId) : nullptr;
    if (!p) return false;
    startNew(p->presetId);
    m_draft = *p;
    m_original = *p;
    m_models.reset(*p);
    emit draftChanged();
    return true;
}

QString ProviderEditor::presetHelp() const {
    const ponder::remote::ProviderPreset* p = ponder::remote::find_preset(m_draft.presetId.toStdString());
    return p ? QString::fromStdString(p->help) : QString();
}

void ProviderEditor::setName(const QString& name) {
    if (name == m_draft.name) return;
    m_draft.name = name;
    m_touched = true;
    emit draftChanged();
}

void ProviderEditor::setBaseUrl(const QString& url) {
    if (url == m_draft.baseUrl) return;
    m_draft.baseUrl = url;
    m_touched = true;
    m_testSerial++;  // a test of the old address says nothing about the new one
    m_testResult.clear();
    m_testOk = false;
    emit draftChanged();
    emit testFinished();
}

QString ProviderEditor::urlError() const {
    if (!m_touched && m_draft.baseUrl.trimmed().isEmpty()) return {};
    return m_draft.endpoint().check();
}

QString ProviderEditor::urlWarning() const {
    // With a key the warning says the key is readable too.
    return m_draft.endpoint(keySet() ? QStringLiteral("key") : QString()).warning();
}

bool ProviderEditor::keySet() const {
    if (m_keyEdited) return !m_typedKey.isEmpty();
    return !isNew() && m_store && m_store->keySet(m_draft.id);
}

QString ProviderEditor::keyHint() const {
    if (m_keyEdited && m_typedKey.isEmpty()) return tr("The saved key will be deleted");
    if (keySet()) return tr("A key is saved; type a new one to replace it");
    return keyNeeded() ? tr("Required: paste your API key") : tr("Optional: only if the server was started with one");
}

ProviderConfig ProviderEditor::current() const {
    ProviderConfig c = m_draft;
    c.name = c.name.trimmed();
    c.baseUrl = c.baseUrl.trimmed();
    c.models = m_models.models();
    return c;
}

bool ProviderEditor::dirty() const { return m_keyEdited || current() != m_original; }

bool ProviderEditor::savedKeyMayGoTo(const QString& baseUrl) const {
    // The saved key was given for one server: it follows a change of port or path, never a move
    // to another host or from https down to http.
    const QUrl before(m_original.baseUrl.trimmed()), after(baseUrl.trimmed());
    const bool downgrade = before.scheme() == QLatin1String("https") && after.scheme() != QLatin1String("https");
    return before.host().compare(after.host(), Qt::CaseInsensitive) == 0 && !downgrade;
}

bool ProviderEditor::savedKeyStranded() const {
    return !isNew() && !m_keyEdited && m_store && m_store->keySet(m_draft.id) && !savedKeyMayGoTo(m_draft.baseUrl);
}

QString ProviderEditor::problem() const {
    if (!m_store) return tr("Not connected to the provider list.");
    if (savedKeyStranded())
        return tr("The address now points elsewhere: type the API key again for it, or clear the key. "
                  "The saved key is only sent to %1.").arg(QUrl(m_original.baseUrl.trimmed()).host());
    return m_store->validate(current(), keySet());
}

QString ProviderEditor::saveNote() const {
    if (!m_saveError.isEmpty()) return m_saveError;
    if (!m_touched) return {};
    const QString why = problem();
    return why == urlError() ? QString() : why;
}

void ProviderEditor::setApiKey(const QString& key) {
    const QString trimmed = key.trimmed();
    // Clearing the field only forgets what was typed; a stored key goes with clearApiKey().
    const bool edited = !trimmed.isEmpty();
    if (edited == m_keyEdited && trimmed == m_typedKey) return;
    m_typedKey = trimmed;
    m_keyEdited = edited;
    m_touched = true;
    emit draftChanged();
}

void ProviderEditor::clearApiKey() {
    m_typedKey.clear();
    m_keyEdited = !isNew() && m_store && m_store->keySet(m_draft.id);  // a stored one is deleted on save
    m_touched = true;
    emit draftChanged();
}

QString ProviderEditor::addModel(const QString& modelId) {
    const QString id = modelId.trimmed();
    if (id.isEmpty()) return tr("Type the model's id as the server names it.");
    if (current().indexOfModel(id) >= 0) return tr("%1 is listed already.").arg(id);
    m_models.append(defaultModelSettings(id));
    m_touched = true;
    emit draftChanged();
    return {};
}

void ProviderEditor::removeModel(const QString& modelId) {
    m_models.removeAt(current().indexOfModel(modelId));
    m_touched = true;
    emit draftChanged();
}

template <typename F> void ProviderEditor::changeModel(const QString& modelId, F change) {
    const int row = current().indexOfModel(modelId);
    if (row < 0) return;
    ProviderModel m = m_models.models()[row];
    change(m);
    m_models.replace(row, m);
    m_touched = true;
    emit draftChanged();
}

void ProviderEditor::setSendSampling(const QString& modelId, bool send) {
    changeModel(modelId, [&](ProviderModel& m) { m.sendSampling = send; });
}
void ProviderEditor::setTemperature(const QString& modelId, double value) {
    changeModel(modelId, [&](ProviderModel& m) { m.temperature = std::clamp(value, 0.0, 2.0); });
}
void ProviderEditor::setTopP(const QString& modelId, double value) {
    changeModel(modelId, [&](ProviderModel& m) { m.topP = std::clamp(value, 0.0, 1.0); });
}
void ProviderEditor::setMaxTokens(const QString& modelId, int value) {
    changeModel(modelId, [&](ProviderModel& m) { m.maxTokens = std::max(0, value); });
}
void ProviderEditor::setThinkStart(const QString& modelId, const QString& mode) {
    changeModel(modelId, [&](ProviderModel& m) { m.thinkStart = thinkStartFromText(mode); });
}

void ProviderEditor::setBusy(bool saving, bool testing) {
    const bool before = busy();
    m_busy = saving;
    m_testing = testing;
    if (busy() != before) emit busyChanged();
    emit draftChanged();  // canSave
}

void ProviderEditor::setSaveError(const QString& error) {
    if (error == m_saveError) return;
    m_saveError = error;
    emit saveErrorChanged();
}

void ProviderEditor::testConnection() {
    if (!m_store) return;
    const quint64 serial = ++m_testSerial;
    if (const QString refused = urlError(); !refused.isEmpty()) return onModelsFetched({}, refused);
    setBusy(m_busy, true);
    // A saved key is never sent to an address it was not given for (see savedKeyMayGoTo).
    if (m_keyEdited || isNew() || !m_store->keySet(m_draft.id) || savedKeyStranded()) return fetchWith(m_typedKey);
    m_store->readKey(m_draft.id, this, [this, serial](SecretStore::Status status, const QString& key, const QString& error) {
        if (serial != m_testSerial) return;
        if (status == SecretStore::Status::Failed)
            return onModelsFetched({}, tr("The API key could not be read from the keychain: %1").arg(error));
        fetchWith(key);
    });
}

void ProviderEditor::fetchWith(const QString& apiKey) {
    const quint64 serial = m_testSerial;
    auto* list = new ponder::remote::RemoteModelList(m_store->network(), this);
    connect(list, &ponder::remote::RemoteModelList::finished, this,
            [this, list, serial](const QStringList& ids, const QString& error) {
                list->deleteLater();
                if (serial == m_testSerial) onModelsFetched(ids, error);
            });
    list->fetch(current().endpoint(apiKey));
}

void ProviderEditor::onModelsFetched(const QStringList& ids, const QString& error) {
    m_testOk = error.isEmpty();
    if (!m_testOk) {
        m_testResult = error;
    } else {
        int added = 0;
        for (const QString& id : ids)
            if (current().indexOfModel(id) < 0) {
                m_models.append(defaultModelSettings(id));
                added++;
            }
        m_testResult = added > 0 ? tr("Connected: the server offers %n model(s); %1 added to the list.", "", int(ids.size()))
                                       .arg(added)
                                 : tr("Connected: the server offers %n model(s).", "", int(ids.size()));
    }
    setBusy(m_busy, false);
    emit testFinished();
}

bool ProviderEditor::save() {
    if (m_busy) return false;
    if (const QString why = problem(); !why.isEmpty()) {
        setSaveError(why);
        return false;
    }
    QString error;
    ProviderConfig c = current();
    if (isNew()) {
        c.id = m_store->add(c, &error);
        if (c.id.isEmpty()) {
            setSaveError(error);
            return false;
        }
    } else if (!m_store->update(c, &error)) {
        setSaveError(error);
        return false;
    }
    m_draft = c;
    m_original = c;
    setSaveError({});
    if (!m_keyEdited) {
        emit draftChanged();
        emit saved(c.id);
        return true;
    }
    setBusy(true, m_testing);
    m_store->setKey(c.id, m_typedKey, this, [this, id = c.id](SecretStore::Status status, const QString& why) {
        if (status == SecretStore::Status::Ok) {
            m_typedKey.clear();
            m_keyEdited = false;
        } else {
            setSaveError(tr("The settings were saved, but the API key was not: %1").arg(why));
        }
        setBusy(false, m_testing);
        if (status == SecretStore::Status::Ok) emit saved(id);
    });
    return true;
}

} // namespace ponder::app
