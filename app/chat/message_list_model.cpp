#include "chat/message_list_model.h"

#include "chat/math_text.h"
#include "ponder/answer.h"

#include <QDateTime>
#include <QFileInfo>

namespace ponder::app {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
} // namespace

QString statsText(const ponder::Message& m) {
    if (m.role != Role::Assistant || m.stats.generated_tokens == 0) return {};
    QStringList parts;
    const int tokens = static_cast<int>(m.stats.generated_tokens);
    parts << (tokens == 1 ? MessageListModel::tr("1 token") : MessageListModel::tr("%1 tokens").arg(tokens));
    if (m.stats.generation_tokens_per_s > 0)
        parts << MessageListModel::tr("%1 tok/s").arg(m.stats.generation_tokens_per_s, 0, 'f', 1);
    // Time to first token is the prompt's evaluation (sampling the first token adds microseconds);
    // it is stored as the prompt's size and speed.
    if (m.stats.prompt_tokens > 0 && m.stats.prompt_tokens_per_s > 0)
        parts << MessageListModel::tr("first token in %1 s")
                     .arg(static_cast<double>(m.stats.prompt_tokens) / m.stats.prompt_tokens_per_s, 0, 'f', 2);
    if (m.stats.prompt_tokens > 0) parts << MessageListModel::tr("prompt %1 tokens").arg(m.stats.prompt_tokens);
    if (!m.model.empty()) parts << QFileInfo(qs(m.model)).completeBaseName();
    return parts.join(QStringLiteral(" · "));
}

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

