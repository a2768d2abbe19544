// Ponder desktop app: builds the objects (AppRoot), loads the QML module, starts the model load.
#include "core/app_root.h"
#include "core/dialog_check.h"

#include "ponder/engine.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTranslator>
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
    QGuiApplication::setApplicationName(QStringLiteral("Ponder"));
    QGuiApplication::setOrganizationName(QStringLiteral("Ponder"));
    QGuiApplication::setApplicationVersion(QString::fromLatin1(ponder::engine_version()));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.ponder.Ponder"));
    // The system language's translation, else English (its plural forms: "1 model", not
    // "1 model(s)"); with neither, the source strings. Embedded by app/CMakeLists.txt.
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("ponder"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        translator.load(QStringLiteral("ponder_en"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Chat with DeepSeek-R1 reasoning models on your own machine."));
    cli.addHelpOption();
    QCommandLineOption dataDir(QStringLiteral("data-dir"),
                               QStringLiteral("Keep conversations, models and settings in DIR (a separate profile)."),
                               QStringLiteral("DIR"));
    cli.addOption(dataDir);
    cli.addOption({QStringLiteral("version"), QStringLiteral("Print the version.")});
    QCommandLineOption checkDialogs(QStringLiteral("check-dialogs"),
                                    QStringLiteral("Open every dialog once on a temporary profile, say whether each opened, and quit "
                                                   "(the Debian package's check)."));
    cli.addOption(checkDialogs);
    cli.process(app);

    QQuickStyle::setStyle(QStringLiteral("Material"));
    QTemporaryDir checkProfile;  // --check-dialogs never touches the user's profile
    const bool checking = cli.isSet(checkDialogs);
    ponder::app::AppRoot root(checking && !cli.isSet(dataDir) ? checkProfile.path() : cli.value(dataDir));
    QString error;
    ponder::OpenFailure failure;
    if (!root.start(error, failure)) {
        // Nothing is touched; the message says what to do (e.g. ponder-cli history move-aside).
        std::fprintf(stderr, "ponder: %s\n", qPrintable(error));
        QQmlApplicationEngine engine;
        ponder::app::AppRoot::prepareQmlEngine(engine);
        engine.setInitialProperties({{QStringLiteral("message"), error},
                                     {QStringLiteral("canMoveAside"), failure == ponder::OpenFailure::Corrupt}});
        QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                         [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/StartupProblem.qml")));
        QObject* window = engine.rootObjects().value(0);
        if (window) {
            QObject::connect(window, SIGNAL(moveAsideRequested()), &app, SLOT(quit()));
        }
        const int status = app.exec();
        if (window && window->property("moveAsideChosen").toBool()) {
            QString why;
            const QString moved = root.moveDatabaseAside(why);
            std::fprintf(stderr, moved.isEmpty() ? "ponder: could not move the database: %s\n"
                                                 : "ponder: the damaged database was moved to %s; start Ponder again\n",
                         qPrintable(moved.isEmpty() ? why : moved));
            return moved.isEmpty() ? 1 : 0;
        }
        return status == 0 ? 1 : status;
    }

    QQmlApplicationEngine engine;
    ponder::app::AppRoot::prepareQmlEngine(engine);
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.setInitialProperties(root.qmlProperties());
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
    if (checking) {
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().value(0));
        return window ? ponder::app::checkDialogs(engine, window) : 1;
    }
    root.loadStartupModel();
    return app.exec();
}
