// The conversation sidebar: pinned first, then by recent activity, grouped by date, fetched a page
// at a time; or, while `search` is set, full-text hits (titles, messages, reasoning) with
// highlighted snippets. Reads through the GUI thread's ConversationStore.
#pragma once

#include "ponder/conversation_store.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    enum Roles { ConversationIdRole = Qt::UserRole + 1, TitleRole, SnippetRole, PinnedRole, SectionRole, UpdatedAtRole };

    explicit ConversationListModel(ponder::ConversationStore& store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    QString search() const { return m_search; }
    void setSearch(const QString& text);
    QString lastError() const { return m_lastError; }

    Q_INVOKABLE void reload();
    Q_INVOKABLE bool rename(qint64 id, const QString& title);
    Q_INVOKABLE bool setPinned(qint64 id, bool pinned);

    // "Today", "Yesterday", "Previous 7 days", "Previous 30 days", then "March 2026"; relative to `now`.
    static QString sectionFor(qint64 updatedAtMs, bool pinned, const QDateTime& now);
    // FTS snippet with [marks] as rich text: the text escaped, the marks bold.
    static QString snippetToStyledText(const std::string& snippet, const std::string& open, const std::string& close);

signals:
    void searchChanged();
    void lastErrorChanged();

private:
    struct Row {
        qint64 id = 0;
        QString title, snippet;
        bool pinned = false;
        qint64 updatedAt = 0;
    };
    void setError(const std::string& error);

    ponder::ConversationStore& m_store;
    std::vector<Row> m_rows;
    QString m_search, m_lastError;
    bool m_more = false;
    static constexpr int kPage = 100;
};

} // namespace ponder::app