bool MessageListModel::expanded(const Row& row) const {
    if (row.userExpanded >= 0) return row.userExpanded == 1;
    if (m_thinkingMode == QLatin1String("expanded")) return row.msg.state == MessageState::Streaming && !row.answerStarted;
    return false;
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Row& r = m_rows[static_cast<size_t>(index.row())];
    const Message& m = r.msg;
    const bool streaming = m.state == MessageState::Streaming;
    switch (role) {
    case MessageIdRole: return QVariant::fromValue(static_cast<qint64>(m.id));
    case RoleRole: return QString::fromLatin1(role_name(m.role));
    case Qt::DisplayRole:
    case ContentRole: return qs(m.content);
    case AnswerBlocksRole: return r.blocks;
    case ReasoningRole: return qs(m.reasoning);
    case ThinkingRole: return streaming && !r.answerStarted;
    case ThinkingSecondsRole: return static_cast<double>(m.stats.reasoning_ms) / 1000.0;
    case ThinkingStartedAtRole: return static_cast<double>(r.thinkingStartedAt);
    case ReasoningExpandedRole: return expanded(r);
    case ReasoningVisibleRole: return m_thinkingMode != QLatin1String("hidden");
    case StateRole: return QString::fromLatin1(message_state_name(m.state));
    case ErrorTextRole:
        switch (m.state) {
        case MessageState::Error: return tr("Error: %1").arg(qs(m.error));
        case MessageState::Cancelled: return tr("Stopped.");
        case MessageState::Interrupted: return tr("Interrupted: Ponder closed before this answer finished. The text saved so far is kept.");
        default: return QString();
        }
    case SiblingIndexRole: return m.sibling_index;
    case SiblingCountRole: return m.sibling_count;
    case StatsTextRole: return statsText(m);
    case BoxedAnswerRole: return r.boxed;
    case StreamingRole: return streaming;
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{MessageIdRole, "messageId"},
            {RoleRole, "role"},
            {ContentRole, "content"},
            {AnswerBlocksRole, "answerBlocks"},
            {ReasoningRole, "reasoning"},
            {ThinkingRole, "thinking"},
            {ThinkingSecondsRole, "thinkingSeconds"},
            {ThinkingStartedAtRole, "thinkingStartedAt"},
            {ReasoningExpandedRole, "reasoningExpanded"},
            {ReasoningVisibleRole, "reasoningVisible"},
            {StateRole, "state"},
            {ErrorTextRole, "errorText"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"},
            {StatsTextRole, "statsText"},
            {BoxedAnswerRole, "boxedAnswer"},
            {StreamingRole, "streaming"}};
}

void MessageListModel::refreshDerived(Row& row) {
    QVariantList blocks;
    if (row.msg.role == Role::Assistant) {
        for (const AnswerBlock& b : split_answer_blocks(row.msg.content)) {
            QVariantMap map;
            map[QStringLiteral("kind")] = b.kind == AnswerBlock::Code ? QStringLiteral("code") : QStringLiteral("prose");
            map[QStringLiteral("text")] =
                qs(b.kind == AnswerBlock::Code ? b.text : render_math_in_markdown(b.text));
            map[QStringLiteral("language")] = qs(b.language);
            blocks.append(map);
        }
        ExtractedAnswer ex = extract_answer(row.msg.content);
        row.boxed = ex.boxed ? qs(latex_to_unicode(ex.value)).remove(QStringLiteral("**")) : QString();
    }
    row.blocks = blocks;
}

void MessageListModel::setMessages(const std::vector<ponder::Message>& messages) {
    // Keep the user's open/closed choice for messages that stay on screen.
    QHash<qint64, int> choices;
    for (const Row& r : m_rows)
        if (r.userExpanded >= 0) choices.insert(r.msg.id, r.userExpanded);
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(messages.size());
    for (const Message& m : messages) {
        Row r;
        r.msg = m;
        r.answerStarted = !m.content.empty();
        r.thinkingStartedAt = m.created_at;
        r.userExpanded = choices.value(m.id, -1);
        refreshDerived(r);
        m_rows.push_back(std::move(r));
    }
    endResetModel();
}

void MessageListModel::clear() { setMessages({}); }

void MessageListModel::setThinkingPanelMode(const QString& mode) {
    if (mode == m_thinkingMode) return;
    m_thinkingMode = mode;
    if (!m_rows.empty())
        emit dataChanged(index(0), index(static_cast<int>(m_rows.size()) - 1), {ReasoningExpandedRole, ReasoningVisibleRole});
}

int MessageListModel::rowOf(qint64 id) const {
    for (size_t i = m_rows.size(); i-- > 0;)  // the streaming message is at the end
        if (m_rows[i].msg.id == id) return static_cast<int>(i);
    return -1;
}

const ponder::Message* MessageListModel::message(int row) const {
    return row >= 0 && row < count() ? &m_rows[static_cast<size_t>(row)].msg : nullptr;
}

void MessageListModel::changed(int row, const QList<int>& roles) { emit dataChanged(index(row), index(row), roles); }

void MessageListModel::appendReasoning(qint64 id, const QString& text) {
    int row = rowOf(id);
    if (row < 0) return;
    m_rows[static_cast<size_t>(row)].msg.reasoning += text.toStdString();
    changed(row, {ReasoningRole});
}

void MessageListModel::appendAnswer(qint64 id, const QString& text) {
    int row = rowOf(id);
    if (row < 0) return;
    Row& r = m_rows[static_cast<size_t>(row)];
    const bool first = !r.answerStarted;
    r.answerStarted = true;
    if (first) r.msg.stats.reasoning_ms = QDateTime::currentMSecsSinceEpoch() - r.thinkingStartedAt;
    r.msg.content += text.toStdString();
    refreshDerived(r);
    QList<int> roles = {ContentRole, AnswerBlocksRole, BoxedAnswerRole};
    if (first) roles << ThinkingRole << ThinkingSecondsRole << ReasoningExpandedRole;
    changed(row, roles);
}

void MessageListModel::finish(qint64 id, ponder::MessageState state, const QString& error,
                              const ponder::MessageStats& stats) {
    int row = rowOf(id);
    if (row < 0) return;
    Row& r = m_rows[static_cast<size_t>(row)];
    r.msg.state = state;
    r.msg.error = error.toStdString();
    r.msg.stats = stats;
    r.answerStarted = true;
    refreshDerived(r);
    changed(row, {StateRole, ErrorTextRole, StatsTextRole, ThinkingRole, ThinkingSecondsRole, ReasoningExpandedRole,
                  StreamingRole, BoxedAnswerRole, AnswerBlocksRole});
}

void MessageListModel::toggleReasoning(qint64 id) {
    int row = rowOf(id);
    if (row < 0) return;
    Row& r = m_rows[static_cast<size_t>(row)];
    r.userExpanded = expanded(r) ? 0 : 1;
    changed(row, {ReasoningExpandedRole});
}

} // namespace ponder::app
