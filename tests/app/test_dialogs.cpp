// Every dialog, menu and file chooser the app has, opened in the real window (Main.qml on AppRoot,
// offscreen): each opens, lies inside the window, raises no QML warning, and closes. They are found
// by walking the object tree, so a dialog added later is opened too without editing this test.
// The file choosers are also opened with a QML module missing (as on a machine without
// qml6-module-qt-labs-folderlistmodel, where Qt 6.4's FileDialog segfaults in open()): the app
// must say which package is missing and take a typed path instead. Screenshots go to
// $PONDER_SCREENSHOT_DIR (default: ./screenshots).
#include "core/app_root.h"
#include "core/dialog_support.h"
#include "model_test_fixtures.h"
#include "models/model_library.h"
#include "models/model_list_model.h"
#include "providers/secret_store.h"

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

bool inheritsClass(const QObject* o, const char* className) {
    for (const QMetaObject* m = o->metaObject(); m; m = m->superClass())
        if (qstrcmp(m->className(), className) == 0) return true;
    return false;
}

bool isFilePicker(const QObject* o) { return QByteArray(o->metaObject()->className()).startsWith("FilePicker"); }

QString describe(const QObject* o) {
    const QString name = o->objectName();
    return QString::fromLatin1(o->metaObject()->className()) + (name.isEmpty() ? QString() : QLatin1Char(' ') + name);
}

struct App {
    QTemporaryDir profile;
    std::unique_ptr<AppRoot> root;
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;

    bool start(QSize size) {
        root = std::make_unique<AppRoot>(profile.path());
        root->setSecretStore(std::make_unique<MemorySecretStore>());
        QString error;
        ponder::OpenFailure failure;
        if (!root->start(error, failure)) return false;
        engine = std::make_unique<QQmlApplicationEngine>();
        ponder::app::AppRoot::prepareQmlEngine(*engine);
        engine->setInitialProperties(root->qmlProperties());
        engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
        if (engine->rootObjects().isEmpty()) return false;
        window = qobject_cast<QQuickWindow*>(engine->rootObjects().first());
        if (!window) return false;
        window->resize(size);
        return QTest::qWaitForWindowExposed(window);
    }
};

} // namespace

class TestDialogs : public QObject {
    Q_OBJECT

    void shoot(QQuickWindow* window, const QString& name) {
        const QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(screenshotDir() + QStringLiteral("/dialog-") + name + QStringLiteral(".png")));
    }

    // Opens `popup` (a Popup, Dialog or Menu), checks it is shown inside the window, closes it.
    void openAndClose(QQuickWindow* window, QObject* popup, const QString& shot) {
        QVERIFY(QMetaObject::invokeMethod(popup, "open"));
        QVERIFY2(QTest::qWaitFor([&] { return popup->property("opened").toBool(); }, 3000), qPrintable(describe(popup)));
        const auto* item = popup->property("contentItem").value<QQuickItem*>();
        QVERIFY2(item, qPrintable(describe(popup)));
        const QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
        QVERIFY2(r.left() >= -0.5 && r.top() >= -0.5 && r.right() <= window->width() + 0.5 &&
                     r.bottom() <= window->height() + 0.5,
                 qPrintable(QStringLiteral("%1 lies outside the window: %2,%3 %4x%5 in %6x%7")
                                .arg(describe(popup)).arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())
                                .arg(window->width()).arg(window->height())));
        shoot(window, shot);
        QVERIFY(QMetaObject::invokeMethod(popup, "close"));
        QVERIFY2(QTest::qWaitFor([&] { return !popup->property("visible").toBool(); }, 3000), qPrintable(describe(popup)));
    }

