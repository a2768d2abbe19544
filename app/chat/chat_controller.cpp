#include "chat/chat_controller.h"

#include "ponder/export_import.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <algorithm>
#include <sstream>

namespace ponder::app {

namespace {
std::string str(const QString& s) { return s.toStdString(); }
} // namespace

ChatController::ChatController(ponder::Database& db, ponder::ConversationStore& store,
                               ConversationListModel& conversations, EngineWorker& worker, QObject* parent)
    : QObject(parent), m_db(db), m_store(store), m_conversations(conversations), m_worker(worker),
      m_pending([this](PendingDeletion::Kind kind, qint64 id) { commitDeletion(kind, id); }),
      m_visible(&conversations, m_pending) {
    m_modelStatus = tr("No model loaded");
    connect(this, &ChatController::generateRequested, &m_worker, &EngineWorker::generate, Qt::QueuedConnection);
    connect(&m_worker, &EngineWorker::modelChanged, this, &ChatController::onWorkerModelChanged, Qt::QueuedConnection);
    connect(&m_worker, &EngineWorker::reasoningDelta, this, &ChatController::onReasoningDelta, Qt::QueuedConnection);
    connect(&m_worker, &EngineWorker::answerDelta, this, &ChatController::onAnswerDelta, Qt::QueuedConnection);
    connect(&m_worker, &EngineWorker::finished, this, &ChatController::onFinished, Qt::QueuedConnection);
    connect(&m_worker, &EngineWorker::thinkingForced, this, &ChatController::onThinkingForced, Qt::QueuedConnection);
}

QString ChatController::sendBlockedReason() const {
    if (!modelReady())
        return modelStatus().isEmpty() ? tr("Load a model on the Models page to start chatting.") : modelStatus();
    if (generating())
        return m_requestConversation == m_conversationId || m_conversationId == 0
                   ? tr("Wait for the answer to finish, or stop it.")
                   : tr("The model is still answering in another conversation.");
    if (m_contextFull) return tr("The context is full: start a new chat or drop the oldest turns.");
    return {};
}

bool ChatController::canRegenerate() const {
    if (!canSend()) return false;
    for (int row = m_messages.count() - 1; row >= 0; --row)
        if (m_messages.message(row)->role == Role::Assistant) return true;
    return false;
}

QStringList ChatController::suggestions() const {
    const QString name = modelName();
    if (name.contains(QLatin1String("ponder-demo"), Qt::CaseInsensitive) ||
        name.contains(QLatin1String("Ponder Demo"), Qt::CaseInsensitive))
        return {tr("What is 47 + 385?"), tr("How many r's are in strawberry?"), tr("Compute 1204 - 3875"),
                tr("What is 63 * 7?")};
    return {tr("How many r's are in strawberry?"), tr("Which is larger, 9.11 or 9.9?"),
            tr("Prove that the square root of 2 is irrational."), tr("Write a Python function that checks for primes.")};
}

bool ChatController::fail(const std::string& error) {
    emit notice(QString::fromStdString(error));
    return false;
}

void ChatController::setConversation(qint64 id) {
    m_conversationId = id;
    m_title.clear();
    m_conversationProvider.clear();
    m_conversationModel.clear();
    m_contextFull = false;
    if (!id) loadConversationThinkBudget({});  // a new chat follows the model until the user picks
    if (id) {
        Conversation c;
        std::string error;
        if (m_store.get_conversation(id, c, error)) {
            m_title = QString::fromStdString(c.title);
            m_conversationProvider = QString::fromStdString(c.settings.provider);
            m_conversationModel = QString::fromStdString(c.settings.model);
            loadConversationThinkBudget(c.settings);
        } else {
            fail(error);
        }
    }
    emit conversationChanged();
    emit stateChanged();
}

void ChatController::reloadBranch() {
    std::vector<Message> branch;
    std::string error;
    if (m_conversationId && !m_store.load_active_branch(m_conversationId, branch, error)) fail(error);
    // A message whose delete waits for its undo window is gone from view, with what follows it.
    if (m_pending.active() && m_pending.kind() == PendingDeletion::Kind::Message) {
        const auto deleted = std::find_if(branch.begin(), branch.end(), [&](const Message& m) { return m.id == m_pending.id(); });
        branch.erase(deleted, branch.end());
    }
    // The answer being generated: the database has its text up to the last flush, we have all.
    for (Message& m : branch) {
        if (generating() && m.id == m_requestMessage && m.state == MessageState::Streaming) {
            m.reasoning = m_liveReasoning;
            m.content = m_liveContent;
        }
    }
    m_messages.setMessages(branch);
    emit stateChanged();
}

QVector<ChatTurn> ChatController::turnsFor(const std::vector<ponder::Message>& branch) const {
    QVector<ChatTurn> turns;
    const qint64 start = m_contextStart.value(m_conversationId, 0);
    bool started = start == 0;
    for (const Message& m : branch) {
        if (!started && m.id == start) started = true;
        if (!started) continue;
        if (m.role == Role::User) {
            turns.push_back({QStringLiteral("user"), QString::fromStdString(m.content)});
        } else if (m.state != MessageState::Streaming && !m.content.empty()) {
            // Only the answer: R1 is never shown its earlier reasoning.
            turns.push_back({QStringLiteral("assistant"), QString::fromStdString(m.content)});
        }
    }
    // A remote provider gets its own system prompt as a system message (its server applies the
    // model's template); the local engine follows the model settings' placement.
    const QString system = (m_remote ? m_remote->systemPrompt : m_settings.systemPrompt).trimmed();
    if (!system.isEmpty()) {
        if (!m_remote && m_settings.systemPromptInUserTurn) {
            for (ChatTurn& t : turns) {
                if (t.role == QLatin1String("user")) {
                    t.content = system + QStringLiteral("\n\n") + t.content;
                    break;
                }
            }
        } else {
            turns.prepend({QStringLiteral("system"), system});
        }
    }
    return turns;
}

void ChatController::startGeneration(qint64 assistantMessageId) {
    std::vector<Message> branch;
    std::string error;
    if (!m_store.load_active_branch(m_conversationId, branch, error)) {
        fail(error);
        return;
    }
    while (!branch.empty() && branch.back().id >= assistantMessageId) branch.pop_back();
    GenerationRequest request;
    request.id = m_nextRequestId++;
    request.messageId = assistantMessageId;
    request.turns = turnsFor(branch);
    request.sampler = m_settings.sampler;
    request.maxTokens = m_settings.maxTokens;
    request.thinking = requestThinking();
    m_requestId = request.id;
    m_requestConversation = m_conversationId;
    m_requestMessage = assistantMessageId;
    m_requestRemote = m_remote.has_value();
    recordAnswerSource();
    m_liveReasoning.clear();
    m_liveContent.clear();
    reloadBranch();
    if (m_remote) emit remoteGenerateRequested(request, *m_remote);
    else emit generateRequested(request);
    emit stateChanged();
}

void ChatController::send(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) return;
    if (!canSend()) {
        emit notice(sendBlockedReason());
        return;
    }
    m_pending.commit();  // the undo window of a delete ends with the next change
    std::string error;
    if (!m_conversationId) {
        ConversationSettings cs;
        cs.model = str(answerModel());
        cs.provider = m_remote ? str(m_remote->providerId) : "local";
        cs.system_prompt = str(m_settings.systemPrompt);
        if (m_conversationThinkBudget != -2) cs.sampling_json = "{\"think_budget\":" + std::to_string(m_conversationThinkBudget) + "}";
        const qint64 id = m_store.create_conversation(title_from_text(str(trimmed)), cs, error);
        if (!id) {
            fail(error);
            return;
        }
        setConversation(id);
    }
    if (answer(m_store.append_user_message(m_conversationId, str(text), error), error)) emit messageSent();
}

