// Remote providers' configuration: presets, what is kept in the INI file and read back by a new
// instance, the list model (under QAbstractItemModelTester), the rules that refuse an endpoint,
// and API keys: in the SecretStore only, "key set" known without reading it, deleted with the
// provider, and the keychain's session-only fallback when no keychain service runs.
#include "providers/keychain_secret_store.h"
#include "providers/provider_store.h"

#include <QAbstractItemModelTester>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include "../ci_skip.h"

using namespace ponder::app;

namespace {

// A store that claims to be a real keychain, to test what is recorded for one.
class PersistentMemoryStore : public MemorySecretStore {
public:
    bool persistent() const override { return true; }
};

SecretStore::Status writeKey(ProviderStore& store, const QString& id, const QString& key, QString* error = nullptr) {
    std::optional<SecretStore::Status> result;
    QObject context;
    store.setKey(id, key, &context, [&](SecretStore::Status s, const QString& e) {
        result = s;
        if (error) *error = e;
    });
    [&] { QTRY_VERIFY(result.has_value()); }();
    return result.value_or(SecretStore::Status::Failed);
}

QString readKey(ProviderStore& store, const QString& id, SecretStore::Status* status = nullptr) {
    std::optional<SecretStore::Status> result;
    QString key;
    QObject context;
    store.readKey(id, &context, [&](SecretStore::Status s, const QString& k, const QString&) {
        result = s;
        key = k;
    });
    [&] { QTRY_VERIFY(result.has_value()); }();
    if (status) *status = result.value_or(SecretStore::Status::Failed);
    return key;
}

ProviderConfig labServer() {
    ProviderConfig p = providerFromPreset(QStringLiteral("vllm"));
    p.name = QStringLiteral("Lab vLLM");
    p.baseUrl = QStringLiteral("http://gpubox.lan:8000/v1");
    ProviderModel r1 = defaultModelSettings(QStringLiteral("deepseek-ai/DeepSeek-R1"));
    r1.temperature = 0.5;
    r1.maxTokens = 16384;
    ProviderModel other = defaultModelSettings(QStringLiteral("meta/llama"));
    other.sendSampling = true;
    other.thinkStart = ThinkStart::Inside;
    p.models = {r1, other};
    return p;
}

} // namespace

class TestProviderStore : public QObject {
    Q_OBJECT

private slots:
    void presetsPrefillNewProviders() {
        const ProviderConfig ds = providerFromPreset(QStringLiteral("deepseek"));
        QCOMPARE(ds.name, QStringLiteral("DeepSeek"));
        QCOMPARE(ds.baseUrl, QStringLiteral("https://api.deepseek.com"));
        QVERIFY(ds.needsKey());
        QCOMPARE(ds.models.size(), 2);
        QCOMPARE(ds.models[0].id, QStringLiteral("deepseek-reasoner"));
        // The reasoner ignores sampling: nothing is sent, whatever the fields say.
        QVERIFY(samplingIgnored(ds, ds.models[0]));
        QVERIFY(!sendsSampling(ds, ds.models[0]));
        QVERIFY(!samplingIgnored(ds, ds.models[1]));
        QVERIFY(!sendsSampling(ds, ds.models[1]));  // deepseek-chat is not R1-like: server defaults

        const ProviderConfig ollama = providerFromPreset(QStringLiteral("ollama"));
        QCOMPARE(ollama.baseUrl, QStringLiteral("http://localhost:11434/v1"));
        QVERIFY(!ollama.needsKey());
        const ProviderModel r1 = defaultModelSettings(QStringLiteral("deepseek-r1:14b"));
        QVERIFY(sendsSampling(ollama, r1));  // R1-like: DeepSeek's 0.6 / 0.95
        QCOMPARE(r1.temperature, 0.6);
        QCOMPARE(r1.topP, 0.95);
        QVERIFY(startsInsideThought(r1));
        QVERIFY(!startsInsideThought(defaultModelSettings(QStringLiteral("llama3.2"))));
        QCOMPARE(providerFromPreset(QStringLiteral("no-such-preset")).presetId, QStringLiteral("custom"));
    }

