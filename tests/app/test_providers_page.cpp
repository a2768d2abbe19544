// The providers UI in the real window (Main.qml on AppRoot, offscreen, no model loaded): the page
// lists providers with what they still need, the chat header's picker lists every provider's
// models, the editor shows the address refusal live as the user types and keeps Save off, and no
// QML warning is raised. Screenshots go to $PONDER_SCREENSHOT_DIR (default: ./screenshots).
#include "chat/chat_controller.h"
#include "core/app_root.h"
#include "providers/model_picker.h"
#include "providers/provider_store.h"
#include "scripted_server.h"

#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

using namespace ponder::app;

namespace {

QString screenshotDir() {
    QString dir = qEnvironmentVariable("PONDER_SCREENSHOT_DIR");
    if (dir.isEmpty()) dir = QDir::currentPath() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir;
}

void shoot(QQuickWindow* window, const QString& name) {
    const QImage image = window->grabWindow();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(screenshotDir() + QLatin1Char('/') + name + QStringLiteral(".png")));
}

// Visible items showing `text` (popups included: they live in the overlay).
QList<QQuickItem*> itemsWithText(QQuickItem* root, const QString& text) {
    QList<QQuickItem*> out;
    for (QQuickItem* item : root->childItems()) {
        if (!item->isVisible()) continue;
        if (item->property("text").toString() == text) out << item;
        out << itemsWithText(item, text);
    }
    return out;
}

} // namespace

class TestProvidersPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QQuickStyle::setStyle(QStringLiteral("Material")); }

    void pageEditorAndPicker() {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));  // any QML warning is a bug
        QTemporaryDir profile;
        AppRoot root(profile.path());
        root.setSecretStore(std::make_unique<MemorySecretStore>());  // "session only", as on a headless machine
        QString error;
        ponder::OpenFailure failure;
        QVERIFY2(root.start(error, failure), qPrintable(error));
        ProviderStore* store = root.providers();
        const QString deepseek = store->add(providerFromPreset(QStringLiteral("deepseek")));
        ProviderConfig lab = providerFromPreset(QStringLiteral("vllm"));
        lab.name = QStringLiteral("Lab vLLM");
        lab.baseUrl = QStringLiteral("http://gpubox.lan:8000/v1");
        lab.models = {defaultModelSettings(QStringLiteral("deepseek-ai/DeepSeek-R1"))};
        const QString labId = store->add(lab);
        QVERIFY(!labId.isEmpty());

        QQmlApplicationEngine engine;
        ponder::app::AppRoot::prepareQmlEngine(engine);
        engine.setInitialProperties(root.qmlProperties());
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
        QCOMPARE(engine.rootObjects().size(), 1);
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        QVERIFY(window);
        window->resize(1100, 760);
        QVERIFY(window->setProperty("page", QStringLiteral("providers")));
        QQuickItem* content = window->contentItem();
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("Lab vLLM")).isEmpty());
        QVERIFY(!itemsWithText(content, QStringLiteral("Add an API key to use this provider.")).isEmpty());
        QVERIFY(!itemsWithText(content, store->keyStorageNote()).isEmpty());  // "this session only"
        QTest::qWait(300);
        shoot(window, QStringLiteral("providers-1-page"));

        // The chat header's picker lists the local model and every provider's models.
        auto* menu = window->findChild<QObject*>(QStringLiteral("modelPickerMenu"));
        QVERIFY(menu);
        QVERIFY(QMetaObject::invokeMethod(menu, "open"));
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("Lab vLLM · deepseek-ai/DeepSeek-R1")).isEmpty());
        QVERIFY(!itemsWithText(content, QStringLiteral("DeepSeek · deepseek-reasoner — Add an API key")).isEmpty());
        QTest::qWait(300);
        shoot(window, QStringLiteral("providers-2-picker"));
        QVERIFY(QMetaObject::invokeMethod(menu, "close"));

        // Choosing a model whose key is missing opens its editor instead.
        root.picker()->choose(1);
        auto* page = window->findChild<QQuickItem*>(QStringLiteral("providersPage"));
        QVERIFY(page);
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("Edit DeepSeek")).isEmpty());
        QVERIFY(!root.picker()->isRemote());
        auto* url = window->findChild<QQuickItem*>(QStringLiteral("providerBaseUrl"));
        auto* urlError = window->findChild<QQuickItem*>(QStringLiteral("urlError"));
        auto* save = window->findChild<QQuickItem*>(QStringLiteral("saveProvider"));
        QVERIFY(url && urlError && save);
        QVERIFY(!urlError->isVisible());
        QTest::qWait(300);
        shoot(window, QStringLiteral("providers-3-editor"));

        // Typing a plain-http public address: the refusal shows at once and Save stays off.
        url->forceActiveFocus();
        QVERIFY(QMetaObject::invokeMethod(url, "selectAll"));
        for (QChar c : QStringLiteral("http://api.example.com")) QTest::keyClick(window, c.toLatin1());
        QCOMPARE(url->property("text").toString(), QStringLiteral("http://api.example.com"));
        QTRY_VERIFY(urlError->isVisible());
        QVERIFY(urlError->property("text").toString().contains(QStringLiteral("https://")));
        QVERIFY(!save->isEnabled());
        QTest::qWait(200);
        shoot(window, QStringLiteral("providers-4-refused"));
        // Nothing was saved; the stored provider is unchanged.
        QCOMPARE(store->find(deepseek)->baseUrl, QStringLiteral("https://api.deepseek.com"));

        // An R1 model's row: sampling fields with DeepSeek's defaults, and the inline-think choice.
        QVERIFY(QMetaObject::invokeMethod(page, "editProvider", Q_ARG(QVariant, labId)));
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("Edit Lab vLLM")).isEmpty());
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("Auto (yes)")).isEmpty());  // the choice shows
        QVERIFY(!itemsWithText(content, QStringLiteral("0.60")).isEmpty());
        QTest::qWait(300);
        shoot(window, QStringLiteral("providers-5-r1-model"));
        QTest::keyClick(window, Qt::Key_Escape);

        // "Add provider" lists every preset with its help line.
        auto* add = window->findChild<QObject*>(QStringLiteral("addProviderDialog"));
        QVERIFY(add);
        QTRY_VERIFY(itemsWithText(content, QStringLiteral("Edit Lab vLLM")).isEmpty());
        QVERIFY(QMetaObject::invokeMethod(add, "open"));
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("LM Studio")).isEmpty());
        QVERIFY(!itemsWithText(content, QStringLiteral("ollama serve, then ollama pull deepseek-r1:7b")).isEmpty());
        QTest::qWait(300);
        shoot(window, QStringLiteral("providers-6-add"));
    }

    // A whole remote answer in the window: DeepSeek-style chunks from the scripted server land in
    // the thinking panel and the answer, the header names the provider's model.
    void remoteAnswerInTheChat() {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        ponder::testing::ScriptedServer server;
        QVERIFY(server.listen());
        QTemporaryDir profile;
        AppRoot root(profile.path());
        root.setSecretStore(std::make_unique<MemorySecretStore>());
        QString error;
        ponder::OpenFailure failure;
        QVERIFY2(root.start(error, failure), qPrintable(error));
        ProviderConfig deepseek = providerFromPreset(QStringLiteral("deepseek"));
        deepseek.baseUrl = server.baseUrl();  // loopback http: allowed
        const QString id = root.providers()->add(deepseek);
        bool keySaved = false;
        root.providers()->setKey(id, QStringLiteral("sk-window-test"), this,
                                 [&](SecretStore::Status status, const QString&) { keySaved = status == SecretStore::Status::Ok; });
        QTRY_VERIFY(keySaved);
        QVERIFY(root.picker()->chooseRemote(id, QStringLiteral("deepseek-reasoner")));
        QTRY_VERIFY(root.chat()->isRemote());

        QQmlApplicationEngine engine;
        ponder::app::AppRoot::prepareQmlEngine(engine);
        engine.setInitialProperties(root.qmlProperties());
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().value(0));
        QVERIFY(window);
        window->resize(1100, 760);
        root.chat()->send(QStringLiteral("What is 2 + 3?"));
        QTRY_VERIFY(!root.chat()->generating());
        QQuickItem* content = window->contentItem();
        QTRY_VERIFY(!itemsWithText(content, QStringLiteral("Answer: 5")).isEmpty() ||
                    !itemsWithText(content, QStringLiteral("5")).isEmpty());
        QCOMPARE(server.requests().first().headers.value("authorization"), QByteArray("Bearer sk-window-test"));
        QTest::qWait(300);
        shoot(window, QStringLiteral("providers-7-remote-chat"));

        // Back to this computer: reopening the DeepSeek conversation names DeepSeek but answers
        // stay on this computer until the user chooses otherwise.
        const qint64 conversation = root.chat()->conversationId();
        root.chat()->newConversation();
        root.picker()->chooseLocal();
        QVERIFY(!root.chat()->isRemote());
        root.chat()->openConversation(conversation);
        QTRY_VERIFY(root.picker()->notice().contains(QStringLiteral("answered by DeepSeek · deepseek-reasoner")));
        QVERIFY(!root.chat()->isRemote());
        QCOMPARE(root.chat()->conversationProvider(), id);
    }
};

QTEST_MAIN(TestProvidersPage)
#include "test_providers_page.moc"
