// Undo for deletes. A deleted conversation or message disappears from the screen at once but
// reaches the database only when the undo window closes: after a few seconds, at the next change
// to the conversations (send, edit, another delete...), or when the app quits. So "Undo" only has
// to forget the request, and a crash in between loses nothing. The store's own deletes stay
// final; the other conversations and messages are not touched meanwhile.
#pragma once

#include <QObject>
#include <QSortFilterProxyModel>
#include <QString>
#include <QTimer>
#include <functional>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class PendingDeletion : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatController.pendingDeletion")
    Q_PROPERTY(bool active READ active NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY changed)  // "Conversation deleted.", for the undo bar
public:
    enum class Kind { Conversation, Message };
    // Called when a delete is due: it writes it to the store.
    using Commit = std::function<void(Kind kind, qint64 id)>;

    explicit PendingDeletion(Commit commit, QObject* parent = nullptr);

    // Deletes `id` after `delayMs` unless undone; a delete already waiting is written first.
    void schedule(Kind kind, qint64 id, qint64 conversationId, const QString& text);
    // Forgets the waiting delete; false when there was none.
    bool undo();
    // Writes the waiting delete now (nothing when there is none).
    void commit();

    bool active() const { return m_id != 0; }
    QString text() const { return m_text; }
    bool hides(Kind kind, qint64 id) const { return m_id != 0 && m_kind == kind && m_id == id; }
    Kind kind() const { return m_kind; }
    qint64 id() const { return m_id; }
    qint64 conversationId() const { return m_conversationId; }
    void setDelay(int ms) { m_timer.setInterval(ms); }

signals:
    void changed();

private:
    Commit m_commit;
    QTimer m_timer;
    Kind m_kind = Kind::Message;
    qint64 m_id = 0, m_conversationId = 0;
    QString m_text;
};

// The conversation list as the sidebar shows it: without a conversation whose delete waits.
class VisibleConversations : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatController.visibleConversations")
public:
    VisibleConversations(QAbstractItemModel* source, const PendingDeletion& pending, QObject* parent = nullptr);
    // Re-reads which conversation is hidden (after the pending delete changed).
    void refresh() { invalidateRowsFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

private:
    const PendingDeletion& m_pending;
    int m_idRole;
};

} // namespace ponder::app
