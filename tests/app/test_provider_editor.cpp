// The provider editor QML binds to: the endpoint's refusal or warning as the address is typed,
// saving refused while it is refused, the write-only key, per-model defaults, and "Test
// connection" against a tiny /v1/models server (the model ids join the list; a 401 gives the
// readable message, never the key).
#include "provider_test_server.h"
#include "providers/provider_editor.h"
#include "providers/provider_store.h"
#include "remote/http_errors.h"

#include <QAbstractItemModelTester>
#include <QMetaProperty>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

namespace {

struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath("settings.ini"), QSettings::IniFormat};
    MemorySecretStore secrets;
    QNetworkAccessManager network;
    ProviderStore store{&settings, &secrets, &network};
    ProviderEditor editor;
    Fixture() { editor.setStore(&store); }
};

QStringList modelIds(ProviderModelList* list) {
    QStringList ids;
    for (int i = 0; i < list->rowCount(); i++) ids << list->index(i).data(ProviderModelList::ModelIdRole).toString();
    return ids;
}

} // namespace

class TestProviderEditor : public QObject {
    Q_OBJECT

private slots:
    void addressIsCheckedAsItIsTyped() {
        Fixture f;
        f.editor.startNew(QStringLiteral("custom"));
        QVERIFY(f.editor.isNew());
        // A fresh form shows no error before anything is typed (it was red from the start)...
        QCOMPARE(f.editor.urlError(), QString());
        QCOMPARE(f.editor.saveNote(), QString());
        QVERIFY(!f.editor.canSave());  // ...but cannot be saved without an address
        f.editor.setName(QStringLiteral("Mine"));
        QVERIFY(!f.editor.urlError().isEmpty());  // once the user works on it, the empty address is said
        QCOMPARE(f.editor.saveNote(), QString());  // the address line already says why

        QSignalSpy changed(&f.editor, &ProviderEditor::draftChanged);
        f.editor.setBaseUrl(QStringLiteral("http://api.example.com/v1"));
        QCOMPARE(changed.count(), 1);
        QVERIFY2(f.editor.urlError().contains(QStringLiteral("https://")), qPrintable(f.editor.urlError()));
        QVERIFY(!f.editor.canSave());
        QVERIFY(!f.editor.save());  // refused, and it says why
        QCOMPARE(f.editor.saveError(), f.editor.urlError());
        QCOMPARE(f.store.all().size(), 0);

        f.editor.setBaseUrl(QStringLiteral("http://192.168.1.20:8000/v1"));  // the local network: allowed, warned
        QCOMPARE(f.editor.urlError(), QString());
        QVERIFY(f.editor.urlWarning().contains(QStringLiteral("192.168.1.20")));
        QVERIFY(!f.editor.urlWarning().contains(QStringLiteral("API key")));
        f.editor.setApiKey(QStringLiteral("sk-lan"));
        QVERIFY(f.editor.urlWarning().contains(QStringLiteral("API key")));  // now the key travels in clear too
        QVERIFY(f.editor.canSave());

        f.editor.setBaseUrl(QStringLiteral("http://localhost:8000/v1"));
        QCOMPARE(f.editor.urlWarning(), QString());
        f.editor.setBaseUrl(QStringLiteral("https://api.example.com"));
        QCOMPARE(f.editor.urlError(), QString());
        QCOMPARE(f.editor.urlWarning(), QString());

        f.editor.setName(QStringLiteral("   "));
        QVERIFY(!f.editor.canSave());
        QVERIFY(!f.editor.saveNote().isEmpty());  // not an address problem: said next to Save
    }

    void savesAddsThenEdits() {
        Fixture f;
        f.editor.startNew(QStringLiteral("deepseek"));
        QCOMPARE(f.editor.name(), QStringLiteral("DeepSeek"));
        QCOMPARE(f.editor.baseUrl(), QStringLiteral("https://api.deepseek.com"));
        QVERIFY(f.editor.keyNeeded());
        QVERIFY(!f.editor.keySet());
        QVERIFY(f.editor.presetHelp().contains(QStringLiteral("platform.deepseek.com")));
        const QString key = QStringLiteral("sk-editor-secret-42");
        f.editor.setApiKey(key);
        QVERIFY(f.editor.keySet() && f.editor.keyEdited());

        // No property hands the key back to QML.
        const QMetaObject* mo = f.editor.metaObject();
        for (int i = mo->propertyOffset(); i < mo->propertyCount(); i++)
            QVERIFY2(!mo->property(i).read(&f.editor).toString().contains(key), mo->property(i).name());

        QSignalSpy saved(&f.editor, &ProviderEditor::saved);
        QVERIFY(f.editor.save());
        QTRY_COMPARE(saved.count(), 1);
        const QString id = saved[0][0].toString();
        QCOMPARE(f.store.all().size(), 1);
        QVERIFY(f.store.keySet(id));
        QString stored;
        f.secrets.read(id, this, [&](SecretStore::Status, const QString& k, const QString&) { stored = k; });
        QCOMPARE(stored, key);

        QVERIFY(f.editor.edit(id));
        QVERIFY(!f.editor.isNew());
        QVERIFY(f.editor.keySet());
        QVERIFY(!f.editor.keyEdited());
        QVERIFY(f.editor.canClearKey());
        QVERIFY(!f.editor.dirty());
        QVERIFY(!f.editor.canSave());  // nothing changed
        f.editor.setName(QStringLiteral("DeepSeek (work)"));
        QVERIFY(f.editor.canSave());
        f.editor.clearApiKey();
        QVERIFY(!f.editor.keySet());
        QVERIFY(f.editor.save());
        QTRY_COMPARE(saved.count(), 2);
        QCOMPARE(f.store.find(id)->name, QStringLiteral("DeepSeek (work)"));
        QVERIFY(!f.store.keySet(id));
        QCOMPARE(f.secrets.count(), 0);
    }