private slots:
    void initTestCase() { QQuickStyle::setStyle(QStringLiteral("Material")); }

    void everyDialogOpens() {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));  // any QML warning is a bug
        App app;
        QVERIFY(app.start({1000, 700}));
        QCOMPARE(app.engine->rootObjects().first()->findChild<QObject*>(QStringLiteral("filePickerFallback"))
                     ->property("opened").toBool(), false);
        // Each page in turn: a popup opens on the page that holds it (its parent item visible).
        QSet<QObject*> done;
        int popups = 0, pickers = 0;
        for (const char* page : {"chat", "models", "providers"}) {
            QVERIFY(app.window->setProperty("page", QString::fromLatin1(page)));
            QTest::qWait(50);
            for (QObject* o : app.window->findChildren<QObject*>()) {
                if (done.contains(o)) continue;
                const bool popup = inheritsClass(o, "QQuickPopup") && !inheritsClass(o, "QQuickToolTip") &&
                                   o->objectName() != QStringLiteral("filePickerFallback");
                if (!popup && !isFilePicker(o)) continue;
                auto* holder = popup ? o->property("parent").value<QQuickItem*>() : qobject_cast<QQuickItem*>(o);
                if (holder && !holder->isVisible()) continue;
                done.insert(o);
                if (popup) {
                    // Popups that need a row to act on are opened all the same: they must not break.
                    openAndClose(app.window, o, QStringLiteral("%1-popup-%2").arg(QLatin1String(page)).arg(popups++));
                    if (QTest::currentTestFailed()) return;
                    continue;
                }
                // Qt's own file dialog: its QML implementation loads and shows (this is the open()
                // that crashed when Qt.labs.folderlistmodel was not installed).
                QVERIFY2(QMetaObject::invokeMethod(o, "open"), qPrintable(describe(o)));
                QObject* shown = nullptr;
                QVERIFY2(QTest::qWaitFor([&] {
                             for (QObject* d : o->findChildren<QObject*>())
                                 if (inheritsClass(d, "QQuickAbstractDialog") && d->property("visible").toBool()) shown = d;
                             return shown != nullptr;
                         }, 5000),
                         qPrintable(describe(o)));
                QTest::qWait(100);
                shoot(app.window, QStringLiteral("picker-%1").arg(o->objectName()));
                QVERIFY(QMetaObject::invokeMethod(shown, "close"));
                QVERIFY(QTest::qWaitFor([&] { return !shown->property("visible").toBool(); }, 3000));
                pickers++;
            }
        }
        // Main.qml's dialogs, the sidebar's, the models page's, the providers page's, the menus.
        QVERIFY2(popups >= 8, qPrintable(QString::number(popups)));
        QCOMPARE(pickers, 3);  // add models, scan a folder, export a conversation
    }

    void missingQmlModuleShowsAnErrorAndTakesATypedPath() {
        DialogSupport::requireModuleForTesting({QStringLiteral("Ponder.NotInstalled"), QStringLiteral("ponder-missing-qml")});
        App app;
        QVERIFY(app.start({800, 600}));
        app.window->setProperty("page", QStringLiteral("models"));
        auto* picker = app.window->findChild<QObject*>(QStringLiteral("addModelsPicker"));
        QVERIFY(picker);
        QVERIFY(picker->property("problem").toString().contains(QStringLiteral("ponder-missing-qml")));
        QVERIFY(QMetaObject::invokeMethod(picker, "open"));
        auto* fallback = picker->findChild<QObject*>(QStringLiteral("filePickerFallback"));
        QVERIFY(fallback);
        QVERIFY(QTest::qWaitFor([&] { return fallback->property("opened").toBool(); }, 3000));
        for (QObject* d : picker->findChildren<QObject*>())
            QVERIFY2(!inheritsClass(d, "QQuickAbstractDialog") || !d->property("visible").toBool(), "Qt's dialog was opened");
        shoot(app.window, QStringLiteral("picker-fallback"));

        // A typed path adds the model, as choosing it in the dialog would.
        const QString model = app.profile.filePath(QStringLiteral("typed.gguf"));
        QVERIFY(ponder::test::writeTinyModel(model, {}));
        auto* field = picker->findChild<QQuickItem*>(QStringLiteral("filePickerPath"));
        QVERIFY(field);
        field->setProperty("text", model);
        QVERIFY(QMetaObject::invokeMethod(fallback, "accept"));
        ModelLibrary* library = app.root->library();
        QVERIFY(QTest::qWaitFor([&] {
            for (const ModelInfo& info : library->models()->models())
                if (info.path == model) return true;
            return false;
        }, 10000));
    }
};

QTEST_MAIN(TestDialogs)
#include "test_dialogs.moc"
