// The chat's model picker: its rows (the local model, every provider's models), the RemoteTarget a
// choice produces (endpoint with the key from the SecretStore, sampling as the provider's settings
// say, inline-think start), "Add an API key" instead of a choice that would fail on send, the
// choice kept across restarts, and edits or deletion of the chosen provider reaching the chat.
#include "providers/model_picker.h"
#include "providers/provider_store.h"

#include <QAbstractItemModelTester>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

namespace {

class PersistentMemoryStore : public MemorySecretStore {
public:
    bool persistent() const override { return true; }
};

struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath("settings.ini"), QSettings::IniFormat};
    PersistentMemoryStore secrets;
    ProviderStore store{&settings, &secrets, nullptr};
    QString deepseek, ollama;

    Fixture() {
        deepseek = store.add(providerFromPreset(QStringLiteral("deepseek")));
        ProviderConfig o = providerFromPreset(QStringLiteral("ollama"));
        ProviderModel r1 = defaultModelSettings(QStringLiteral("deepseek-r1:14b"));
        r1.temperature = 0.55;
        r1.maxTokens = 8000;
        o.models = {r1, defaultModelSettings(QStringLiteral("llama3.2"))};
        ollama = store.add(o);
    }
    void setKey(const QString& id, const QString& key) {
        bool done = false;
        store.setKey(id, key, &store, [&](SecretStore::Status, const QString&) { done = true; });
        QTRY_VERIFY(done);
    }
};

int rowOf(const ModelPicker& picker, const QString& label) {
    for (int i = 0; i < picker.rowCount(); i++)
        if (picker.index(i).data(ModelPicker::LabelRole).toString() == label) return i;
    return -1;
}

RemoteTarget lastTarget(const QSignalSpy& spy) { return spy.last().at(0).value<RemoteTarget>(); }

} // namespace