bool ChatController::answer(qint64 userMessageId, std::string& error) {
    const qint64 answerId =
        userMessageId ? m_store.begin_assistant_message(m_conversationId, userMessageId, str(answerModel()), error) : 0;
    if (!answerId) {
        fail(error);
        reloadBranch();
        return false;
    }
    startGeneration(answerId);
    m_conversations.reload();
    return true;
}

void ChatController::stop() {
    if (m_requestId) stopRequest(m_requestId);
}

void ChatController::regenerate(qint64 assistantMessageId) {
    if (!canSend()) return;
    m_pending.commit();
    std::string error;
    const qint64 id = m_store.begin_regeneration(assistantMessageId, str(answerModel()), error);
    if (!id) {
        fail(error);
        return;
    }
    startGeneration(id);
    m_conversations.reload();
}

void ChatController::regenerateLast() {
    for (int row = m_messages.count() - 1; row >= 0; --row) {
        const Message* m = m_messages.message(row);
        if (m->role == Role::Assistant) {
            regenerate(m->id);
            return;
        }
    }
}

void ChatController::editMessage(qint64 userMessageId, const QString& text) {
    if (!canSend() || text.trimmed().isEmpty()) return;
    m_pending.commit();
    std::string error;
    answer(m_store.edit_message(userMessageId, str(text), error), error);
}

void ChatController::showSibling(qint64 messageId, int delta) {
    if (!canSwitchBranch()) return;
    m_pending.commit();
    Siblings sib;
    std::string error;
    if (!m_store.siblings(messageId, sib, error)) {
        fail(error);
        return;
    }
    const int target = sib.index + delta;
    if (target < 0 || target >= static_cast<int>(sib.ids.size())) return;
    if (!m_store.switch_branch(sib.ids[static_cast<size_t>(target)], error)) {
        fail(error);
        return;
    }
    reloadBranch();
}

