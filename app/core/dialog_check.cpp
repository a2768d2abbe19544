#include "core/dialog_check.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QQmlEngine>
#include <QQmlError>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <algorithm>
#include <cstdio>
#include <functional>

namespace ponder::app {

namespace {

bool inheritsClass(const QObject* o, const char* className) {
    for (const QMetaObject* m = o->metaObject(); m; m = m->superClass())
        if (qstrcmp(m->className(), className) == 0) return true;
    return false;
}

bool waitFor(const std::function<bool()>& done, int ms = 5000) {
    QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

QString nameOf(const QObject* o) {
    QString name = QString::fromLatin1(o->metaObject()->className());
    name = name.left(name.indexOf(QLatin1String("_QML")));
    return o->objectName().isEmpty() ? name : name + QLatin1Char(' ') + o->objectName();
}

} // namespace

int checkDialogs(QQmlEngine& engine, QQuickWindow* window) {
    int warnings = 0, failures = 0, opened = 0;
    QObject::connect(&engine, &QQmlEngine::warnings, &engine, [&](const QList<QQmlError>& list) {
        for (const QQmlError& e : list) {
            std::printf("warning: %s\n", qPrintable(e.toString()));
            warnings++;
        }
    });
    auto report = [&](const QObject* o, bool ok) {
        std::printf("%s %s\n", ok ? "opened" : "FAILED", qPrintable(nameOf(o)));
        ok ? opened++ : failures++;
    };
    QSet<QObject*> done;
    for (const char* page : {"chat", "models", "providers"}) {
        window->setProperty("page", QString::fromLatin1(page));
        waitFor([] { return false; }, 50);
        for (QObject* o : window->findChildren<QObject*>()) {
            if (done.contains(o)) continue;
            const bool popup = inheritsClass(o, "QQuickPopup") && !inheritsClass(o, "QQuickToolTip") &&
                               o->objectName() != QLatin1String("filePickerFallback");
            const bool picker = QByteArray(o->metaObject()->className()).startsWith("FilePicker");
            if (!popup && !picker) continue;
            auto* holder = popup ? o->property("parent").value<QQuickItem*>() : qobject_cast<QQuickItem*>(o);
            if (holder && !holder->isVisible()) continue;  // on another page: opened with that page
            done.insert(o);
            QMetaObject::invokeMethod(o, "open");
            if (popup) {
                const bool ok = waitFor([&] { return o->property("opened").toBool(); });
                report(o, ok);
                QMetaObject::invokeMethod(o, "close");
                waitFor([&] { return !o->property("visible").toBool(); });
                continue;
            }
            // A file chooser: Qt's dialog (its QML loads now) or the fallback that names a
            // missing package (then the check fails: the package should have brought it).
            QObject* shown = nullptr;
            const bool ok = waitFor([&] {
                for (QObject* d : o->findChildren<QObject*>())
                    if (inheritsClass(d, "QQuickAbstractDialog") && d->property("visible").toBool()) shown = d;
                return shown != nullptr;
            });
            report(o, ok);
            if (QObject* fallback = o->findChild<QObject*>(QStringLiteral("filePickerFallback"));
                fallback && fallback->property("opened").toBool()) {
                std::printf("  %s\n", qPrintable(o->property("problem").toString()));
                QMetaObject::invokeMethod(fallback, "close");
            }
            if (shown) {
                QMetaObject::invokeMethod(shown, "close");
                waitFor([&] { return !shown->property("visible").toBool(); });
            }
        }
    }
    // The icons are SVG: they need the image plugin of libqt6svg6, which no QML import names.
    int icons = 0;
    window->setProperty("page", QStringLiteral("chat"));
    const std::function<void(QQuickItem*)> visit = [&](QQuickItem* item) {
        if (inheritsClass(item, "QQuickImageBase") && item->property("source").toUrl().toString().endsWith(QLatin1String(".svg"))) {
            waitFor([&] { return item->property("status").toInt() != 2; });  // 2: Loading
            if (item->property("status").toInt() != 1) {  // 1: Ready
                std::printf("FAILED icon %s (is libqt6svg6 installed?)\n", qPrintable(item->property("source").toString()));
                failures++;
            }
            icons++;
        }
        for (QQuickItem* child : item->childItems()) visit(child);
    };
    visit(window->contentItem());
    std::printf("%d icons loaded\n", icons - std::min(icons, failures));
    std::printf("%d dialogs opened, %d failed, %d QML warnings\n", opened, failures, warnings);
    return failures == 0 && warnings == 0 && opened > 0 && icons > 0 ? 0 : 1;
}

} // namespace ponder::app
