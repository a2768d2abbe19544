// KeychainSecretStore against a real Secret Service: gnome-keyring on a private D-Bus session
// (run_with_keychain.sh starts both). A key written by one store is read back by a fresh one (so
// it is in the keychain, not in memory), then deleted; the store stays persistent throughout.
#include "providers/keychain_secret_store.h"

#include <QUuid>
#include <QtTest>
#include "../ci_skip.h"

using namespace ponder::app;

class TestKeychainSecretStore : public QObject {
    Q_OBJECT

    static SecretStore::Status write(SecretStore& s, const QString& id, const QString& secret, QString* error) {
        std::optional<SecretStore::Status> result;
        s.write(id, secret, &s, [&](SecretStore::Status st, const QString& e) { result = st, *error = e; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
        return result.value_or(SecretStore::Status::Failed);
    }
    static SecretStore::Status read(SecretStore& s, const QString& id, QString* secret) {
        std::optional<SecretStore::Status> result;
        s.read(id, &s, [&](SecretStore::Status st, const QString& value, const QString&) { result = st, *secret = value; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
        return result.value_or(SecretStore::Status::Failed);
    }
    static SecretStore::Status remove(SecretStore& s, const QString& id) {
        std::optional<SecretStore::Status> result;
        s.remove(id, &s, [&](SecretStore::Status st, const QString&) { result = st; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
        return result.value_or(SecretStore::Status::Failed);
    }

private slots:
    void roundTripThroughTheKeychain() {
        if (qEnvironmentVariable("PONDER_TEST_KEYCHAIN") != QLatin1String("1"))
            PONDER_QSKIP("needs a Secret Service session (run through run_with_keychain.sh)");
        const QString service = QStringLiteral("Ponder-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString id = QStringLiteral("provider-1");
        QString error, value;
        {
            KeychainSecretStore store(service);
            QCOMPARE(write(store, id, QStringLiteral("sk-real-keychain-42"), &error), SecretStore::Status::Ok);
            QVERIFY2(store.persistent(), "a running keychain must not fall back to memory");
        }
        KeychainSecretStore fresh(service);
        QCOMPARE(read(fresh, id, &value), SecretStore::Status::Ok);
        QCOMPARE(value, QStringLiteral("sk-real-keychain-42"));
        QVERIFY(fresh.persistent());
        QCOMPARE(remove(fresh, id), SecretStore::Status::Ok);
        KeychainSecretStore after(service);
        QCOMPARE(read(after, id, &value), SecretStore::Status::NotFound);
        QVERIFY(after.persistent());
    }
};

QTEST_GUILESS_MAIN(TestKeychainSecretStore)
#include "test_keychain_secret_store.moc"