    void roundTripAcrossInstances() {
        QTemporaryDir dir;
        const QString ini = dir.filePath("settings.ini");
        MemorySecretStore secrets;
        QString labId, dsId;
        {
            QSettings settings(ini, QSettings::IniFormat);
            ProviderStore store(&settings, &secrets, nullptr);
            QSignalSpy changed(&store, &ProviderStore::providerChanged);
            dsId = store.add(providerFromPreset(QStringLiteral("deepseek")));
            labId = store.add(labServer());
            QVERIFY(!dsId.isEmpty() && !labId.isEmpty() && dsId != labId);
            QCOMPARE(changed.count(), 2);
        }
        QSettings settings(ini, QSettings::IniFormat);
        ProviderStore store(&settings, &secrets, nullptr);
        QCOMPARE(store.all().size(), 2);
        QCOMPARE(store.all()[0].id, dsId);  // the order they were added in
        ProviderConfig lab = labServer();
        lab.id = labId;
        QCOMPARE(*store.find(labId), lab);  // every field, per-model settings included
        QCOMPARE(store.find(labId)->models[0].sendSampling, std::nullopt);  // "auto" stays auto

        // A shorter model list leaves no stale entries behind.
        lab.models.removeLast();
        lab.name = QStringLiteral("Renamed");
        QVERIFY(store.update(lab));
        QSettings again(ini, QSettings::IniFormat);
        ProviderStore reread(&again, &secrets, nullptr);
        QCOMPARE(*reread.find(labId), lab);
        QCOMPARE(again.value(QStringLiteral("providers/%1/models/size").arg(labId)).toInt(), 1);
    }

    void listModelFollowsTheStore() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        MemorySecretStore secrets;
        ProviderStore store(&settings, &secrets, nullptr);
        ProviderListModel* list = store.providers();
        QAbstractItemModelTester tester(list, QAbstractItemModelTester::FailureReportingMode::QtTest);

        const QString ds = store.add(providerFromPreset(QStringLiteral("deepseek")));
        const QString lab = store.add(labServer());
        QCOMPARE(list->rowCount(), 2);
        const QModelIndex dsRow = list->index(0);
        QCOMPARE(dsRow.data(ProviderListModel::NameRole).toString(), QStringLiteral("DeepSeek"));
        QCOMPARE(dsRow.data(ProviderListModel::ModelsRole).toStringList(),
                 QStringList({"deepseek-reasoner", "deepseek-chat"}));
        QVERIFY(dsRow.data(ProviderListModel::KeyMissingRole).toBool());
        QCOMPARE(dsRow.data(ProviderListModel::UrlNoteRole).toString(), QString());  // https: nothing to say
        // Plain http on the local network is allowed, with a warning on the card.
        QVERIFY(list->index(1).data(ProviderListModel::UrlNoteRole).toString().contains(QStringLiteral("gpubox.lan")));
        QVERIFY(!list->index(1).data(ProviderListModel::KeyMissingRole).toBool());  // vLLM: key optional

        QSignalSpy dataChanged(list, &QAbstractItemModel::dataChanged);
        QCOMPARE(writeKey(store, ds, QStringLiteral("sk-test")), SecretStore::Status::Ok);
        QCOMPARE(dataChanged.count(), 1);
        QVERIFY(list->index(0).data(ProviderListModel::KeySetRole).toBool());
        QVERIFY(!list->index(0).data(ProviderListModel::KeyMissingRole).toBool());
        for (int role : list->roleNames().keys())  // no role hands out the key
            QVERIFY(list->index(0).data(role).toString() != QStringLiteral("sk-test"));

