#include "core/app_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

namespace ponder::app {

namespace {
QString xdgDataHome() {
    const QString env = qEnvironmentVariable("XDG_DATA_HOME");
    if (!env.isEmpty() && QDir::isAbsolutePath(env)) return env;
    return QDir::homePath() + QStringLiteral("/.local/share");
}
} // namespace

AppPaths::AppPaths(const QString& dataDirOverride)
    : m_dataDir(dataDirOverride.isEmpty() ? xdgDataHome() + QStringLiteral("/ponder")
                                          : QDir(dataDirOverride).absolutePath()) {}

QString AppPaths::databasePath() const { return m_dataDir + QStringLiteral("/ponder.db"); }
QString AppPaths::modelsDir() const { return m_dataDir + QStringLiteral("/models"); }

bool AppPaths::ensureCreated(QString* error) const {
    for (const QString& dir : {m_dataDir, modelsDir()}) {
        if (!QDir().mkpath(dir)) {
            if (error) *error = QCoreApplication::translate("AppPaths", "Cannot create the folder %1").arg(dir);
            return false;
        }
    }
    return true;
}

QString AppPaths::resource(const QString& relative) {
    const QString installed =
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/ponder/") + relative;
    if (QFileInfo::exists(installed)) return QFileInfo(installed).canonicalFilePath();
    return QStringLiteral(PONDER_RESOURCES_DIR "/") + relative;
}

} // namespace ponder::app
