#include "core/dialog_support.h"

#include <QQmlComponent>
#include <QQmlEngine>

namespace ponder::app {

namespace {
QList<QmlModuleNeed>& testingNeeds() {
    static QList<QmlModuleNeed> needs;
    return needs;
}
} // namespace

QList<QmlModuleNeed> fileDialogModuleNeeds() {
    QList<QmlModuleNeed> needs{
        {QStringLiteral("QtQuick.Dialogs"), QStringLiteral("qml6-module-qtquick-dialogs")},
        {QStringLiteral("Qt.labs.folderlistmodel"), QStringLiteral("qml6-module-qt-labs-folderlistmodel")},
    };
    return needs + testingNeeds();
}

QString missingQmlModules(QQmlEngine& engine, const QList<QmlModuleNeed>& needs) {
    QStringList missing;
    for (const QmlModuleNeed& need : needs) {
        // Compiling an import is enough to know whether the module (and its plugin) loads; the
        // component is never created.
        QQmlComponent probe(&engine);
        probe.setData(QStringLiteral("import %1\nimport QtQml\nQtObject {}\n").arg(need.module).toUtf8(), QUrl());
        if (probe.isError()) missing << QStringLiteral("%1 (Debian package %2)").arg(need.module, need.debianPackage);
    }
    if (missing.isEmpty()) return {};
    return QObject::tr("The file chooser cannot open: the Qt module %1 is not installed. "
                       "Install it, or type the path here.")
        .arg(missing.join(QStringLiteral(", ")));
}

DialogSupport* DialogSupport::create(QQmlEngine* qml, QJSEngine*) {
    return new DialogSupport(missingQmlModules(*qml, fileDialogModuleNeeds()));
}

void DialogSupport::requireModuleForTesting(const QmlModuleNeed& need) { testingNeeds().append(need); }

} // namespace ponder::app
