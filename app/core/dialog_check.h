// `ponder --check-dialogs`: opens every dialog, menu and file chooser of the window once and
// says whether each opened, with no QML warning. It exists for the Debian package's check
// (packaging/check_deb.sh), which runs the unpacked app this way: it proves that the packages the
// .deb depends on bring every QML module the dialogs load (Qt's FileDialog crashed the app when
// qml6-module-qt-labs-folderlistmodel was missing), on the machine, outside the build tree.
#pragma once

class QQmlEngine;
class QQuickWindow;

namespace ponder::app {

// Runs the check on a loaded Main.qml window; prints one line per dialog to stdout and returns
// the process exit status (0: every dialog opened and closed, and no QML warning was raised).
int checkDialogs(QQmlEngine& engine, QQuickWindow* window);

} // namespace ponder::app