        ProviderConfig renamed = *store.find(lab);
        renamed.name = QStringLiteral("GPU box");
        QVERIFY(store.update(renamed));
        QCOMPARE(list->index(1).data(ProviderListModel::NameRole).toString(), QStringLiteral("GPU box"));
        store.remove(ds);
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(list->index(0).data(ProviderListModel::ProviderIdRole).toString(), lab);
    }

    void refusesWhatTheRulesRefuse() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        MemorySecretStore secrets;
        ProviderStore store(&settings, &secrets, nullptr);
        ProviderConfig p = providerFromPreset(QStringLiteral("custom"));
        p.baseUrl = QStringLiteral("http://api.example.com/v1");  // plain http to a public host
        QString error;
        QVERIFY(store.add(p, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("https")), qPrintable(error));
        p.baseUrl = QStringLiteral("ftp://example.com");
        QVERIFY(store.add(p, &error).isEmpty());
        p.baseUrl = QStringLiteral("https://api.example.com/v1");
        p.name = QStringLiteral("  ");
        QVERIFY(store.add(p, &error).isEmpty());
        p.name = QStringLiteral("Example");
        p.models = {defaultModelSettings(QStringLiteral("m")), defaultModelSettings(QStringLiteral("m"))};
        QVERIFY(store.add(p, &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("twice")));
        QCOMPARE(store.all().size(), 0);
        QVERIFY(!settings.contains(QStringLiteral("providers/order")));  // nothing was written
    }

    void keysLiveInTheSecretStoreOnly() {
        QTemporaryDir dir;
        const QString ini = dir.filePath("settings.ini");
        const QString key = QStringLiteral("sk-ponder-secret-7f3a9c");
        PersistentMemoryStore keychain;
        QString id;
        {
            QSettings settings(ini, QSettings::IniFormat);
            ProviderStore store(&settings, &keychain, nullptr);
            id = store.add(providerFromPreset(QStringLiteral("deepseek")));
            QSignalSpy keyState(&store, &ProviderStore::keyStateChanged);
            QCOMPARE(writeKey(store, id, key), SecretStore::Status::Ok);
            QCOMPARE(keyState.count(), 1);
            QVERIFY(store.keySet(id));
            QCOMPARE(readKey(store, id), key);
            // Replacing a key tells whoever holds the old one.
            QCOMPARE(writeKey(store, id, key + QStringLiteral("2")), SecretStore::Status::Ok);
            QCOMPARE(keyState.count(), 2);
            QCOMPARE(writeKey(store, id, key), SecretStore::Status::Ok);
        }
        QFile file(ini);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.contains(key.toUtf8()));
        QVERIFY(bytes.contains("keySaved=true"));  // only that one exists, for "key set" at startup
        QSettings settings(ini, QSettings::IniFormat);
        ProviderStore store(&settings, &keychain, nullptr);
        QVERIFY(store.keySet(id));  // known without opening the keychain

        // A key the keychain lost (deleted outside Ponder) turns "key set" off when read.
        keychain.remove(id, this, [](SecretStore::Status, const QString&) {});
        SecretStore::Status status;
        QCOMPARE(readKey(store, id, &status), QString());
        QCOMPARE(status, SecretStore::Status::NotFound);
        QVERIFY(!store.keySet(id));
        QVERIFY(store.providers()->index(0).data(ProviderListModel::KeyMissingRole).toBool());
    }

    void sessionOnlyKeysAreNotRecordedAsSaved() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        MemorySecretStore memory;
        ProviderStore store(&settings, &memory, nullptr);
        QVERIFY(!store.keysPersistent());
        QVERIFY(store.keyStorageNote().contains(QStringLiteral("this session only")));
        const QString id = store.add(providerFromPreset(QStringLiteral("deepseek")));
        QCOMPARE(writeKey(store, id, QStringLiteral("sk-x")), SecretStore::Status::Ok);
        QVERIFY(store.keySet(id));
        // The next start has no key, so it must not believe it has one.
        QVERIFY(!settings.value(QStringLiteral("providers/%1/keySaved").arg(id)).toBool());
    }

    void deletingAProviderDeletesItsKey() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        PersistentMemoryStore keychain;
        ProviderStore store(&settings, &keychain, nullptr);
        const QString a = store.add(providerFromPreset(QStringLiteral("deepseek")));
        const QString b = store.add(labServer());
        QCOMPARE(writeKey(store, a, QStringLiteral("key-a")), SecretStore::Status::Ok);
        QCOMPARE(writeKey(store, b, QStringLiteral("key-b")), SecretStore::Status::Ok);
        QCOMPARE(keychain.count(), 2);
        QSignalSpy removed(&store, &ProviderStore::providerRemoved);
        store.remove(a);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(keychain.count(), 1);
        QCOMPARE(readKey(store, b), QStringLiteral("key-b"));  // the other provider's key stays
        QVERIFY(!store.find(a));
        QVERIFY(!settings.childGroups().isEmpty());
        settings.beginGroup(QStringLiteral("providers"));
        QVERIFY(!settings.childGroups().contains(a));
        QCOMPARE(settings.value(QStringLiteral("order")).toStringList(), QStringList{b});
        settings.endGroup();
        // Clearing a key (empty text) deletes it too.
        QCOMPARE(writeKey(store, b, QString()), SecretStore::Status::Ok);
        QCOMPARE(keychain.count(), 0);
        QVERIFY(!store.keySet(b));
    }

    void keychainWithoutServiceKeepsKeysForTheSession() {
        if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            PONDER_QSKIP("a D-Bus session runs here: the fallback is tested only without one, so the user's keychain is never touched");
        KeychainSecretStore keychain(QStringLiteral("PonderTest"));
        QVERIFY(keychain.persistent());  // until it finds out
        QSignalSpy persistentChanged(&keychain, &SecretStore::persistentChanged);
        std::optional<SecretStore::Status> wrote;
        keychain.write(QStringLiteral("p1"), QStringLiteral("sk-session"), this,
                       [&](SecretStore::Status s, const QString&) { wrote = s; });
        QTRY_VERIFY(wrote.has_value());
        QCOMPARE(*wrote, SecretStore::Status::Ok);
        QVERIFY(!keychain.persistent());
        QCOMPARE(persistentChanged.count(), 1);
        QString read;
        keychain.read(QStringLiteral("p1"), this, [&](SecretStore::Status, const QString& k, const QString&) { read = k; });
        QTRY_COMPARE(read, QStringLiteral("sk-session"));
        std::optional<SecretStore::Status> missing;
        keychain.remove(QStringLiteral("p1"), this, [](SecretStore::Status, const QString&) {});
        keychain.read(QStringLiteral("p1"), this, [&](SecretStore::Status s, const QString&, const QString&) { missing = s; });
        QTRY_VERIFY(missing.has_value());
        QCOMPARE(*missing, SecretStore::Status::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestProviderStore)
#include "test_provider_store.moc"
