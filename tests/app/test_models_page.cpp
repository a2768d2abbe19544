// The Models page's QML against the real objects: it instantiates without a QML warning, shows a
// card per model and a row per catalogue entry, and its Load button loads through the loader.
#include "model_test_fixtures.h"
#include "models/download_manager.h"
#include "models/library_store.h"
#include "models/model_library.h"
#include "models/model_loader.h"
#include "models/model_settings.h"

#include <QDir>
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

QList<QQuickItem*> itemsContaining(QQuickItem* root, const QString& text) {
    QList<QQuickItem*> out;
    for (QQuickItem* item : root->childItems()) {
        if (!item->isVisible()) continue;
        if (item->property("text").toString().contains(text)) out << item;
        out << itemsContaining(item, text);
    }
    return out;
}

QList<QQuickItem*> itemsNamed(QQuickItem* root, const QString& name) {
    QList<QQuickItem*> out;
    for (QQuickItem* item : root->childItems()) {
        if (item->isVisible() && item->objectName() == name) out << item;
        out << itemsNamed(item, name);
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

    // Full R1 (its sparse header) and a split set on the page: the set is one card saying
    // "3 files"; the R1 card shows the plan for this computer ("does not fit: N short"), a plan
    // for another machine typed in its field, and, loaded, the engine's reason it cannot run.
    void pageShowsThePlanOfDeepseek2AndSplitSets() {
        QTest::failOnWarning(QRegularExpression(".*"));
        qputenv("PONDER_MEM_AVAILABLE", QByteArray::number(16LL << 30));
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        SettingsLibraryStore store(&settings);
        ModelSettingsStore modelSettings(&settings, 2);
        ModelLibrary library(&store, &modelSettings);
        ModelLoader loader(&library);
        QNetworkAccessManager network;
        DownloadManager downloads(&network, &library, dir.filePath("models"), {});

        const QString r1 = dir.filePath("DeepSeek-R1-Q4_K_M.gguf");
        QString error;
        QVERIFY2(ponder::test::writeR1Header(r1, &error), qPrintable(error));
        const QString whole = dir.filePath("whole.gguf");
        QVERIFY(ponder::test::writeTinyModel(whole, {}));
        QVERIFY(QDir().mkpath(dir.filePath("set")));
        QVERIFY(ponder::test::splitModel(whole, dir.filePath("set/tiny-00001-of-00003.gguf"), 3));
        library.addFile(r1, ModelSource::Added);
        library.addFile(dir.filePath("set/tiny-00002-of-00003.gguf"), ModelSource::Added);
        QVERIFY(QTest::qWaitFor([&] { return !library.busy(); }, 5000));
        QCOMPARE(library.models()->rowCount(), 2);

        QQmlEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine.rootContext()->setContextProperty("testLibrary", &library);
        engine.rootContext()->setContextProperty("testLoader", &loader);
        engine.rootContext()->setContextProperty("testDownloads", &downloads);
        QQmlComponent component(&engine);
        component.setData("import QtQuick\nimport QtQuick.Controls\nimport Ponder\n"
                          "ApplicationWindow { width: 1200; height: 800; visible: true\n"
                          "  ModelsPage { anchors.fill: parent; library: testLibrary; loader: testLoader;"
                          " downloads: testDownloads } }",
                          QUrl("qrc:/test/Wrapper.qml"));
        std::unique_ptr<QObject> root(component.create());
        QVERIFY2(root, qPrintable(component.errorString()));
        QQuickItem* content = qobject_cast<QQuickWindow*>(root.get())->contentItem();

        QTRY_VERIFY(!itemsWithText(content, "tiny").isEmpty());  // the set's card, by its name
        QVERIFY(!itemsContaining(content, " · 3 files · ").isEmpty());
        QCOMPARE(itemsNamed(content, "modelPlan").size(), 1);  // only deepseek2 shows it here

        // The plan for this computer: 16 GiB free against 377 GiB.
        QTRY_VERIFY(!itemsNamed(content, "planVerdict").isEmpty());
        QQuickItem* verdict = itemsNamed(content, "planVerdict")[0];
        QTRY_VERIFY2(verdict->property("text").toString().startsWith("Does not fit this computer: "),
                     qPrintable(verdict->property("text").toString()));
        QVERIFY(verdict->property("text").toString().endsWith(" short"));
        QVERIFY(!itemsContaining(content, "KV cache ").isEmpty());
        QVERIFY(!itemsContaining(content, "For this computer: its CPU with the 16.0 GiB of memory free now").isEmpty());

        // Another machine, typed in the field.
        QQuickItem* field = itemsNamed(content, "planDevicesField").value(0);
        QVERIFY(field);
        field->setProperty("text", "cuda:24GiB+cpu:512GiB");
        QVERIFY(QMetaObject::invokeMethod(field, "accepted"));
        QTRY_COMPARE(verdict->property("text").toString(), QStringLiteral("Fits cuda:24GiB+cpu:512GiB"));
        QVERIFY(!itemsContaining(content, "Hybrid: ").isEmpty());
        QVERIFY(!itemsContaining(content, "routed experts of layers 3-60").isEmpty());
        QTRY_VERIFY(!itemsNamed(content, "planSpeed").isEmpty());
        QVERIFY(itemsNamed(content, "planSpeed")[0]->property("text").toString().startsWith("Predicted: at most "));
        // A mistyped spec: the engine's reason, in place of the plan.
        field->setProperty("text", "cuda+cpu");
        QVERIFY(QMetaObject::invokeMethod(field, "accepted"));
        QTRY_VERIFY(!itemsNamed(content, "planError").isEmpty());
        QVERIFY(itemsNamed(content, "planError")[0]->property("text").toString().contains("cuda:80GiB"));
        // Back to this computer.
        QVERIFY(QMetaObject::invokeMethod(buttonsWithText(content, "This computer").value(0), "clicked"));
        QTRY_VERIFY(verdict->property("text").toString().startsWith("Does not fit this computer: "));

        // Loading the header: the engine's words on the card, nothing crashes, the page goes on.
        qputenv("PONDER_MEM_AVAILABLE", QByteArray::number(1024LL << 30));
        loader.load(r1);
        QTRY_COMPARE(loader.state(), ModelLoader::Error);
        QTRY_VERIFY(!itemsContaining(content, "the weights are missing").isEmpty());
        qunsetenv("PONDER_MEM_AVAILABLE");
    }
};

QTEST_MAIN(TestModelsPage)
#include "test_models_page.moc"
