// Where the app keeps its data and finds its bundled resources.
#pragma once

#include <QString>

namespace ponder::app {

// The profile folder: --data-dir when given, else the XDG data folder
// ($XDG_DATA_HOME/ponder, the same folder ponder-cli uses). Created on first use.
class AppPaths {
public:
    explicit AppPaths(const QString& dataDirOverride = {});

    QString dataDir() const { return m_dataDir; }
    QString databasePath() const;   // <data dir>/ponder.db
    QString modelsDir() const;      // <data dir>/models: downloads land here
    bool ensureCreated(QString* error) const;

    // A bundled resource (e.g. "models/ponder-demo.gguf"): installed copy under
    // <prefix>/share/ponder, else the source tree's resources/ when running from a build.
    static QString resource(const QString& relative);
    static QString demoModelPath() { return resource(QStringLiteral("models/ponder-demo.gguf")); }

private:
    QString m_dataDir;
};

} // namespace ponder::app
