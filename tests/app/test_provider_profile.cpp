// API keys never reach the profile: the whole app (AppRoot, as main.cpp builds it) with a provider
// added through the editor, chosen in the picker, and a message sent to it (a tiny local server
// answers the model list and refuses the chat request); then every byte of the profile folder
// (settings INI, models INI, the SQLite database and its WAL) and both exports are searched for
// the key. Deleting the provider deletes the key from the SecretStore.
#include "chat/chat_controller.h"
#include "core/app_root.h"
#include "provider_test_server.h"
#include "providers/model_picker.h"
#include "providers/provider_editor.h"
#include "providers/provider_store.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

namespace {

class PersistentMemoryStore : public MemorySecretStore {
public:
    bool persistent() const override { return true; }
};

// The files under `dir` whose bytes contain `needle` (UTF-8 or UTF-16).
QStringList filesContaining(const QString& dir, const QString& needle) {
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            hits << path + QStringLiteral(" (unreadable)");
            continue;
        }
        const QByteArray bytes = f.readAll();
        const QByteArray utf16(reinterpret_cast<const char*>(needle.utf16()), needle.size() * 2);
        if (bytes.contains(needle.toUtf8()) || bytes.contains(utf16)) hits << path;
    }
    return hits;
}

} // namespace

class TestProviderProfile : public QObject {
    Q_OBJECT

private slots:
    void keyNeverReachesTheProfile() {
        const QString key = QStringLiteral("sk-never-on-disk-5c0ffee");
        ponder::test::ModelsApiServer server;
        server.requiredKey = key.toUtf8();
        QVERIFY(server.listen());
        QTemporaryDir profile;
        QVERIFY(profile.isValid());

        auto secrets = std::make_unique<PersistentMemoryStore>();
        PersistentMemoryStore* keychain = secrets.get();
        AppRoot root(profile.path());
        root.setSecretStore(std::move(secrets));
        QString error;
        ponder::OpenFailure failure;
        QVERIFY2(root.start(error, failure), qPrintable(error));

        // Added through the editor, as the page does: key typed, models fetched, saved.
        ProviderEditor editor;
        editor.setStore(root.providers());
        editor.startNew(QStringLiteral("custom"));
        editor.setName(QStringLiteral("Test server"));
        editor.setBaseUrl(server.baseUrl());
        editor.setApiKey(key);
        QSignalSpy tested(&editor, &ProviderEditor::testFinished);
        editor.testConnection();
        QTRY_COMPARE(tested.count(), 1);
        QVERIFY2(editor.testOk(), qPrintable(editor.testResult()));
        QSignalSpy saved(&editor, &ProviderEditor::saved);
        QVERIFY(editor.save());
        QTRY_COMPARE(saved.count(), 1);
        const QString id = saved[0][0].toString();
        QCOMPARE(keychain->count(), 1);

        // Chosen in the picker: the chat answers from it.
        ChatController* chat = root.chat();
        QVERIFY(root.picker()->chooseRemote(id, QStringLiteral("deepseek-r1:7b")));
        QTRY_VERIFY(chat->isRemote());
        QVERIFY(chat->canSend());
        chat->send(QStringLiteral("Hello there"));
        QTRY_VERIFY_WITH_TIMEOUT(server.paths.contains("/v1/chat/completions"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!chat->generating(), 30000);
        const int chatRequest = int(server.paths.indexOf("/v1/chat/completions"));
        QCOMPARE(server.authorizations[chatRequest], "Bearer " + key.toUtf8());  // it was sent, in the header

        const qint64 conversation = chat->conversationId();
        QVERIFY(conversation > 0);
        QVERIFY(chat->exportConversation(conversation, QStringLiteral("json"),
                                         QUrl::fromLocalFile(profile.filePath("export.json"))));
        QVERIFY(chat->exportConversation(conversation, QStringLiteral("md"),
                                         QUrl::fromLocalFile(profile.filePath("export.md"))));
        QVERIFY(QFile::exists(profile.filePath("settings.ini")));
        QVERIFY(QFile::exists(profile.filePath("ponder.db")));
        QCOMPARE(filesContaining(profile.path(), QStringLiteral("Hello there")).isEmpty(), false);  // the search works
        QCOMPARE(filesContaining(profile.path(), key), QStringList());

        root.providers()->remove(id);
        QCOMPARE(keychain->count(), 0);
        QVERIFY(!chat->isRemote());  // the chat went back to the local model
    }
};

QTEST_MAIN(TestProviderProfile)
#include "test_provider_profile.moc"