class TestModelPicker : public QObject {
    Q_OBJECT

private slots:
    void rowsAndTargets() {
        Fixture f;
        f.setKey(f.deepseek, QStringLiteral("sk-deepseek"));
        ModelPicker picker(&f.store, &f.settings);
        QAbstractItemModelTester tester(&picker, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(picker.rowCount(), 5);  // local + 2 DeepSeek + 2 Ollama
        QCOMPARE(picker.index(0).data(ModelPicker::LabelRole).toString(), QStringLiteral("This computer (no model loaded)"));
        picker.setLocalModelName(QStringLiteral("ponder-demo.gguf"));
        QCOMPARE(picker.currentLabel(), QStringLiteral("This computer · ponder-demo.gguf"));
        QVERIFY(!picker.isRemote());

        QSignalSpy remote(&picker, &ModelPicker::remoteTargetChosen);
        QSignalSpy local(&picker, &ModelPicker::localModelChosen);
        const int reasoner = rowOf(picker, QStringLiteral("DeepSeek · deepseek-reasoner"));
        QVERIFY(reasoner > 0);
        picker.choose(reasoner);
        QTRY_COMPARE(remote.count(), 1);
        RemoteTarget t = lastTarget(remote);
        QCOMPARE(t.providerId, f.deepseek);
        QCOMPARE(t.model, QStringLiteral("deepseek-reasoner"));
        QCOMPARE(t.endpoint.presetId, QStringLiteral("deepseek"));
        QCOMPARE(t.endpoint.providerName, QStringLiteral("DeepSeek"));
        QCOMPARE(t.endpoint.baseUrl, QStringLiteral("https://api.deepseek.com"));
        QCOMPARE(t.endpoint.apiKey, QStringLiteral("sk-deepseek"));
        QVERIFY(!t.sampling.temperature && !t.sampling.top_p && !t.sampling.max_tokens);  // the reasoner: none
        QVERIFY(t.inlineThinkOpen);
        QVERIFY(picker.isRemote());
        QCOMPARE(picker.currentIndex(), reasoner);
        QCOMPARE(picker.currentLabel(), QStringLiteral("DeepSeek · deepseek-reasoner"));
        QVERIFY(picker.index(reasoner).data(ModelPicker::IsCurrentRole).toBool());

        picker.choose(rowOf(picker, QStringLiteral("Ollama · deepseek-r1:14b")));
        QTRY_COMPARE(remote.count(), 2);
        t = lastTarget(remote);
        QCOMPARE(t.endpoint.apiKey, QString());  // Ollama: no key, no keychain opened
        QCOMPARE(t.endpoint.baseUrl, QStringLiteral("http://localhost:11434/v1"));
        QCOMPARE(t.sampling.temperature, std::optional<double>(0.55));
        QCOMPARE(t.sampling.top_p, std::optional<double>(0.95));
        QCOMPARE(t.sampling.max_tokens, std::optional<int>(8000));
        QVERIFY(t.inlineThinkOpen);

        picker.choose(rowOf(picker, QStringLiteral("Ollama · llama3.2")));
        QTRY_COMPARE(remote.count(), 3);
        t = lastTarget(remote);
        QVERIFY(!t.sampling.temperature && !t.sampling.top_p);  // not R1-like: the server's defaults
        QVERIFY(!t.inlineThinkOpen);

        picker.choose(0);
        QCOMPARE(local.count(), 1);
        QVERIFY(!picker.isRemote());
        QCOMPARE(picker.currentIndex(), 0);
    }

    void reopenedConversationsNameTheirSourceButNeverSwitch() {
        Fixture f;
        ModelPicker picker(&f.store, &f.settings);
        picker.setLocalModelName(QStringLiteral("ponder-demo.gguf"));
        QSignalSpy remote(&picker, &ModelPicker::remoteTargetChosen);
        QSignalSpy local(&picker, &ModelPicker::localModelChosen);
        QSignalSpy notices(&picker, &ModelPicker::noticeChanged);
        // Chosen: this computer. A conversation Ollama answered says so and stays local.
        picker.noteConversationSource(f.ollama, QStringLiteral("deepseek-r1:14b"));
        QVERIFY2(picker.notice().contains(QStringLiteral("answered by Ollama · deepseek-r1:14b")), qPrintable(picker.notice()));
        QVERIFY(picker.notice().contains(QStringLiteral("This computer · ponder-demo.gguf")));
        QVERIFY(!picker.isRemote());
        QCOMPARE(remote.count(), 0);
        // The same source as the choice: nothing to say.
        const int before = static_cast<int>(notices.count());
        picker.noteConversationSource(QStringLiteral("local"), QStringLiteral("ponder-demo.gguf"));
        QCOMPARE(notices.count(), before);
        picker.noteConversationSource(QStringLiteral("gone"), QStringLiteral("m"));
        QVERIFY(picker.notice().contains(QStringLiteral("since removed")));
        // Chosen: Ollama. A local conversation says so and the choice stays Ollama.
        QVERIFY(picker.chooseRemote(f.ollama, QStringLiteral("deepseek-r1:14b")));
        QTRY_COMPARE(remote.count(), 1);
        picker.noteConversationSource(QStringLiteral("local"), QStringLiteral("ponder-demo.gguf"));
        QVERIFY(picker.notice().contains(QStringLiteral("answered by this computer")));
        QVERIFY(picker.isRemote());
        QCOMPARE(local.count(), 0);
    }

    void missingKeyAsksForOne() {
        Fixture f;
        ModelPicker picker(&f.store, &f.settings);
        QSignalSpy remote(&picker, &ModelPicker::remoteTargetChosen);
        QSignalSpy setup(&picker, &ModelPicker::providerSetupRequested);
        const int row = rowOf(picker, QStringLiteral("DeepSeek · deepseek-chat"));
        QVERIFY(picker.index(row).data(ModelPicker::KeyMissingRole).toBool());
        QCOMPARE(picker.index(row).data(ModelPicker::DetailRole).toString(), QStringLiteral("Add an API key"));
        picker.choose(row);
        QCOMPARE(setup.count(), 1);
        QCOMPARE(setup[0][0].toString(), f.deepseek);
        QVERIFY(picker.notice().contains(QStringLiteral("Add an API key for DeepSeek")));
        QCOMPARE(remote.count(), 0);
        QVERIFY(!picker.isRemote());

        // Once the key is there the same choice works and the notice goes.
        f.setKey(f.deepseek, QStringLiteral("sk-late"));
        QVERIFY(!picker.index(row).data(ModelPicker::KeyMissingRole).toBool());
        QVERIFY(picker.chooseRemote(f.deepseek, QStringLiteral("deepseek-chat")));
        QTRY_COMPARE(remote.count(), 1);
        QCOMPARE(lastTarget(remote).endpoint.apiKey, QStringLiteral("sk-late"));
        QCOMPARE(picker.notice(), QString());
    }

    void choiceSurvivesARestart() {
        Fixture f;
        f.setKey(f.deepseek, QStringLiteral("sk-restart"));
        {
            ModelPicker picker(&f.store, &f.settings);
            QSignalSpy remote(&picker, &ModelPicker::remoteTargetChosen);
            QVERIFY(picker.chooseRemote(f.deepseek, QStringLiteral("deepseek-reasoner")));
            QTRY_COMPARE(remote.count(), 1);
        }
        QSettings settings(f.settings.fileName(), QSettings::IniFormat);
        ProviderStore store(&settings, &f.secrets, nullptr);
        ModelPicker picker(&store, &settings);
        QSignalSpy remote(&picker, &ModelPicker::remoteTargetChosen);
        QSignalSpy local(&picker, &ModelPicker::localModelChosen);
        picker.restore();
        QTRY_COMPARE(remote.count(), 1);
        QCOMPARE(lastTarget(remote).model, QStringLiteral("deepseek-reasoner"));
        QCOMPARE(lastTarget(remote).endpoint.apiKey, QStringLiteral("sk-restart"));
        QCOMPARE(local.count(), 0);
        QCOMPARE(picker.currentLabel(), QStringLiteral("DeepSeek · deepseek-reasoner"));

        picker.chooseLocal();
        ModelPicker again(&store, &settings);
        QSignalSpy againLocal(&again, &ModelPicker::localModelChosen);
        again.restore();
        QCOMPARE(againLocal.count(), 1);
        QVERIFY(!again.isRemote());
    }

    void editsAndDeletionReachTheChat() {
        Fixture f;
        f.setKey(f.deepseek, QStringLiteral("sk-one"));
        ModelPicker picker(&f.store, &f.settings);
        QSignalSpy remote(&picker, &ModelPicker::remoteTargetChosen);
        QSignalSpy local(&picker, &ModelPicker::localModelChosen);
        QVERIFY(picker.chooseRemote(f.ollama, QStringLiteral("deepseek-r1:14b")));
        QTRY_COMPARE(remote.count(), 1);

        ProviderConfig o = *f.store.find(f.ollama);
        o.models[0].temperature = 0.7;
        o.baseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
        QVERIFY(f.store.update(o));
        QTRY_COMPARE(remote.count(), 2);
        QCOMPARE(lastTarget(remote).sampling.temperature, std::optional<double>(0.7));
        QCOMPARE(lastTarget(remote).endpoint.baseUrl, QStringLiteral("http://127.0.0.1:11434/v1"));

        QVERIFY(picker.chooseRemote(f.deepseek, QStringLiteral("deepseek-chat")));
        QTRY_COMPARE(remote.count(), 3);
        f.setKey(f.deepseek, QStringLiteral("sk-two"));  // a replaced key reaches the chat
        QTRY_COMPARE(remote.count(), 4);
        QCOMPARE(lastTarget(remote).endpoint.apiKey, QStringLiteral("sk-two"));
        f.setKey(f.deepseek, QString());  // a deleted one sends the chat back to the local model
        QCOMPARE(local.count(), 1);
        QVERIFY(!picker.isRemote());
        QVERIFY(picker.notice().contains(QStringLiteral("Add an API key")));

        QVERIFY(picker.chooseRemote(f.ollama, QStringLiteral("llama3.2")));
        QTRY_COMPARE(remote.count(), 5);
        const int before = picker.rowCount();
        f.store.remove(f.ollama);
        QCOMPARE(local.count(), 2);
        QCOMPARE(picker.rowCount(), before - 2);
        ModelPicker restarted(&f.store, &f.settings);
        QSignalSpy restartedLocal(&restarted, &ModelPicker::localModelChosen);
        restarted.restore();
        QCOMPARE(restartedLocal.count(), 1);  // the deleted provider is not the saved choice any more
    }
};

QTEST_GUILESS_MAIN(TestModelPicker)
#include "test_model_picker.moc"
