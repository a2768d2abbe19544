// The desktop app's responsiveness, measured on the real object graph and QML (AppRoot + Main.qml),
// offscreen or on a display. Prints numbers; asserts nothing.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench/bench_app [--model BIG.gguf] [--messages 1000]
//                                                          [--stream-seconds 10]
//
//   start to first frame     process start -> the window's first frame (model load excluded: async)
//   model load stall         longest gap of a 5 ms GUI-thread timer while the demo model loads
//   open conversation        openConversation() of a N-message conversation -> its first frame
//   streaming frames         text arriving at 200 tokens/s (coalesced every 30 ms, as the engine
//                            worker does) into the last answer of that conversation, with reasoning
//                            then a Markdown answer: frame time (sync + render) p50/p99/max, and
//                            the longest GUI-thread stall
#include "chat/chat_controller.h"
#include "chat/message_list_model.h"
#include "core/app_root.h"
#include "models/model_loader.h"

#include "ponder/conversation_store.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>
#include <algorithm>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

using namespace ponder;
using namespace ponder::app;

namespace {

QElapsedTimer g_sinceStart;

void waitUntil(const std::function<bool()>& done, int timeoutMs = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

// Longest gap between ticks of a 5 ms timer on the GUI thread: how long it could not respond.
class StallMeter {
public:
    StallMeter() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last) m_worst = std::max(m_worst, now - m_last);
            m_last = now;
        });
    }
    void start() {
        m_clock.start();
        m_last = 0;
        m_worst = 0;
        m_timer.start();
    }
    double stopMs() {
        m_timer.stop();
        return static_cast<double>(m_worst) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_worst = 0;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

const char* kReasoningPiece = "Let me check the next column: 7 + 5 + 1 = 13, so I write 3 and carry 1. ";
const char* kAnswerPieces[] = {
    "The sum is computed column by column. ", "In Python:\n\n```python\ndef add(a, b):\n", "    return a + b\n```\n\n",
    "With fractions, $\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}$. ", "| a | b |\n|---|---|\n| 1 | 2 |\n\n",
    "So the answer is \\boxed{432}. "};

} // namespace

int main(int argc, char* argv[]) {
    g_sinceStart.start();
    QGuiApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addOptions({{"model", "load this model for the stall measurement instead of the demo", "PATH"},
                    {"messages", "messages in the long conversation", "N", "1000"},
                    {"stream-seconds", "how long to stream", "S", "10"}});
    cli.process(app);
    const int nMessages = cli.value("messages").toInt();
    const int streamMs = cli.value("stream-seconds").toInt() * 1000;
    QQuickStyle::setStyle(QStringLiteral("Material"));
    QTemporaryDir profile;

    // --- start to first frame
    AppRoot root(profile.path());
    QString error;
    OpenFailure failure;
    if (!root.start(error, failure)) {
        std::fprintf(stderr, "bench_app: %s\n", qPrintable(error));
        return 1;
    }
    QQmlApplicationEngine engine;
    ponder::app::AppRoot::prepareQmlEngine(engine);
    engine.setInitialProperties(root.qmlProperties());
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().value(0));
    if (!window) return 1;
    bool framed = false;
    QObject::connect(window, &QQuickWindow::frameSwapped, [&] { framed = true; });
    waitUntil([&] { return framed; });
    const double firstFrameMs = static_cast<double>(g_sinceStart.nsecsElapsed()) / 1e6;

    // --- a model load, watched from the GUI thread
    StallMeter stall;
    stall.start();
    if (cli.isSet("model")) root.loader()->load(cli.value("model"));
    else root.loadStartupModel();
    waitUntil([&] { return root.loader()->state() == ModelLoader::Ready || root.loader()->state() == ModelLoader::Error; });
    const double loadStallMs = stall.stopMs();
    if (root.loader()->state() != ModelLoader::Ready)
        std::fprintf(stderr, "bench_app: the model did not load: %s\n", qPrintable(root.loader()->errorText()));

    // --- a long conversation, written through a second connection (as ponder-cli would)
    qint64 conversation = 0;
    {
        std::string why;
        auto db = Database::open(root.paths().databasePath().toStdString(), why);
        ConversationStore store(*db);
        conversation = store.create_conversation("A long conversation", {}, why);
        Transaction tx(*db);
        const std::string reasoning(1200, 'r'), question = "What is 47 + 385? Please explain each step.",
                          answer = "Adding column by column gives **432**.\n\n- ones: 12\n- tens: 11\n\n47 + 385 = \\boxed{432}";
        int64_t parent = 0;
        for (int i = 0; i < nMessages; ++i) {
            parent = store.append_message(conversation, parent, i % 2 ? Role::Assistant : Role::User,
                                          i % 2 ? answer : question, why);
        }
        tx.commit(why);
        store.begin_assistant_message(conversation, parent - 0, "bench", why);
    }
    root.conversations()->reload();
    framed = false;
    QElapsedTimer openClock;
    openClock.start();
    root.chat()->openConversation(conversation);
    const double openCallMs = static_cast<double>(openClock.nsecsElapsed()) / 1e6;
    waitUntil([&] { return framed; });
    const double openFrameMs = static_cast<double>(openClock.nsecsElapsed()) / 1e6;

    // --- streaming into its last (streaming) answer at 200 tokens/s
    MessageListModel* messages = root.chat()->messages();
    const int last = messages->count() - 1;
    const qint64 streamingId = messages->data(messages->index(last), MessageListModel::MessageIdRole).toLongLong();
    std::vector<double> frameMs;
    qint64 syncStart = 0;
    QElapsedTimer frameClock;
    frameClock.start();
    QObject::connect(window, &QQuickWindow::beforeSynchronizing, window, [&] { syncStart = frameClock.nsecsElapsed(); },
                     Qt::DirectConnection);
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [&] {
        if (syncStart) frameMs.push_back(static_cast<double>(frameClock.nsecsElapsed() - syncStart) / 1e6);
    }, Qt::DirectConnection);
    QTimer feed;
    feed.setInterval(30);  // 6 tokens every 30 ms = 200 tokens/s, coalesced like EngineWorker does
    int tick = 0;
    const int reasoningTicks = streamMs / 2 / 30;
    QObject::connect(&feed, &QTimer::timeout, [&] {
        if (tick < reasoningTicks) messages->appendReasoning(streamingId, QString::fromLatin1(kReasoningPiece).left(24));
        else messages->appendAnswer(streamingId, QString::fromLatin1(kAnswerPieces[(tick / 3) % 6]).mid((tick % 3) * 12, 12));
        ++tick;
    });
    stall.start();
    feed.start();
    QElapsedTimer streamClock;
    streamClock.start();
    waitUntil([&] { return streamClock.elapsed() >= streamMs; }, streamMs + 5000);
    feed.stop();
    const double streamStallMs = stall.stopMs();

    std::printf("start to first frame      %8.1f ms\n", firstFrameMs);
    std::printf("model load GUI stall      %8.1f ms (longest gap of a 5 ms timer while loading %s)\n", loadStallMs,
                qPrintable(QFileInfo(root.loader()->activePath()).fileName()));
    std::printf("open %d messages        %8.1f ms to the model, %.1f ms to the first frame\n", nMessages, openCallMs,
                openFrameMs);
    std::printf("streaming 200 tok/s       frames %zu, frame time p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                "GUI stall max %.1f ms\n",
                frameMs.size(), percentile(frameMs, 0.5), percentile(frameMs, 0.99),
                frameMs.empty() ? 0.0 : *std::max_element(frameMs.begin(), frameMs.end()), streamStallMs);
    return 0;
}
