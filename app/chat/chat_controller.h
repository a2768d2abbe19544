// The chat's business rules: what can be sent when, how a conversation's active branch becomes the
// model's input (reasoning never resent), editing and regenerating as siblings, paging between
// them, stopping, and what happens when the context is full. QML binds to the properties and calls
// the invokables; it decides nothing itself.
//
// Threads: this object and its models live on the GUI thread and read/write through the GUI
// thread's ConversationStore. Generation runs in the EngineWorker's thread, which saves the
// streaming answer through its own connection; the two talk by queued signals only.
#pragma once

#include "chat/conversation_list_model.h"
#include "chat/engine_worker.h"
#include "chat/message_list_model.h"
#include "chat/pending_deletion.h"
#include "chat/remote_worker.h"

#include "ponder/conversation_store.h"

#include <QObject>
#include <QUrl>
#include <optional>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

// What the next answer is generated with (the active model's settings).
struct GenerationSettings {
    SamplerParams sampler;        // R1's defaults: temperature 0.6, top-p 0.95
    QString systemPrompt;         // empty: none (R1's recommendation)
    // R1 was trained without system prompts: its text goes at the start of the first user turn.
    bool systemPromptInUserTurn = true;
    int maxTokens = -1;           // -1: until the model stops or the context is full
    // The model's thinking budget and loop policy; a conversation may set its own budget.
    ponder::ThinkingOptions thinking;
};

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    Q_PROPERTY(ponder::app::MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString title READ title NOTIFY conversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY stateChanged)
    Q_PROPERTY(bool canSend READ canSend NOTIFY stateChanged)
    Q_PROPERTY(QString sendBlockedReason READ sendBlockedReason NOTIFY stateChanged)
    Q_PROPERTY(bool canRegenerate READ canRegenerate NOTIFY stateChanged)
    Q_PROPERTY(bool canSwitchBranch READ canSwitchBranch NOTIFY stateChanged)
    Q_PROPERTY(bool contextFull READ contextFull NOTIFY stateChanged)
    Q_PROPERTY(bool modelReady READ modelReady NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelStatus READ modelStatus NOTIFY modelChanged)
    Q_PROPERTY(QString backendDescription READ backendDescription NOTIFY modelChanged)
    Q_PROPERTY(QStringList suggestions READ suggestions NOTIFY modelChanged)
    // Answers come from a remote provider (RemoteTarget) rather than the local engine.
    Q_PROPERTY(bool remote READ isRemote NOTIFY modelChanged)
    // A delete that can still be undone (see PendingDeletion), and the list without it.
    Q_PROPERTY(ponder::app::PendingDeletion* pendingDeletion READ pendingDeletion CONSTANT)
    Q_PROPERTY(ponder::app::VisibleConversations* visibleConversations READ visibleConversations CONSTANT)
    // Reasoning control. The open conversation's thinking budget: -2 follows the model's setting
    // (modelThinkBudget), -1 is no budget, N ends the thought after N tokens. Kept with the
    // conversation (a new chat keeps the choice until its first message creates it).
    Q_PROPERTY(int conversationThinkBudget READ conversationThinkBudget WRITE setConversationThinkBudget NOTIFY thinkingChanged)
    Q_PROPERTY(int modelThinkBudget READ modelThinkBudget NOTIFY thinkingChanged)
    // What the next answer gets: the conversation's budget, else the model's (-1: none).
    Q_PROPERTY(int effectiveThinkBudget READ effectiveThinkBudget NOTIFY thinkingChanged)
    // "Answer now" works against this source: the local engine ends the thought and answers; a
    // server can only be stopped (thinkingControlNote says so).
    Q_PROPERTY(bool answerNowAnswers READ answerNowAnswers NOTIFY stateChanged)