    void perModelDefaults() {
        Fixture f;
        f.editor.startNew(QStringLiteral("deepseek"));
        ProviderModelList* models = f.editor.models();
        QAbstractItemModelTester tester(models, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(modelIds(models), QStringList({"deepseek-reasoner", "deepseek-chat"}));
        // The reasoner: sampling is not sent at all, and the row says so.
        QVERIFY(models->index(0).data(ProviderModelList::SamplingIgnoredRole).toBool());
        QVERIFY(!models->index(0).data(ProviderModelList::SendSamplingRole).toBool());
        f.editor.setSendSampling(QStringLiteral("deepseek-reasoner"), true);
        QVERIFY(!models->index(0).data(ProviderModelList::SendSamplingRole).toBool());

        QCOMPARE(f.editor.addModel(QStringLiteral(" deepseek-r1:32b ")), QString());
        QVERIFY(!f.editor.addModel(QStringLiteral("deepseek-chat")).isEmpty());  // listed already
        QVERIFY(!f.editor.addModel(QStringLiteral("  ")).isEmpty());
        QCOMPARE(models->rowCount(), 3);
        const QModelIndex r1 = models->index(2);
        QCOMPARE(r1.data(ProviderModelList::ModelIdRole).toString(), QStringLiteral("deepseek-r1:32b"));
        QCOMPARE(r1.data(ProviderModelList::TemperatureRole).toDouble(), 0.6);
        QCOMPARE(r1.data(ProviderModelList::TopPRole).toDouble(), 0.95);
        QCOMPARE(r1.data(ProviderModelList::ThinkStartRole).toString(), QStringLiteral("auto"));
        QVERIFY(r1.data(ProviderModelList::StartsInThoughtRole).toBool());
        f.editor.setTemperature(QStringLiteral("deepseek-r1:32b"), 7);  // clamped
        f.editor.setTopP(QStringLiteral("deepseek-r1:32b"), 0.9);
        f.editor.setMaxTokens(QStringLiteral("deepseek-r1:32b"), -5);
        f.editor.setThinkStart(QStringLiteral("deepseek-r1:32b"), QStringLiteral("outside"));
        QCOMPARE(models->index(2).data(ProviderModelList::TemperatureRole).toDouble(), 2.0);
        QCOMPARE(models->index(2).data(ProviderModelList::MaxTokensRole).toInt(), 0);
        QVERIFY(!models->index(2).data(ProviderModelList::StartsInThoughtRole).toBool());
        f.editor.removeModel(QStringLiteral("deepseek-chat"));
        QCOMPARE(modelIds(models), QStringList({"deepseek-reasoner", "deepseek-r1:32b"}));

        f.editor.setApiKey(QStringLiteral("k"));
        QSignalSpy saved(&f.editor, &ProviderEditor::saved);
        QVERIFY(f.editor.save());
        QTRY_COMPARE(saved.count(), 1);
        const ProviderConfig* p = f.store.find(saved[0][0].toString());
        QCOMPARE(p->models.size(), 2);
        QCOMPARE(p->models[1].topP, 0.9);
        QCOMPARE(p->models[1].thinkStart, ThinkStart::Outside);
    }

    void testConnectionFetchesTheModels() {
        ponder::test::ModelsApiServer server;
        server.requiredKey = "sk-right";
        QVERIFY(server.listen());
        Fixture f;
        f.editor.startNew(QStringLiteral("custom"));
        f.editor.setBaseUrl(server.baseUrl());
        f.editor.setApiKey(QStringLiteral("sk-right"));
        QSignalSpy finished(&f.editor, &ProviderEditor::testFinished);
        f.editor.testConnection();
        QVERIFY(f.editor.busy());
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(f.editor.testOk(), qPrintable(f.editor.testResult()));
        QVERIFY(!f.editor.busy());
        QCOMPARE(modelIds(f.editor.models()), QStringList({"deepseek-r1:7b", "llama3.2"}));
        QVERIFY(f.editor.testResult().startsWith(QStringLiteral("Connected: the server offers 2 model")));
        QCOMPARE(server.paths.last(), QByteArray("/v1/models"));
        QCOMPARE(server.authorizations.last(), QByteArray("Bearer sk-right"));

        // Saved, then tested again without typing the key: the stored key is read and sent.
        QSignalSpy saved(&f.editor, &ProviderEditor::saved);
        QVERIFY(f.editor.save());
        QTRY_COMPARE(saved.count(), 1);
        QVERIFY(f.editor.edit(saved[0][0].toString()));
        QCOMPARE(f.editor.testResult(), QString());  // another provider's result does not carry over
        finished.clear();
        server.models << QStringLiteral("qwq:32b");
        f.editor.testConnection();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(f.editor.testOk(), qPrintable(f.editor.testResult()));
        QCOMPARE(server.authorizations.last(), QByteArray("Bearer sk-right"));
        QCOMPARE(modelIds(f.editor.models()), QStringList({"deepseek-r1:7b", "llama3.2", "qwq:32b"}));
        QVERIFY(f.editor.dirty());  // a new model joined: Save keeps it
    }

    void savedKeyNeverFollowsTheAddressToAnotherHost() {
        ponder::test::ModelsApiServer server;
        server.requiredKey = "sk-right";
        QVERIFY(server.listen());
        Fixture f;
        f.editor.startNew(QStringLiteral("custom"));
        f.editor.setName(QStringLiteral("Lab"));
        f.editor.setBaseUrl(server.baseUrl());  // http://127.0.0.1:PORT/v1
        f.editor.setApiKey(QStringLiteral("sk-right"));
        QSignalSpy saved(&f.editor, &ProviderEditor::saved);
        QVERIFY(f.editor.save());
        QTRY_COMPARE(saved.count(), 1);
        QVERIFY(f.editor.edit(saved[0][0].toString()));
        QSignalSpy finished(&f.editor, &ProviderEditor::testFinished);

        // Another path on the same host: the saved key goes along.
        f.editor.setBaseUrl(server.baseUrl() + QStringLiteral("/"));
        QVERIFY(f.editor.problem().isEmpty());
        f.editor.testConnection();
        QTRY_VERIFY(!f.editor.busy());
        QCOMPARE(server.authorizations.last(), QByteArray("Bearer sk-right"));

        // Another host (the same server by name, but the key was given for 127.0.0.1): not sent,
        // and Save asks for the key again.
        f.editor.setBaseUrl(QString(server.baseUrl()).replace(QStringLiteral("127.0.0.1"), QStringLiteral("localhost")));
        QVERIFY2(f.editor.problem().contains(QStringLiteral("points elsewhere")), qPrintable(f.editor.problem()));
        QVERIFY(!f.editor.canSave());
        f.editor.testConnection();
        QTRY_VERIFY(!f.editor.busy());
        QCOMPARE(server.authorizations.last(), QByteArray());
        QVERIFY(!f.editor.testOk());
        f.editor.setApiKey(QStringLiteral("sk-right"));  // typed again for the new address
        QVERIFY(f.editor.problem().isEmpty());
        QVERIFY(f.editor.canSave());
    }

    void wrongKeyGivesAReadableMessage() {
        ponder::test::ModelsApiServer server;
        server.requiredKey = "sk-right";
        QVERIFY(server.listen());
        Fixture f;
        f.editor.startNew(QStringLiteral("custom"));
        f.editor.setName(QStringLiteral("Lab"));
        f.editor.setBaseUrl(server.baseUrl());
        f.editor.setApiKey(QStringLiteral("sk-wrong-8d1e"));
        QSignalSpy finished(&f.editor, &ProviderEditor::testFinished);
        f.editor.testConnection();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!f.editor.testOk());
        const QString expected = QString::fromStdString(
            ponder::remote::describe_http_status(401, "Authentication Fails, Your api key is invalid", "Lab"));
        QCOMPARE(f.editor.testResult(), expected);
        QVERIFY(!f.editor.testResult().contains(QStringLiteral("sk-wrong")));
        QCOMPARE(f.editor.models()->rowCount(), 0);

        // An address the rules refuse is never contacted.
        const int requests = int(server.paths.size());
        f.editor.setBaseUrl(QStringLiteral("http://example.com:%1/v1").arg(8000));
        f.editor.testConnection();
        QTRY_COMPARE(finished.count(), 3);  // the address change cleared the result, then the refusal
        QVERIFY(!f.editor.testOk());
        QCOMPARE(f.editor.testResult(), f.editor.urlError());
        QCOMPARE(int(server.paths.size()), requests);
    }
};

QTEST_MAIN(TestProviderEditor)
#include "test_provider_editor.moc"
