#include "chat/pending_deletion.h"

#include "chat/conversation_list_model.h"

namespace ponder::app {

PendingDeletion::PendingDeletion(Commit commit, QObject* parent) : QObject(parent), m_commit(std::move(commit)) {
    // Long enough to notice and reach for Undo (Gmail gives 5-30 s), short enough not to linger.
    m_timer.setInterval(8000);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PendingDeletion::commit);
}

void PendingDeletion::schedule(Kind kind, qint64 id, qint64 conversationId, const QString& text) {
    commit();
    m_kind = kind;
    m_id = id;
    m_conversationId = conversationId;
    m_text = text;
    m_timer.start();
    emit changed();
}

bool PendingDeletion::undo() {
    if (!m_id) return false;
    m_timer.stop();
    m_id = 0;
    m_text.clear();
    emit changed();
    return true;
}

void PendingDeletion::commit() {
    if (!m_id) return;
    m_timer.stop();
    const Kind kind = m_kind;
    const qint64 id = m_id;
    m_id = 0;
    m_text.clear();
    m_commit(kind, id);  // after clearing: the commit may reload views that ask hides()
    emit changed();
}

VisibleConversations::VisibleConversations(QAbstractItemModel* source, const PendingDeletion& pending, QObject* parent)
    : QSortFilterProxyModel(parent), m_pending(pending), m_idRole(ConversationListModel::ConversationIdRole) {
    setSourceModel(source);
}

bool VisibleConversations::filterAcceptsRow(int row, const QModelIndex& parent) const {
    const qint64 id = sourceModel()->index(row, 0, parent).data(m_idRole).toLongLong();
    return !m_pending.hides(PendingDeletion::Kind::Conversation, id);
}

} // namespace ponder::app
