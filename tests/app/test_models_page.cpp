// The Models page's QML against the real objects: it instantiates without a QML warning, shows a
// card per model and a row per catalogue entry, and its Load button loads through the loader.
#include "model_test_fixtures.h"
#include "models/download_manager.h"
#include "models/library_store.h"
#include "models/model_library.h"
#include "models/model_loader.h"
#include "models/model_settings.h"

#include <QNetworkAccessManager>
#include <QQmlComponent>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

using namespace ponder::app;

namespace {

// Visible items showing `text`, anywhere in the scene (popups included: they live in the overlay).
QList<QQuickItem*> itemsWithText(QQuickItem* root, const QString& text) {
    QList<QQuickItem*> out;
    for (QQuickItem* item : root->childItems()) {
        if (!item->isVisible()) continue;
        if (item->property("text").toString() == text) out << item;
        out << itemsWithText(item, text);
    }
    return out;
}

QList<QQuickItem*> buttonsWithText(QQuickItem* root, const QString& text) {
    QList<QQuickItem*> out;
    for (QQuickItem* item : itemsWithText(root, text))
        if (item->metaObject()->indexOfSignal("clicked()") >= 0) out << item;
    return out;
}

} // namespace

class TestModelsPage : public QObject {
    Q_OBJECT

private slots:
    void pageShowsModelsAndLoads() {
        QTest::failOnWarning(QRegularExpression(".*"));  // any QML warning is a bug in the page
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        SettingsLibraryStore store(&settings);
        ModelSettingsStore modelSettings(&settings, 2);
        ModelLibrary library(&store, &modelSettings);
        ModelLoader loader(&library);
        QNetworkAccessManager network;
        CatalogueEntry entry;
        entry.id = "x";
        entry.name = "DeepSeek-R1-Distill-Qwen-1.5B";
        entry.quantization = "Q4_K_M";
        entry.parameters = "1.5B";
        entry.fileName = "x.gguf";
        entry.url = QUrl("https://127.0.0.1:9/x.gguf");
        entry.approxSize = 1120000000;
        DownloadManager downloads(&network, &library, dir.filePath("models"), {entry});

        const QString path = dir.filePath("tiny.gguf");
        QVERIFY(ponder::test::writeTinyModel(path, {}));
        library.addFile(path, ModelSource::Added);
        QVERIFY(QTest::qWaitFor([&] { return !library.busy(); }, 5000));

        QQmlEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));  // where the static modules' qmldir files are
        engine.rootContext()->setContextProperty("testLibrary", &library);
        engine.rootContext()->setContextProperty("testLoader", &loader);
        engine.rootContext()->setContextProperty("testDownloads", &downloads);
        QQmlComponent component(&engine);
        component.setData("import QtQuick\nimport QtQuick.Controls\nimport Ponder\n"
                          "ApplicationWindow { width: 900; height: 700; visible: true\n"
                          "  ModelsPage { anchors.fill: parent; library: testLibrary; loader: testLoader;"
                          " downloads: testDownloads } }",
                          QUrl("qrc:/test/Wrapper.qml"));
        std::unique_ptr<QObject> root(component.create());
        QVERIFY2(root, qPrintable(component.errorString()));
        auto* window = qobject_cast<QQuickWindow*>(root.get());
        QVERIFY(window);
        QQuickItem* content = window->contentItem();

        QTRY_VERIFY(!itemsWithText(content, "tiny.gguf").isEmpty());  // the card
        QVERIFY(!itemsWithText(content, "DeepSeek-R1-Distill-Qwen-1.5B · Q4_K_M").isEmpty());  // the row
        QCOMPARE(buttonsWithText(content, "Download").size(), 1);
        const QList<QQuickItem*> load = buttonsWithText(content, "Load");
        QCOMPARE(load.size(), 1);
        QVERIFY(QMetaObject::invokeMethod(load[0], "clicked"));
        QTRY_COMPARE(loader.state(), ModelLoader::Ready);
        QTRY_COMPARE(buttonsWithText(content, "Unload").size(), 1);
        QTRY_VERIFY(!itemsWithText(content, loader.statusText()).isEmpty());  // the active model line

        // The settings dialog opens with the form.
        QVERIFY(QMetaObject::invokeMethod(buttonsWithText(content, "Settings…")[0], "clicked"));
        QTRY_VERIFY(!itemsWithText(content, "Restore defaults").isEmpty());
    }
};

QTEST_MAIN(TestModelsPage)
#include "test_models_page.moc"
