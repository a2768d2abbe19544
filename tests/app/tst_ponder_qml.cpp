// Qt Quick Tests of the chat's QML components (tests/app/qml/tst_*.qml), run offscreen against the
// real QML modules (Ponder, Ponder.Core) linked statically, as the app links them.
//
// The components bind to a ChatController, which QML cannot create, so this setup builds two real
// ones, each on its own temporary database and engine thread, and hands them to every test file as
// context properties:
//   testChat   no model: canSend is false and sendBlockedReason says why
//   readyChat  the bundled demo model (resources/models/ponder-demo.gguf), loaded on its worker
//              thread; tests wait for readyChat.canSend before sending
//
// Warnings fail the run: inside a test function each TestCase's init() calls failOnWarning(/.?/);
// QML warnings outside test functions (loading a file, creating its root item, cleanup) are
// counted here from QQmlEngine::warnings and turn the exit code non-zero.
#include "chat/chat_controller.h"
#include "chat/conversation_list_model.h"
#include "chat/engine_worker.h"

#include "ponder/conversation_store.h"
#include "ponder/engine.h"

#include <QQmlContext>
#include <QQmlError>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>
#include <atomic>
#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

using namespace ponder;
using namespace ponder::app;

namespace {

const QString kDemoModel = QStringLiteral(PONDER_SOURCE_DIR "/resources/models/ponder-demo.gguf");

std::atomic<int> g_strayWarnings{0};

// QML warnings (binding and type errors, missing required properties) raised outside a test
// function: loading a file, creating its root item, cleaning up. Inside test functions
// failOnWarning reports them (and ignoreWarning() still works).
void countStrayWarnings(const QList<QQmlError>& warnings) {
    if (QTest::currentTestFunction()) return;
    for (const QQmlError& warning : warnings) {
        g_strayWarnings++;
        std::fprintf(stderr, "ponder qml test: warning outside a test function: %s\n", qPrintable(warning.toString()));
    }
}

// One ChatController with everything it needs, as AppRoot builds it, on a temporary database.
struct ChatFixture {
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<ConversationStore> store;
    std::unique_ptr<ConversationListModel> conversations;
    QThread thread;
    EngineWorker* worker = nullptr;  // lives in `thread`, deleted when it finishes
    std::unique_ptr<ChatController> chat;

    bool start(QString& error) {
        if (!dir.isValid()) {
            error = QStringLiteral("no temporary folder");
            return false;
        }
        const QString path = dir.filePath(QStringLiteral("ponder.db"));
        std::string why;
        db = Database::open(path.toStdString(), why);
        if (!db) {
            error = QString::fromStdString(why);
            return false;
        }
        store = std::make_unique<ConversationStore>(*db);
        conversations = std::make_unique<ConversationListModel>(*store);
        worker = new EngineWorker(path);
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
        chat = std::make_unique<ChatController>(*db, *store, *conversations, *worker);
        return true;
    }

    ~ChatFixture() {
        if (worker) worker->requestStop(UINT64_MAX);  // an answer in flight ends within a token
        chat.reset();
        thread.quit();
        thread.wait();
    }
};

} // namespace

class Setup : public QObject {
    Q_OBJECT

    // Built for the first test file, torn down before the application object goes.
    std::unique_ptr<ChatFixture> m_idle;   // testChat
    std::unique_ptr<ChatFixture> m_ready;  // readyChat

public slots:
    void applicationAvailable() {
        QQuickStyle::setStyle(QStringLiteral("Material"));  // what main.cpp uses
    }

    void qmlEngineAvailable(QQmlEngine* engine) {
        // Called once per test file; the controllers are built once and shared.
        if (!m_idle) {
            m_idle = std::make_unique<ChatFixture>();
            m_ready = std::make_unique<ChatFixture>();
            QString error;
            if (!m_idle->start(error) || !m_ready->start(error))
                qFatal("ponder qml test: cannot build the chat controllers: %s", qPrintable(error));
            ModelOptions options;
            options.n_threads = 1;
            std::string why;
            std::shared_ptr<Model> model = model_load(kDemoModel.toStdString(), options, why);
            if (!model) qFatal("ponder qml test: cannot load %s: %s", qPrintable(kDemoModel), why.c_str());
            m_ready->chat->setModelName(QStringLiteral("ponder-demo.gguf"));
            GenerationSettings settings;
            settings.sampler.temperature = 0;  // greedy: the same answer every run
            m_ready->chat->setGenerationSettings(settings);
            QMetaObject::invokeMethod(m_ready->worker, "setModel", Qt::QueuedConnection,
                                      Q_ARG(std::shared_ptr<ponder::Model>, model), Q_ARG(int, 2048));
        }
        QObject::connect(engine, &QQmlEngine::warnings, engine, countStrayWarnings);
        // Qt 6.4 does not search the resource root of qt_add_qml_module by default (6.5 does), and
        // the test files import the module by name rather than by file.
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine->rootContext()->setContextProperty(QStringLiteral("testChat"), m_idle->chat.get());
        engine->rootContext()->setContextProperty(QStringLiteral("readyChat"), m_ready->chat.get());
    }

    void cleanupTestCase() {
        m_ready.reset();
        m_idle.reset();
    }
};

int main(int argc, char** argv) {
    // QUICK_TEST_MAIN_WITH_SETUP, plus the exit code for warnings outside test functions.
    QTEST_SET_MAIN_SOURCE_PATH
    Setup setup;
    const int failed = quick_test_main_with_setup(argc, argv, "ponder_qml", QUICK_TEST_SOURCE_DIR, &setup);
    if (g_strayWarnings > 0) {
        std::fprintf(stderr, "ponder qml test: FAIL: %d warning(s) outside test functions\n", g_strayWarnings.load());
        return failed ? failed : 1;
    }
    return failed;
}

#include "tst_ponder_qml.moc"
