#include "chat/conversation_list_model.h"

#include "chat/math_text.h"

#include <QLocale>
#include <set>

namespace ponder::app {

namespace {
// A preview line as plain text: math as Unicode, no Markdown syntax (see plain_preview).
QString previewText(const std::string& text) { return QString::fromStdString(plain_preview(text)); }

// Snippet marks that cannot occur in text, so escaping the text cannot break them.
const std::string kMarkOpen = "\x01", kMarkClose = "\x02";
} // namespace

ConversationListModel::ConversationListModel(ponder::ConversationStore& store, QObject* parent)
    : QAbstractListModel(parent), m_store(store) {
    reload();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Row& r = m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case ConversationIdRole: return QVariant::fromValue(r.id);
    case Qt::DisplayRole:
    case TitleRole: return r.title.isEmpty() ? tr("New chat") : r.title;
    case SnippetRole: return r.snippet;
    case PinnedRole: return r.pinned;
    case SectionRole:
        return m_search.isEmpty() ? sectionFor(r.updatedAt, r.pinned, QDateTime::currentDateTime()) : tr("Results");
    case UpdatedAtRole: return QVariant::fromValue(r.updatedAt);
    default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"}, {TitleRole, "title"},     {SnippetRole, "snippet"},
            {PinnedRole, "pinned"},                 {SectionRole, "section"}, {UpdatedAtRole, "updatedAt"}};
}

QString ConversationListModel::sectionFor(qint64 updatedAtMs, bool pinned, const QDateTime& now) {
    if (pinned) return tr("Pinned");
    const QDate day = QDateTime::fromMSecsSinceEpoch(updatedAtMs).toLocalTime().date();
    const qint64 daysAgo = day.daysTo(now.toLocalTime().date());
    if (daysAgo <= 0) return tr("Today");
    if (daysAgo == 1) return tr("Yesterday");
    if (daysAgo < 7) return tr("Previous 7 days");
    if (daysAgo < 30) return tr("Previous 30 days");
    return QLocale().toString(day, QStringLiteral("MMMM yyyy"));
}

QString ConversationListModel::snippetToStyledText(const std::string& snippet, const std::string& open,
                                                   const std::string& close) {
    QString out;
    size_t i = 0;
    while (i < snippet.size()) {
        size_t a = snippet.find(open, i);
        if (a == std::string::npos) {
            out += QString::fromStdString(snippet.substr(i)).toHtmlEscaped();
            break;
        }
        out += QString::fromStdString(snippet.substr(i, a - i)).toHtmlEscaped();
        size_t b = snippet.find(close, a + open.size());
        if (b == std::string::npos) b = snippet.size();
        out += QStringLiteral("<b>") +
               QString::fromStdString(snippet.substr(a + open.size(), b - a - open.size())).toHtmlEscaped() +
               QStringLiteral("</b>");
        i = b + close.size();
    }
    return out.simplified();
}

void ConversationListModel::setError(const std::string& error) {
    QString e = QString::fromStdString(error);
    if (e == m_lastError) return;
    m_lastError = e;
    emit lastErrorChanged();
}

void ConversationListModel::reload() {
    std::vector<Row> rows;
    std::string error;
    bool more = false;
    if (m_search.trimmed().isEmpty()) {
        std::vector<ConversationSummary> list;
        if (!m_store.list_conversations(kPage + 1, 0, list, error)) setError(error);
        more = list.size() > static_cast<size_t>(kPage);
        if (more) list.pop_back();
        for (const ConversationSummary& c : list)
            rows.push_back({c.id, QString::fromStdString(c.title), previewText(c.preview), c.pinned, c.updated_at});
    } else {
        SearchOptions so;
        so.include_reasoning = true;
        so.limit = 200;
        so.mark_begin = kMarkOpen;
        so.mark_end = kMarkClose;
        std::vector<SearchHit> hits;
        if (!m_store.search(m_search.toStdString(), so, hits, error)) setError(error);
        std::set<int64_t> seen;  // one row per conversation: its best hit
        for (const SearchHit& h : hits) {
            if (!seen.insert(h.conversation_id).second) continue;
            rows.push_back({h.conversation_id, QString::fromStdString(h.conversation_title),
                            snippetToStyledText(h.snippet, kMarkOpen, kMarkClose), false, h.created_at});
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    m_more = more;
    endResetModel();
}

bool ConversationListModel::canFetchMore(const QModelIndex& parent) const { return !parent.isValid() && m_more; }

void ConversationListModel::fetchMore(const QModelIndex& parent) {
    if (parent.isValid() || !m_more) return;
    std::vector<ConversationSummary> list;
    std::string error;
    if (!m_store.list_conversations(kPage + 1, static_cast<int>(m_rows.size()), list, error)) {
        setError(error);
        m_more = false;
        return;
    }
    m_more = list.size() > static_cast<size_t>(kPage);
    if (m_more) list.pop_back();
    if (list.empty()) return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(list.size()) - 1);
    for (const ConversationSummary& c : list)
        m_rows.push_back({c.id, QString::fromStdString(c.title), previewText(c.preview), c.pinned, c.updated_at});
    endInsertRows();
}

void ConversationListModel::setSearch(const QString& text) {
    if (text == m_search) return;
    m_search = text;
    emit searchChanged();
    reload();
}

bool ConversationListModel::rename(qint64 id, const QString& title) {
    std::string error;
    if (!m_store.rename_conversation(id, title.trimmed().toStdString(), error)) {
        setError(error);
        return false;
    }
    reload();
    return true;
}

bool ConversationListModel::setPinned(qint64 id, bool pinned) {
    std::string error;
    if (!m_store.set_pinned(id, pinned, error)) {
        setError(error);
        return false;
    }
    reload();
    return true;
}

} // namespace ponder::app
