// ChatController, reasoning control: the conversation's thinking budget (kept in the
// conversation's settings, beside its sampling), "answer now", and the engine's marks on a thought.
#include "chat/chat_controller.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace ponder::app {

namespace {
constexpr const char* kBudgetKey = "think_budget";  // in ConversationSettings::sampling_json
constexpr int kFollowModel = -2;
constexpr int kMaxThinkingBudget = 1 << 20;  // as kMaxThinkingBudget
} // namespace

void ChatController::loadConversationThinkBudget(const ConversationSettings& settings) {
    const nlohmann::json j = nlohmann::json::parse(settings.sampling_json, nullptr, /*allow_exceptions=*/false);
    int budget = kFollowModel;
    if (j.is_object() && j.contains(kBudgetKey) && j[kBudgetKey].is_number_integer()) {
        const int64_t v = j[kBudgetKey].get<int64_t>();
        if (v >= -1 && v <= kMaxThinkingBudget) budget = static_cast<int>(v);
    }
    if (budget != m_conversationThinkBudget) {
        m_conversationThinkBudget = budget;
        emit thinkingChanged();
    }
}

void ChatController::setConversationThinkBudget(int budget) {
    budget = std::clamp(budget, kFollowModel, kMaxThinkingBudget);
    if (budget == m_conversationThinkBudget) return;
    m_conversationThinkBudget = budget;
    emit thinkingChanged();
    if (!m_conversationId) return;  // a new chat: saved when its first message creates it
    Conversation c;
    std::string error;
    if (!m_store.get_conversation(m_conversationId, c, error)) {
        fail(error);
        return;
    }
    nlohmann::json j = nlohmann::json::parse(c.settings.sampling_json, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) j = nlohmann::json::object();
    if (budget == kFollowModel) j.erase(kBudgetKey);
    else j[kBudgetKey] = budget;
    c.settings.sampling_json = j.dump();
    if (!m_store.update_settings(m_conversationId, c.settings, error)) fail(error);
}

ThinkingOptions ChatController::requestThinking() const {
    ThinkingOptions t = m_settings.thinking;
    t.budget = effectiveThinkBudget();
    return t;
}

void ChatController::answerNow() {
    if (!m_requestId) return;
    if (m_requestRemote) {
        if (m_remoteWorker) m_remoteWorker->requestAnswerNow(m_requestId);
    } else {
        m_worker.requestAnswerNow(m_requestId);
    }
}

void ChatController::onThinkingForced(quint64 id, const QString& forcedJson) {
    if (id != m_requestId) return;
    m_messages.setForcedThinking(m_requestMessage, forcedJson);
}

} // namespace ponder::app
