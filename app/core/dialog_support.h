// Whether the Qt Quick file dialogs can be created, asked once per QML engine. Qt's own
// (non-native) FileDialog and FolderDialog are QML files that import Qt.labs.folderlistmodel; when
// that module is missing, Qt 6.4 crashes inside open() (segfault) instead of failing. So the app
// checks the modules first and, when one is missing, shows a dialog that names the package and
// lets the user type a path instead (ui/dialogs/FilePicker.qml).
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace ponder::app {

struct QmlModuleNeed {
    QString module;       // the import, e.g. "Qt.labs.folderlistmodel"
    QString debianPackage;  // the package that installs it, e.g. "qml6-module-qt-labs-folderlistmodel"
};

// The modules Qt's file dialogs need at run time, beyond QtQuick.Controls (keep in sync with
// packaging/qml-modules.txt, which install-deps.sh and the .deb's dependencies read).
QList<QmlModuleNeed> fileDialogModuleNeeds();

// "" when every module imports; otherwise one sentence naming the missing modules and packages.
QString missingQmlModules(QQmlEngine& engine, const QList<QmlModuleNeed>& needs);

class DialogSupport : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // Empty when FileDialog / FolderDialog can open; else why not, in words a user can act on.
    Q_PROPERTY(QString fileDialogProblem READ fileDialogProblem CONSTANT)

public:
    explicit DialogSupport(QString fileDialogProblem, QObject* parent = nullptr)
        : QObject(parent), m_fileDialogProblem(std::move(fileDialogProblem)) {}
    static DialogSupport* create(QQmlEngine* qml, QJSEngine* js);

    QString fileDialogProblem() const { return m_fileDialogProblem; }

    // Tests: an extra module the next engines' check requires (one that does not exist shows the
    // fallback path without uninstalling anything).
    static void requireModuleForTesting(const QmlModuleNeed& need);

private:
    QString m_fileDialogProblem;
};

} // namespace ponder::app