public:
    // `store` works on `db` (the GUI thread's connection); exports read through `db` too.
    ChatController(ponder::Database& db, ponder::ConversationStore& store, ConversationListModel& conversations,
                   EngineWorker& worker, QObject* parent = nullptr);

    MessageListModel* messages() { return &m_messages; }
    qint64 conversationId() const { return m_conversationId; }
    QString title() const { return m_title; }
    bool generating() const { return m_requestId != 0; }
    bool canSend() const { return sendBlockedReason().isEmpty(); }
    QString sendBlockedReason() const;
    bool canRegenerate() const;
    bool canSwitchBranch() const { return !generating(); }
    bool contextFull() const { return m_contextFull; }
    bool modelReady() const;
    QString modelName() const;
    QString modelStatus() const;
    QString backendDescription() const;
    QStringList suggestions() const;
    bool isRemote() const { return m_remote.has_value(); }
    PendingDeletion* pendingDeletion() { return &m_pending; }
    VisibleConversations* visibleConversations() { return &m_visible; }

    // Remote answers go to `worker` (on its own thread); without one, only the local engine works.
    void setRemoteWorker(RemoteWorker* worker);
    // The next answers come from this provider and model (until useLocalModel()).
    void setRemoteTarget(const ponder::app::RemoteTarget& target);
    // Back to the local engine and whatever model it has loaded.
    void useLocalModel();

    void setGenerationSettings(const GenerationSettings& settings) {
        m_settings = settings;
        emit thinkingChanged();
    }
    int conversationThinkBudget() const { return m_conversationThinkBudget; }
    void setConversationThinkBudget(int budget);
    int modelThinkBudget() const { return m_settings.thinking.budget; }
    int effectiveThinkBudget() const { return m_conversationThinkBudget >= -1 ? m_conversationThinkBudget : modelThinkBudget(); }
    // The answer being generated decides (the source may change under it), else the next one's.
    bool answerNowAnswers() const { return generating() ? !m_requestRemote : !m_remote.has_value(); }
    const GenerationSettings& generationSettings() const { return m_settings; }
    void setThinkingPanelMode(const QString& mode) { m_messages.setThinkingPanelMode(mode); }
    void setDarkTheme(bool dark) { m_messages.setDarkTheme(dark); }

    Q_INVOKABLE void send(const QString& text);
    Q_INVOKABLE void stop();
    // While the answer being generated is still thinking: end the thought now and answer.
    Q_INVOKABLE void answerNow();
    Q_INVOKABLE void regenerate(qint64 assistantMessageId);
    Q_INVOKABLE void regenerateLast();
    Q_INVOKABLE void editMessage(qint64 userMessageId, const QString& text);
    Q_INVOKABLE void showSibling(qint64 messageId, int delta);
    Q_INVOKABLE void deleteMessage(qint64 messageId);
    Q_INVOKABLE void toggleReasoning(qint64 messageId) { m_messages.toggleReasoning(messageId); }
    Q_INVOKABLE void copyText(const QString& text);
    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 id);
    Q_INVOKABLE void deleteConversation(qint64 id);
    // Brings back what the last delete removed (the conversation is opened again).
    Q_INVOKABLE void undoDelete();
    // Writes a delete that waits for its undo window now (the app calls this before it quits).
    void commitPendingDeletion() { m_pending.commit(); }
    Q_INVOKABLE void dropOldestTurns();
    Q_INVOKABLE bool exportConversation(qint64 id, const QString& format, const QUrl& file);

    // The model's text for a branch: user turns and answers (reasoning dropped), after the
    // dropped-turns cut, with the system prompt placed as the settings say. Public for tests.
    QVector<ChatTurn> turnsFor(const std::vector<ponder::Message>& branch) const;
    // What answered the open conversation last: "local" or a provider id, and the model.
    QString conversationProvider() const { return m_conversationProvider; }
    QString conversationModel() const { return m_conversationModel; }

public slots:
    // From the model loader (main.cpp wires them).
    void setModelName(const QString& name);
    void setModelStatus(const QString& status);

signals:
    void conversationChanged();
    void stateChanged();
    void modelChanged();
    void conversationOpened();
    void messageSent();
    void notice(const QString& text);  // a short message for a toast
    void generateRequested(ponder::app::GenerationRequest request);  // queued to the worker
    void remoteGenerateRequested(ponder::app::GenerationRequest request, ponder::app::RemoteTarget target);
    // A rate-limited provider is being retried; for a toast.
    void retrying(int seconds, const QString& why);
    void thinkingChanged();

private slots:
    void onWorkerModelChanged(bool loaded, int contextLength, const QString& description);
    void onReasoningDelta(quint64 id, const QString& text);
    void onAnswerDelta(quint64 id, const QString& text);
    void onFinished(quint64 id, ponder::StopReason reason, const QString& error, ponder::app::GenerationStatsSnapshot stats);
    void onRetrying(quint64 id, int seconds, const QString& why);
    void onThinkingForced(quint64 id, const QString& forcedJson);

private:
    bool fail(const std::string& error);
    void reloadBranch();
    void startGeneration(qint64 assistantMessageId);
    // Starts the answer to the user message just written (0: writing it failed, `error` says why).
    bool answer(qint64 userMessageId, std::string& error);
    void setConversation(qint64 id);
    QString answerModel() const;  // what a new answer records as its model
    void recordAnswerSource();    // the conversation remembers what answered it last
    void stopRequest(quint64 id);
    void commitDeletion(PendingDeletion::Kind kind, qint64 id);
    void loadConversationThinkBudget(const ponder::ConversationSettings& settings);
    ponder::ThinkingOptions requestThinking() const;  // what the next answer is steered by

    ponder::Database& m_db;
    ponder::ConversationStore& m_store;
    ConversationListModel& m_conversations;
    EngineWorker& m_worker;
    MessageListModel m_messages;
    PendingDeletion m_pending;
    VisibleConversations m_visible;
    GenerationSettings m_settings;

    qint64 m_conversationId = 0;
    int m_conversationThinkBudget = -2;  // see conversationThinkBudget
    QString m_title, m_conversationProvider, m_conversationModel;
    bool m_contextFull = false;
    // Per conversation: the first message still sent to the model after "drop oldest turns".
    QHash<qint64, qint64> m_contextStart;

    quint64 m_nextRequestId = 1;
    quint64 m_requestId = 0;          // the generation in flight, 0 when idle
    qint64 m_requestConversation = 0;
    qint64 m_requestMessage = 0;
    // The streaming answer's text as it arrived, so a conversation reopened mid-answer shows all
    // of it (the database holds the text up to the last flush).
    std::string m_liveReasoning, m_liveContent;

    // The local engine's state (shown while no remote target is chosen).
    bool m_modelReady = false;
    QString m_modelName, m_modelStatus, m_backend;
    RemoteWorker* m_remoteWorker = nullptr;
    std::optional<RemoteTarget> m_remote;
    bool m_requestRemote = false;  // the request in flight went to the remote worker
};

} // namespace ponder::app
