// Ponder desktop app: builds the objects, wires them, loads the QML module.
#include "ponder/engine.h"

#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>
#include <cstring>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

int main(int argc, char* argv[]) {
    // Answered before Qt starts, so it works without a display.
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--version")) {
            std::printf("ponder %s\n", ponder::engine_version());
            return 0;
        }
    }
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName("Ponder");
    QGuiApplication::setOrganizationName("Ponder");
    QGuiApplication::setApplicationVersion(ponder::engine_version());

    QQmlApplicationEngine engine;
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
    return app.exec();
}
