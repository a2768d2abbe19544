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
#include "settings/app_settings.h"
#include "settings/theme.h"

#include <QDir>
#include <QFont>
#include <functional>
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
        // Everything in it lies inside it (the rename dialog's field stuck out of the dialog).
        if (inheritsClass(popup, "QQuickDialog")) {
            const QRectF frame = item->parentItem()->mapRectToScene(
                QRectF(0, 0, item->parentItem()->width(), item->parentItem()->height())).adjusted(-1, -1, 1, 1);
            // Shadows are drawn past the edge on purpose: an effect is a shader effect (source) or
            // the item holding one.
            auto effect = [](QQuickItem* i) {
                if (inheritsClass(i, "QQuickShaderEffect") || inheritsClass(i, "QQuickShaderEffectSource")) return true;
                for (QQuickItem* c : i->childItems())
                    if (inheritsClass(c, "QQuickShaderEffectSource")) return true;
                return false;
            };
            const std::function<void(QQuickItem*)> inside = [&](QQuickItem* i) {
                if (!i->isVisible() || i->width() <= 0 || i->height() <= 0 || effect(i) || QTest::currentTestFailed()) return;
                bool clipped = false;
                for (QQuickItem* p = i->parentItem(); p && p != item->parentItem(); p = p->parentItem()) clipped |= p->clip();
                const QRectF box = i->mapRectToScene(QRectF(0, 0, i->width(), i->height()));
                QVERIFY2(clipped || frame.contains(box), qPrintable(QStringLiteral("%1 sticks out of %2").arg(describe(i), describe(popup))));
                for (QQuickItem* c : i->childItems()) inside(c);
            };
            inside(const_cast<QQuickItem*>(item));
            if (QTest::currentTestFailed()) return;
        }
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
        QCOMPARE(pickers, 4);  // add models, scan a folder, export a conversation, open a thinking curve
    }

    // Settings: the drop-downs list their choices (they opened blank), the text size box steps
    // through sizes that apply (it showed 6-7 pt, clamped to 8) and reaches the messages, and the
    // dialog stays where it is while its content changes (it re-centred, so clicks on -/+ missed).
    void settingsDialogWorks() {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        App app;
        QVERIFY(app.start({1000, 700}));
        QObject* dialog = app.window->findChild<QObject*>(QStringLiteral("settingsDialog"));
        QVERIFY(dialog);
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QVERIFY(QTest::qWaitFor([&] { return dialog->property("opened").toBool(); }, 3000));
        for (const char* name : {"themeChoice", "thinkingChoice", "sendKeyChoice", "tabKeyChoice"}) {
            auto* combo = app.window->findChild<QQuickItem*>(QString::fromLatin1(name));
            QVERIFY2(combo, name);
            QVERIFY2(!combo->property("displayText").toString().isEmpty(), name);
            auto* popup = combo->property("popup").value<QObject*>();
            QVERIFY(QMetaObject::invokeMethod(popup, "open"));
            QVERIFY(QTest::qWaitFor([&] { return popup->property("opened").toBool(); }, 3000));
            auto* list = popup->property("contentItem").value<QQuickItem*>();
            QVERIFY(list);
            const int count = list->property("count").toInt();
            QVERIFY2(count >= 2, name);
            for (int i = 0; i < count; ++i) {
                QString text;
                QVERIFY(QMetaObject::invokeMethod(combo, "textAt", Q_RETURN_ARG(QString, text), Q_ARG(int, i)));
                QVERIFY2(!text.isEmpty(), qPrintable(QStringLiteral("%1 choice %2 is blank").arg(QLatin1String(name)).arg(i)));
            }
            QVERIFY(QMetaObject::invokeMethod(popup, "close"));
            QVERIFY(QTest::qWaitFor([&] { return !popup->property("visible").toBool(); }, 3000));
        }

        auto* size = app.window->findChild<QQuickItem*>(QStringLiteral("textSize"));
        QVERIFY(size);
        const QPointF where(dialog->property("x").toReal(), dialog->property("y").toReal());
        const QList<int> sizes = AppSettings::textSizes();
        for (int step = 1; step < sizes.size(); ++step) {
            QVERIFY(QMetaObject::invokeMethod(size, "increase"));
            QMetaObject::invokeMethod(size, "valueModified");
            QCOMPARE(app.root->settings()->fontSize(), sizes[step]);  // what it shows is what applies
            QCOMPARE(QPointF(dialog->property("x").toReal(), dialog->property("y").toReal()), where);
        }
        // The messages follow the size: the composer's text (and every message's) is bodyPixelSize.
        auto* input = app.window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        QCOMPARE(input->property("font").value<QFont>().pixelSize(), bodyPixelSizeFor(sizes.last()));
        app.root->settings()->setFontSize(0);
        QTRY_COMPARE(input->property("font").value<QFont>().pixelSize(), bodyPixelSizeFor(0));
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