void ChatController::deleteMessage(qint64 messageId) {
    if (generating()) return;
    const int row = m_messages.rowOf(messageId);
    const bool user = row >= 0 && m_messages.message(row)->role == Role::User;
    m_pending.schedule(PendingDeletion::Kind::Message, messageId, m_conversationId,
                       user ? tr("Message and its answers deleted.") : tr("Answer deleted."));
    reloadBranch();
}

void ChatController::commitDeletion(PendingDeletion::Kind kind, qint64 id) {
    std::string error;
    const bool ok = kind == PendingDeletion::Kind::Message ? m_store.delete_message(id, error)
                                                           : m_store.delete_conversation(id, error);
    if (!ok) fail(error);
    if (kind == PendingDeletion::Kind::Conversation) m_contextStart.remove(id);
    if (kind == PendingDeletion::Kind::Message && m_conversationId) reloadBranch();
    m_conversations.reload();
    m_visible.refresh();
}

void ChatController::undoDelete() {
    const PendingDeletion::Kind kind = m_pending.kind();
    const qint64 conversation = m_pending.conversationId();
    if (!m_pending.undo()) return;
    if (kind == PendingDeletion::Kind::Conversation) {
        m_visible.refresh();
        openConversation(conversation);
    } else if (conversation == m_conversationId) {
        reloadBranch();
    } else {
        openConversation(conversation);
    }
    emit notice(tr("Restored."));
}

void ChatController::copyText(const QString& text) {
    if (QClipboard* cb = QGuiApplication::clipboard()) cb->setText(text);
}

void ChatController::newConversation() {
    setConversation(0);
    m_messages.clear();
    emit conversationOpened();
}

void ChatController::openConversation(qint64 id) {
    if (id == m_conversationId) return;
    setConversation(id);
    reloadBranch();
    emit conversationOpened();
}

void ChatController::deleteConversation(qint64 id) {
    if (generating() && m_requestConversation == id) stopRequest(m_requestId);
    m_pending.schedule(PendingDeletion::Kind::Conversation, id, id, tr("Conversation deleted."));
    m_visible.refresh();
    if (id == m_conversationId) newConversation();
}

void ChatController::dropOldestTurns() {
    m_pending.commit();
    // Skip the oldest user turn with its answer; repeated presses drop more.
    int usersSeen = 0;
    const qint64 start = m_contextStart.value(m_conversationId, 0);
    bool started = start == 0;
    for (int row = 0; row < m_messages.count(); ++row) {
        const Message* m = m_messages.message(row);
        if (!started && m->id == start) started = true;
        if (!started || m->role != Role::User) continue;
        if (++usersSeen == 2) {
            m_contextStart.insert(m_conversationId, m->id);
            m_contextFull = false;
            emit notice(tr("The oldest turn is no longer sent to the model. It stays in the conversation."));
            emit stateChanged();
            return;
        }
    }
    emit notice(tr("Nothing left to drop: only the last question is sent. Start a new chat."));
}

bool ChatController::exportConversation(qint64 id, const QString& format, const QUrl& file) {
    std::string error;
    ExportFormat fmt;
    if (!parse_export_format(format.toStdString(), fmt)) return fail(tr("Unknown export format %1").arg(format).toStdString());
    std::ostringstream os;
    if (!export_conversations(m_db, {id}, fmt, os, error)) return fail(error);
    const std::string text = os.str();
    QFile out(file.isLocalFile() ? file.toLocalFile() : file.toString());
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        out.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()))
        return fail(tr("Could not write %1: %2").arg(out.fileName(), out.errorString()).toStdString());
    emit notice(tr("Exported to %1").arg(out.fileName()));
    return true;
}

void ChatController::onReasoningDelta(quint64 id, const QString& text) {
    if (id != m_requestId) return;
    m_liveReasoning += str(text);
    m_messages.appendReasoning(m_requestMessage, text);
}

void ChatController::onAnswerDelta(quint64 id, const QString& text) {
    if (id != m_requestId) return;
    m_liveContent += str(text);
    m_messages.appendAnswer(m_requestMessage, text);
}

void ChatController::onFinished(quint64 id, ponder::StopReason reason, const QString& error,
                                ponder::app::GenerationStatsSnapshot stats) {
    if (id != m_requestId) return;
    const qint64 messageId = m_requestMessage;
    const qint64 conversation = m_requestConversation;
    m_requestId = 0;
    m_requestMessage = 0;
    m_requestConversation = 0;
    if (reason == ponder::StopReason::ContextFull && conversation == m_conversationId) m_contextFull = true;
    if (conversation == m_conversationId)
        m_messages.finish(messageId, messageStateFor(reason), error, stats.toMessageStats());
    m_conversations.reload();
    emit stateChanged();
}

} // namespace ponder::app
