// The chat controller with the real engine on its worker thread and the bundled demo model: send,
// stream, stop, regenerate and edit as siblings, paging, switching conversations mid-answer, a
// full context. Every list model runs under QAbstractItemModelTester.
#include "chat/chat_controller.h"

#include "ponder/streaming_writer.h"

#include <QAbstractItemModelTester>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace ponder;
using namespace ponder::app;

namespace {
const QString kDemo = QStringLiteral(PONDER_SOURCE_DIR "/resources/models/ponder-demo.gguf");
constexpr int kTimeoutMs = 60000;
} // namespace

class TestChatController : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<ConversationListModel> m_list;
    QThread m_thread;
    EngineWorker* m_worker = nullptr;
    std::unique_ptr<ChatController> m_chat;
    std::unique_ptr<QAbstractItemModelTester> m_testers[2];
    std::shared_ptr<Model> m_model;

    QString dbPath() const { return m_dir.filePath(QStringLiteral("ponder.db")); }

    void loadModel(int context) {
        QSignalSpy changed(m_chat.get(), &ChatController::modelChanged);
        QMetaObject::invokeMethod(m_worker, "setModel", Qt::QueuedConnection,
                                  Q_ARG(std::shared_ptr<ponder::Model>, m_model), Q_ARG(int, context));
        QTRY_VERIFY_WITH_TIMEOUT(m_chat->modelReady() && !m_chat->backendDescription().isEmpty(), kTimeoutMs);
    }

    // Sends and waits for the answer; returns the assistant message as stored by the worker.
    Message sendAndWait(const QString& text) {
        m_chat->send(text);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs); }();
        return lastStored();
    }

    // The last message of the active branch, read through a separate connection (what a restart
    // would see).
    Message lastStored() {
        std::string error;
        auto db = Database::open(dbPath().toStdString(), error);
        ConversationStore store(*db);
        std::vector<Message> branch;
        if (!store.load_active_branch(m_chat->conversationId(), branch, error) || branch.empty()) return {};
        return branch.back();
    }

    const Message* row(int r) { return m_chat->messages()->message(r); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        std::string error;
        m_db = Database::open(dbPath().toStdString(), error);
        QVERIFY2(m_db, error.c_str());
        m_store = std::make_unique<ConversationStore>(*m_db);
        m_list = std::make_unique<ConversationListModel>(*m_store);
        m_worker = new EngineWorker(dbPath());
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_thread.start();
        m_chat = std::make_unique<ChatController>(*m_db, *m_store, *m_list, *m_worker);
        m_testers[0] = std::make_unique<QAbstractItemModelTester>(m_chat->messages(),
                                                                  QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_testers[1] = std::make_unique<QAbstractItemModelTester>(m_list.get(),
                                                                  QAbstractItemModelTester::FailureReportingMode::QtTest);
        ModelOptions mo;
        mo.n_threads = 1;
        m_model = model_load(kDemo.toStdString(), mo, error);
        QVERIFY2(m_model, error.c_str());
        m_chat->setModelName(QStringLiteral("ponder-demo.gguf"));
        GenerationSettings gs;
        gs.sampler.temperature = 0;  // greedy: answers are exact
        m_chat->setGenerationSettings(gs);
    }

    void cleanupTestCase() {
        m_chat.reset();
        m_thread.quit();
        m_thread.wait();
    }

    void cannotSendWithoutAModel() {
        QVERIFY(!m_chat->canSend());
        QVERIFY(!m_chat->sendBlockedReason().isEmpty());
        m_chat->send(QStringLiteral("hello"));
        QCOMPARE(m_chat->messages()->count(), 0);
        QCOMPARE(m_chat->conversationId(), 0);
    }

    void sendStreamsAndSaves() {
        loadModel(2048);
        QVERIFY(m_chat->canSend());
        QSignalSpy reasoning(m_worker, &EngineWorker::reasoningDelta);
        Message answer = sendAndWait(QStringLiteral("What is 47 + 385?"));
        QVERIFY(reasoning.count() > 0);
        QCOMPARE(m_chat->messages()->count(), 2);
        QCOMPARE(m_chat->title(), QStringLiteral("What is 47 + 385?"));
        // on screen
        QVERIFY(row(1)->content.find("\\boxed{432}") != std::string::npos);
        QVERIFY(row(1)->reasoning.find("7 + 5") != std::string::npos);
        QCOMPARE(m_chat->messages()->data(m_chat->messages()->index(1), MessageListModel::BoxedAnswerRole).toString(),
                 QStringLiteral("432"));
        QVERIFY(!m_chat->messages()->data(m_chat->messages()->index(1), MessageListModel::ThinkingRole).toBool());
        // in the database, exactly the same
        QCOMPARE(answer.state, MessageState::Complete);
        QCOMPARE(answer.content, row(1)->content);
        QCOMPARE(answer.reasoning, row(1)->reasoning);
        QVERIFY(answer.stats.generated_tokens > 10);
        QVERIFY(answer.stats.reasoning_ms >= 0);
        QCOMPARE(m_list->rowCount(), 1);
    }

    void reasoningIsNeverSentBack() {
        QSignalSpy requests(m_chat.get(), &ChatController::generateRequested);
        Message answer = sendAndWait(QStringLiteral("What is 5000 - 17?"));
        QCOMPARE(requests.count(), 1);
        auto request = requests.at(0).at(0).value<GenerationRequest>();
        QCOMPARE(request.turns.size(), 3);  // user, assistant (answer only), user
        QCOMPARE(request.turns[1].role, QStringLiteral("assistant"));
        QVERIFY(request.turns[1].content.contains(QStringLiteral("\\boxed{432}")));
        QVERIFY(!request.turns[1].content.contains(QStringLiteral("carry")));
        QVERIFY(answer.content.find("\\boxed{4983}") != std::string::npos);
    }

    void regenerateMakesASibling() {
        const Message before = *row(m_chat->messages()->count() - 1);
        m_chat->regenerate(before.id);
        QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs);
        const int last = m_chat->messages()->count() - 1;
        QCOMPARE(row(last)->sibling_count, 2);
        QCOMPARE(row(last)->sibling_index, 1);
        QVERIFY(row(last)->id != before.id);
        QCOMPARE(row(last)->content, before.content);  // greedy: the same answer again
        // page back to the first version: its text is untouched
        m_chat->showSibling(row(last)->id, -1);
        QCOMPARE(row(last)->id, before.id);
        QCOMPARE(row(last)->sibling_index, 0);
        m_chat->showSibling(before.id, +1);
        QCOMPARE(row(last)->sibling_index, 1);
    }

    void editMakesASibling() {
        const Message firstQuestion = *row(0);
        m_chat->editMessage(firstQuestion.id, QStringLiteral("What is 12 + 30?"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs);
        QCOMPARE(m_chat->messages()->count(), 2);
        QCOMPARE(row(0)->sibling_count, 2);
        QCOMPARE(row(0)->content, std::string("What is 12 + 30?"));
        QVERIFY(row(1)->content.find("\\boxed{42}") != std::string::npos);
        m_chat->showSibling(row(0)->id, -1);  // the original question and its whole branch
        QCOMPARE(row(0)->id, firstQuestion.id);
        QCOMPARE(m_chat->messages()->count(), 4);
    }

    void stopKeepsThePartialAnswer() {
        m_chat->newConversation();
        m_worker->setDeltaIntervalMs(0);
        // Stop from the worker thread at the first piece: deterministic, mid-answer.
        auto c = connect(m_worker, &EngineWorker::reasoningDelta, m_worker,
                         [this](quint64 id, const QString&) { m_worker->requestStop(id); }, Qt::DirectConnection);
        Message answer = sendAndWait(QStringLiteral("What is 98765 - 12345?"));
        disconnect(c);
        m_worker->setDeltaIntervalMs(30);
        QCOMPARE(answer.state, MessageState::Cancelled);
        QVERIFY(!answer.reasoning.empty());
        QVERIFY(answer.stats.generated_tokens < 20);
        QCOMPARE(m_chat->messages()->data(m_chat->messages()->index(1), MessageListModel::StateRole).toString(),
                 QStringLiteral("cancelled"));
        QVERIFY(m_chat->canSend());
    }

    // "Answer now" from the GUI while the model thinks: the worker is held at its first piece of
    // thought until the controller's answerNow() has run, so the thought ends on the next token.
    void answerNowWhileThinkingGivesAStoredAnswer() {
        m_chat->newConversation();
        m_worker->setDeltaIntervalMs(0);
        QSemaphore asked;
        int tokensWhenAsked = -1;
        auto c = connect(m_worker, &EngineWorker::progress, m_worker,
                         [&](quint64, const GenerationStatsSnapshot& st) {
                             if (tokensWhenAsked >= 0 || st.generatedTokens < 5) return;
                             tokensWhenAsked = st.generatedTokens;
                             QMetaObject::invokeMethod(m_chat.get(), [&] { m_chat->answerNow(); asked.release(); },
                                                       Qt::QueuedConnection);
                             asked.acquire();
                         }, Qt::DirectConnection);
        QSignalSpy forced(m_chat->messages(), &QAbstractItemModel::dataChanged);
        Message answer = sendAndWait(QStringLiteral("What is 98765 - 12345?"));
        disconnect(c);
        m_worker->setDeltaIntervalMs(30);
        QCOMPARE(answer.state, MessageState::Complete);
        QVERIFY(!answer.content.empty());
        std::vector<ForcedAction> actions;
        QVERIFY2(forced_actions_from_json(answer.stats.forced_thinking, actions), answer.stats.forced_thinking.c_str());
        QCOMPARE(actions.size(), size_t{1});
        QCOMPARE(actions[0].kind, ForcedKind::AnswerNow);
        QCOMPARE(actions[0].at_token, tokensWhenAsked);  // within one token
        // On screen: the mark, and the answer after the thought.
        const QModelIndex last = m_chat->messages()->index(1);
        QCOMPARE(m_chat->messages()->data(last, MessageListModel::ThoughtMarkRole).toString(),
                 QStringLiteral("Thought ended at %1 tokens: answer now").arg(tokensWhenAsked));
        QVERIFY(!m_chat->messages()->data(last, MessageListModel::ThinkingRole).toBool());
        QCOMPARE(row(1)->content, answer.content);
        // answerNow() with nothing generating does nothing.
        m_chat->answerNow();
        QVERIFY(!m_chat->generating());
    }

    // The conversation's budget wins over the model's, is kept with the conversation, and a new
    // chat follows the model again.
    void thinkingBudgetPerConversation() {
        GenerationSettings gs = m_chat->generationSettings();
        gs.thinking.budget = 30;
        m_chat->setGenerationSettings(gs);
        m_chat->newConversation();
        QCOMPARE(m_chat->conversationThinkBudget(), -2);
        QCOMPARE(m_chat->effectiveThinkBudget(), 30);
        Message byModel = sendAndWait(QStringLiteral("What is 4738 + 2956?"));
        QVERIFY2(byModel.stats.forced_thinking.find("\"at\":30") != std::string::npos, byModel.stats.forced_thinking.c_str());

        m_chat->setConversationThinkBudget(12);  // this conversation only, saved at once
        QCOMPARE(m_chat->effectiveThinkBudget(), 12);
        const qint64 conv = m_chat->conversationId();
        Message byConversation = sendAndWait(QStringLiteral("What is 4738 + 2956?"));
        QVERIFY2(byConversation.stats.forced_thinking.find("Thought cut at 12 tokens") != std::string::npos,
                 byConversation.stats.forced_thinking.c_str());
        m_chat->newConversation();
        QCOMPARE(m_chat->conversationThinkBudget(), -2);
        m_chat->openConversation(conv);
        QCOMPARE(m_chat->conversationThinkBudget(), 12);
        m_chat->setConversationThinkBudget(-1);  // no limit, even though the model has one
        Message unlimited = sendAndWait(QStringLiteral("What is 12 + 7?"));
        QCOMPARE(unlimited.stats.forced_thinking, std::string());
        QVERIFY(unlimited.content.find("\\boxed{19}") != std::string::npos);

        // A new chat where the budget is picked before the first message keeps it.
        m_chat->newConversation();
        m_chat->setConversationThinkBudget(0);
        Message none = sendAndWait(QStringLiteral("What is 12 + 7?"));
        QVERIFY2(none.stats.forced_thinking.find("Thought cut at 0 tokens") != std::string::npos, none.stats.forced_thinking.c_str());
        QCOMPARE(m_chat->conversationThinkBudget(), 0);
        gs.thinking.budget = -1;
        m_chat->setGenerationSettings(gs);
        m_chat->setConversationThinkBudget(-2);
    }

    void stopBeforeTheWorkerStarts() {
        m_chat->send(QStringLiteral("What is 1 + 1?"));
        m_chat->stop();  // the request is still queued for the worker
        QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs);
        QCOMPARE(lastStored().state, MessageState::Cancelled);
    }

    void switchingConversationWhileGenerating() {
        m_chat->newConversation();
        m_chat->send(QStringLiteral("What is 12345 + 67890?"));
        QVERIFY(m_chat->generating());
        const qint64 first = m_chat->conversationId();
        m_chat->newConversation();  // away while it answers
        QVERIFY(!m_chat->canSend());  // one engine: the other answer must finish (or be stopped) first
        QCOMPARE(m_chat->messages()->count(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!m_chat->generating(), kTimeoutMs);
        QCOMPARE(m_chat->messages()->count(), 0);  // nothing leaked into the new chat
        m_chat->openConversation(first);
        QCOMPARE(m_chat->messages()->count(), 2);
        QVERIFY(row(1)->content.find("\\boxed{80235}") != std::string::npos);
        QCOMPARE(row(1)->state, MessageState::Complete);
    }

    void fullContextIsSaidAndRecoverable() {
        loadModel(320);
        m_chat->newConversation();
        QCOMPARE(sendAndWait(QStringLiteral("What is 2 + 3?")).state, MessageState::Complete);
        // With the first turn, the second question no longer leaves room for an answer (every
        // letter of the demo model's vocabulary is one token); alone, it does.
        QString longQuestion = QStringLiteral("How many a's are in ") + QString(220, QLatin1Char('a')) + QLatin1Char('?');
        Message answer = sendAndWait(longQuestion);
        QVERIFY(m_chat->contextFull());
        QVERIFY(!m_chat->canSend());
        QCOMPARE(answer.state, MessageState::Error);
        QVERIFY(QString::fromStdString(answer.error).contains(QStringLiteral("context")));
        m_chat->dropOldestTurns();
        QVERIFY(!m_chat->contextFull());
        QVERIFY(m_chat->canSend());
        loadModel(2048);
    }

    // Deleting a question takes its answers with it, but only from the screen at first: the
    // database changes when the undo window closes, so Undo brings everything back.
    void deleteMessageCanBeUndone() {
        const qint64 conversation = m_chat->conversationId();
        const int rows = m_chat->messages()->count();
        QVERIFY(rows >= 2);
        const qint64 question = m_chat->messages()->message(rows - 2)->id;
        m_chat->deleteMessage(question);
        QCOMPARE(m_chat->messages()->count(), rows - 2);
        QVERIFY(m_chat->pendingDeletion()->active());
        QVERIFY(m_chat->pendingDeletion()->text().contains(QStringLiteral("answers")));
        auto stored = [&] {
            std::vector<Message> branch;
            std::string error;
            m_store->load_active_branch(conversation, branch, error);
            for (const Message& m : branch)
                if (m.id == question) return true;
            return false;
        };
        QVERIFY(stored());  // still in the database
        m_chat->undoDelete();
        QVERIFY(!m_chat->pendingDeletion()->active());
        QCOMPARE(m_chat->conversationId(), conversation);
        QCOMPARE(m_chat->messages()->count(), rows);

        // Not undone: written when the window closes (here at once; the app waits 8 s).
        m_chat->deleteMessage(question);
        m_chat->commitPendingDeletion();
        QCOMPARE(m_chat->messages()->count(), rows - 2);
        QVERIFY(!stored());
    }

    void deleteConversationCanBeUndone() {
        QAbstractItemModelTester visibleTester(m_chat->visibleConversations(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int before = m_chat->visibleConversations()->rowCount();
        const qint64 id = m_chat->conversationId();
        m_chat->deleteConversation(id);
        QCOMPARE(m_chat->conversationId(), 0);
        QCOMPARE(m_chat->visibleConversations()->rowCount(), before - 1);  // gone from the sidebar
        QCOMPARE(m_list->rowCount(), before);                              // not yet from the database
        m_chat->undoDelete();
        QCOMPARE(m_chat->conversationId(), id);  // back, and open again
        QCOMPARE(m_chat->visibleConversations()->rowCount(), before);

        // Undo window over (the next change ends it too): deleted for good.
        m_chat->pendingDeletion()->setDelay(50);
        m_chat->deleteConversation(id);
        QTRY_VERIFY(!m_chat->pendingDeletion()->active());
        QCOMPARE(m_list->rowCount(), before - 1);
        QCOMPARE(m_chat->visibleConversations()->rowCount(), before - 1);
        Conversation gone;
        std::string error;
        QVERIFY(!m_store->get_conversation(id, gone, error));
    }
};

QTEST_MAIN(TestChatController)
#include "test_chat_controller.moc"
