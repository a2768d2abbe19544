// The app's chat with remote providers: ChatController + RemoteWorker (on its own thread, saving
// through its own connection), first against the scripted server (DeepSeek-style streams and the
// ways they fail), then against a real `ponder-cli serve` running the bundled demo model: a
// multi-turn chat whose answers are right and whose stored conversation matches the screen.
#include "chat/chat_controller.h"
#include "scripted_server.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace ponder;
using namespace ponder::app;

namespace {
constexpr int kTimeoutMs = 30000;
const QString kKey = QStringLiteral("sk-app-test-key-5678");
} // namespace

class TestRemoteApp : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<ConversationListModel> m_list;
    QThread m_engineThread, m_remoteThread;
    EngineWorker* m_engine = nullptr;
    RemoteWorker* m_remote = nullptr;
    std::unique_ptr<ChatController> m_chat;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    ponder::testing::ScriptedServer m_server;
    QProcess m_serve;

    QString dbPath() const { return m_dir.filePath(QStringLiteral("ponder.db")); }

    RemoteTarget target(const QString& model, const QString& base = {}) {
        RemoteTarget t;
        t.providerId = QStringLiteral("provider-test");
        t.endpoint.presetId = QStringLiteral("deepseek");
        t.endpoint.providerName = QStringLiteral("DeepSeek");
        t.endpoint.baseUrl = base.isEmpty() ? m_server.baseUrl() : base;
        t.endpoint.apiKey = kKey;
        t.model = model;
        return t;
    }

    // The active branch as a fresh connection reads it (what a restart would see).
    std::vector<Message> stored(qint64 conversation) {
        std::string error;
        auto db = Database::open(dbPath().toStdString(), error);
        ConversationStore store(*db);
        std::vector<Message> branch;
        store.load_active_branch(conversation, branch, error);
        return branch;
    }

    Message sendAndWait(const QString& text) {
        m_chat->send(text);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs); }();
        auto branch = stored(m_chat->conversationId());
        return branch.empty() ? Message{} : branch.back();
    }

    const Message* lastRow() { return m_chat->messages()->message(m_chat->messages()->count() - 1); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_server.listen());
        std::string error;
        m_db = Database::open(dbPath().toStdString(), error);
        QVERIFY2(m_db, error.c_str());
        m_store = std::make_unique<ConversationStore>(*m_db);
        m_list = std::make_unique<ConversationListModel>(*m_store);
        m_engine = new EngineWorker(dbPath());
        m_engine->moveToThread(&m_engineThread);
        connect(&m_engineThread, &QThread::finished, m_engine, &QObject::deleteLater);
        m_engineThread.start();
        m_remote = new RemoteWorker(dbPath());
        ponder::remote::RemoteOptions options;
        options.idleTimeoutMs = 500;  // the "slow" scenario stalls
        m_remote->setOptions(options);
        m_remote->moveToThread(&m_remoteThread);
        connect(&m_remoteThread, &QThread::finished, m_remote, &QObject::deleteLater);
        m_remoteThread.start();
        m_chat = std::make_unique<ChatController>(*m_db, *m_store, *m_list, *m_engine);
        m_chat->setRemoteWorker(m_remote);
        m_tester = std::make_unique<QAbstractItemModelTester>(m_chat->messages(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanupTestCase() {
        m_chat.reset();
        m_engineThread.quit();
        m_remoteThread.quit();
        m_engineThread.wait();
        m_remoteThread.wait();
        if (m_serve.state() != QProcess::NotRunning) {
            m_serve.terminate();
            m_serve.waitForFinished(5000);
        }
    }

    void init() {
        m_server.reset();
        m_chat->newConversation();
    }

    void noModelThenRemoteTarget() {
        QVERIFY(!m_chat->modelReady());  // nothing loaded locally
        m_chat->setRemoteTarget(target(QStringLiteral("deepseek-reasoner")));
        QVERIFY(m_chat->modelReady());
        QVERIFY(m_chat->isRemote());
        QCOMPARE(m_chat->modelName(), QStringLiteral("DeepSeek · deepseek-reasoner"));
        QVERIFY(m_chat->canSend());
        m_chat->useLocalModel();
        QVERIFY(!m_chat->modelReady());
        QVERIFY(!m_chat->isRemote());
        // An endpoint the client would refuse is not "ready": the reason is shown instead.
        m_chat->setRemoteTarget(target(QStringLiteral("x"), QStringLiteral("http://api.example.com")));
        QVERIFY(!m_chat->canSend());
        QVERIFY2(m_chat->sendBlockedReason().contains(QStringLiteral("https://")), qPrintable(m_chat->sendBlockedReason()));
    }

    void deepseekAnswerIsShownAndSaved() {
        m_chat->setRemoteTarget(target(QStringLiteral("deepseek-reasoner")));
        Message m = sendAndWait(QStringLiteral("What is 2 + 3?"));
        QCOMPARE(m.state, MessageState::Complete);
        QCOMPARE(m.reasoning, std::string("Let me add 2 and 3."));
        QCOMPARE(m.content, std::string("The answer is \\boxed{5}."));
        QCOMPARE(m.model, std::string("deepseek-reasoner"));
        QCOMPARE(m.stats.generated_tokens, 9);  // from the server's usage
        QCOMPARE(m.stats.prompt_tokens, 12);
        const Message* row = lastRow();
        QCOMPARE(row->reasoning, m.reasoning);
        QCOMPARE(row->content, m.content);
        Conversation c;
        std::string error;
        QVERIFY(m_store->get_conversation(m_chat->conversationId(), c, error));
        QCOMPARE(c.settings.provider, std::string("provider-test"));
        QCOMPARE(c.settings.model, std::string("deepseek-reasoner"));
        // The key went in the header and nowhere near the database.
        QCOMPARE(m_server.requests().first().headers.value("authorization"), "Bearer " + kKey.toUtf8());
        QFile file(dbPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(kKey.toUtf8()));
    }

    void laterTurnsCarryNoReasoning() {
        m_chat->setRemoteTarget(target(QStringLiteral("echo")));
        sendAndWait(QStringLiteral("first question"));
        Message second = sendAndWait(QStringLiteral("second question"));
        QCOMPARE(second.content, std::string("second question"));
        QCOMPARE(second.reasoning, std::string("3"));  // user, assistant, user
        const QJsonArray messages =
            QJsonDocument::fromJson(m_server.requests().last().body).object().value("messages").toArray();
        QCOMPARE(messages.size(), 3);
        QCOMPARE(messages[1].toObject().value("content").toString(), QStringLiteral("first question"));
        QVERIFY(!messages[1].toObject().contains("reasoning_content"));

        // Continued with another provider: the conversation remembers what answered it last.
        RemoteTarget other = target(QStringLiteral("echo"));
        other.providerId = QStringLiteral("provider-other");
        m_chat->setRemoteTarget(other);
        sendAndWait(QStringLiteral("third question"));
        Conversation c;
        std::string error;
        QVERIFY(m_store->get_conversation(m_chat->conversationId(), c, error));
        QCOMPARE(c.settings.provider, std::string("provider-other"));
        QCOMPARE(m_chat->conversationProvider(), QStringLiteral("provider-other"));
    }

    void brokenStreamKeepsThePartialAnswer() {
        m_chat->setRemoteTarget(target(QStringLiteral("cut")));
        Message m = sendAndWait(QStringLiteral("hi"));
        QCOMPARE(m.state, MessageState::Error);
        QCOMPARE(m.reasoning, std::string("Let me add 2 and 3."));
        QVERIFY2(QString::fromStdString(m.error).contains(QStringLiteral("lost in the middle")), m.error.c_str());
        QCOMPARE(lastRow()->state, MessageState::Error);
        QVERIFY(m_chat->canSend());  // and the user can go on
    }

    void httpErrorBecomesAReadableMessage() {
        m_chat->setRemoteTarget(target(QStringLiteral("no-balance")));
        Message m = sendAndWait(QStringLiteral("hi"));
        QCOMPARE(m.state, MessageState::Error);
        QVERIFY2(QString::fromStdString(m.error).contains(QStringLiteral("balance is insufficient")), m.error.c_str());
        QVERIFY(!QString::fromStdString(m.error).contains(kKey));
    }

    void stopCancelsTheRequest() {
        m_chat->setRemoteTarget(target(QStringLiteral("slow")));
        QSignalSpy finished(m_remote, &RemoteWorker::finished);
        m_chat->send(QStringLiteral("hi"));
        QTRY_VERIFY_WITH_TIMEOUT(!lastRow()->reasoning.empty(), kTimeoutMs);
        m_chat->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs);
        QCOMPARE(finished.at(0).at(1).value<ponder::StopReason>(), ponder::StopReason::Cancelled);
        auto branch = stored(m_chat->conversationId());
        QCOMPARE(branch.back().state, MessageState::Cancelled);
        QCOMPARE(branch.back().reasoning, std::string("Let me add "));
    }

    // A server cannot be asked to answer early: "answer now" stops the reply while it thinks and
    // says that no answer was produced, on screen and in the database, never a made-up answer.
    void answerNowStopsAServerAndSaysNoAnswerCame() {
        m_chat->setRemoteTarget(target(QStringLiteral("slow")));
        QVERIFY(!m_chat->answerNowAnswers());
        m_chat->send(QStringLiteral("hi"));
        QTRY_VERIFY_WITH_TIMEOUT(!lastRow()->reasoning.empty(), kTimeoutMs);
        m_chat->answerNow();
        QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs);
        auto branch = stored(m_chat->conversationId());
        const Message& m = branch.back();
        QCOMPARE(m.state, MessageState::Cancelled);
        QVERIFY(m.content.empty());
        QVERIFY2(m.stats.forced_thinking.find("\"kind\":\"stopped\"") != std::string::npos, m.stats.forced_thinking.c_str());
        const QString mark = m_chat->messages()->data(m_chat->messages()->index(m_chat->messages()->count() - 1),
                                                       MessageListModel::ThoughtMarkRole).toString();
        QVERIFY2(mark.contains(QStringLiteral("no answer was produced")), qPrintable(mark));
        QVERIFY(m_chat->canSend());
    }

    void rateLimitIsRetriedAndAnnounced() {
        m_chat->setRemoteTarget(target(QStringLiteral("rate-limited")));
        QSignalSpy retrying(m_chat.get(), &ChatController::retrying);
        Message m = sendAndWait(QStringLiteral("hi"));
        QCOMPARE(m.state, MessageState::Complete);
        QCOMPARE(retrying.size(), 2);
    }

    // The real thing: Ponder's own server with the demo model, through the same client.
    void multiTurnAgainstPonderServe() {
        m_serve.setProgram(QStringLiteral(PONDER_CLI));
        m_serve.setArguments({QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")});
        m_serve.setProcessChannelMode(QProcess::SeparateChannels);
        m_serve.start();
        QRegularExpression listening(QStringLiteral("listening on (http://127\\.0\\.0\\.1:[0-9]+)"));
        QString log, base;
        QTRY_VERIFY_WITH_TIMEOUT((log += QString::fromUtf8(m_serve.readAllStandardError()), base = listening.match(log).captured(1), !base.isEmpty()),
                                 kTimeoutMs);
        RemoteTarget t = target(QStringLiteral("ponder-demo"), base);
        t.endpoint.presetId = QStringLiteral("custom");
        t.endpoint.providerName = QStringLiteral("ponder-cli serve");
        t.endpoint.apiKey.clear();
        t.sampling.temperature = 0;  // greedy: the demo model's answers are known
        m_chat->setRemoteTarget(t);
        Message first = sendAndWait(QStringLiteral("What is 12 + 7?"));
        QCOMPARE(first.state, MessageState::Complete);
        QVERIFY2(!first.reasoning.empty(), "the thought arrives as reasoning_content");
        QVERIFY2(QString::fromStdString(first.content).contains(QStringLiteral("19")), first.content.c_str());
        QVERIFY2(first.content.find("</think>") == std::string::npos, first.content.c_str());
        Message second = sendAndWait(QStringLiteral("What is 63 * 7?"));
        QCOMPARE(second.state, MessageState::Complete);
        QVERIFY2(QString::fromStdString(second.content).contains(QStringLiteral("441")), second.content.c_str());
        QVERIFY(second.stats.generated_tokens > 0);
        QVERIFY(second.stats.prompt_tokens > first.stats.prompt_tokens);  // the first turn went back too
        // The screen and the database agree, turn by turn.
        const auto branch = stored(m_chat->conversationId());
        QCOMPARE(static_cast<int>(branch.size()), m_chat->messages()->count());
        for (int i = 0; i < m_chat->messages()->count(); ++i) {
            QCOMPARE(m_chat->messages()->message(i)->content, branch[static_cast<size_t>(i)].content);
            QCOMPARE(m_chat->messages()->message(i)->reasoning, branch[static_cast<size_t>(i)].reasoning);
        }
    }
};

QTEST_MAIN(TestRemoteApp)
#include "test_remote_app.moc"
