#include "chat/message_list_model.h"

#include "chat/answer_html.h"
#include "chat/math_text.h"
#include "ponder/answer.h"

#include <QDateTime>
#include <QFileInfo>
#include <QtMath>
#include <nlohmann/json.hpp>

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

QString thinkingLabel(double seconds, ponder::MessageState state, bool answered) {
    if (seconds <= 0 && !answered && state == MessageState::Cancelled) return MessageListModel::tr("Stopped while thinking");
    if (seconds <= 0 && !answered && state != MessageState::Complete && state != MessageState::Streaming)
        return MessageListModel::tr("Thinking was cut off");  // a saved answer whose duration was never recorded
    QString duration;
    if (seconds < 1) duration = MessageListModel::tr("less than a second");
    else if (seconds < 10) duration = MessageListModel::tr("%1 seconds").arg(seconds, 0, 'f', 1);
    else if (seconds < 90) duration = MessageListModel::tr("%1 seconds").arg(qRound(seconds));
    else duration = MessageListModel::tr("%1 min %2 s").arg(qFloor(seconds / 60)).arg(qRound(seconds) % 60);
    if (!answered) {
        switch (state) {
        case MessageState::Cancelled: return MessageListModel::tr("Stopped after thinking for %1").arg(duration);
        case MessageState::Error:
        case MessageState::Interrupted: return MessageListModel::tr("Thinking cut off after %1").arg(duration);
        default: break;
        }
    }
    return MessageListModel::tr("Thought for %1").arg(duration);
}

ThoughtMarks thoughtMarks(const std::string& forcedJson) {
    ThoughtMarks out;
    if (forcedJson.empty()) return out;
    const nlohmann::json list = nlohmann::json::parse(forcedJson, nullptr, /*allow_exceptions=*/false);
    if (!list.is_array()) return out;
    QStringList marks;
    for (const auto& a : list) {
        if (!a.is_object() || !a.contains("description") || !a["description"].is_string()) continue;
        const QString text = QString::fromStdString(a["description"].get<std::string>());
        if (a.value("kind", std::string()) == "loop") out.loopWarning = text;
        else marks << text;
    }
    out.mark = marks.join(QLatin1Char('\n'));
    return out;
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
    case ThinkingLabelRole:
        return thinkingLabel(static_cast<double>(m.stats.reasoning_ms) / 1000.0, m.state, !m.content.empty());
    case ThoughtMarkRole: return thoughtMarks(m.stats.forced_thinking).mark;
    case LoopWarningRole: return thoughtMarks(m.stats.forced_thinking).loopWarning;
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
            {StreamingRole, "streaming"},
            {ThinkingLabelRole, "thinkingLabel"},
            {ThoughtMarkRole, "thoughtMark"},
            {LoopWarningRole, "loopWarning"}};
}

void MessageListModel::refreshDerived(Row& row) const {
    QVariantList blocks;
    if (row.msg.role == Role::Assistant) {
        const QVariantList previous = row.blocks;
        for (const AnswerBlock& b : split_answer_blocks(row.msg.content)) {
            const QString kind = b.kind == AnswerBlock::Code ? QStringLiteral("code") : QStringLiteral("prose");
            const QString text = qs(b.text), language = qs(b.language);
            // While an answer streams only its last block changes: the others keep their HTML.
            const int i = static_cast<int>(blocks.size());
            if (i < previous.size()) {
                const QVariantMap old = previous[i].toMap();
                if (old.value(QStringLiteral("kind")) == kind && old.value(QStringLiteral("text")) == text &&
                    old.value(QStringLiteral("language")) == language) {
                    blocks.append(old);
                    continue;
                }
            }
            QVariantMap map;
            map[QStringLiteral("kind")] = kind;
            map[QStringLiteral("text")] = text;
            map[QStringLiteral("language")] = language;
            map[QStringLiteral("html")] = b.kind == AnswerBlock::Code ? codeToHtml(b.text, b.language, m_palette)
                                                                       : proseToHtml(b.text, m_palette);
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

void MessageListModel::setDarkTheme(bool dark) {
    const ThemePalette palette = paletteFor(dark);
    if (palette.background == m_palette.background) return;
    m_palette = palette;
    for (Row& r : m_rows) {
        r.blocks.clear();  // new colours: nothing to reuse
        refreshDerived(r);
    }
    if (!m_rows.empty()) emit dataChanged(index(0), index(static_cast<int>(m_rows.size()) - 1), {AnswerBlocksRole});
}

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
    if (first) roles << ThinkingRole << ThinkingSecondsRole << ReasoningExpandedRole << ThinkingLabelRole;
    changed(row, roles);
}

void MessageListModel::finish(qint64 id, ponder::MessageState state, const QString& error,
                              const ponder::MessageStats& stats) {
    int row = rowOf(id);
    if (row < 0) return;
    Row& r = m_rows[static_cast<size_t>(row)];
    r.msg.state = state;
    r.msg.error = error.toStdString();
    const qint64 reasoningMs = r.msg.stats.reasoning_ms;
    r.msg.stats = stats;
    // Stopped while still thinking: the thought lasted until now (the worker saw no answer start).
    if (r.msg.stats.reasoning_ms == 0)
        r.msg.stats.reasoning_ms = r.answerStarted ? reasoningMs : QDateTime::currentMSecsSinceEpoch() - r.thinkingStartedAt;
    r.answerStarted = true;
    refreshDerived(r);
    changed(row, {StateRole, ErrorTextRole, StatsTextRole, ThinkingRole, ThinkingSecondsRole, ReasoningExpandedRole,
                  StreamingRole, BoxedAnswerRole, AnswerBlocksRole, ThinkingLabelRole, ThoughtMarkRole, LoopWarningRole});
}

void MessageListModel::setForcedThinking(qint64 id, const QString& forcedJson) {
    int row = rowOf(id);
    if (row < 0) return;
    m_rows[static_cast<size_t>(row)].msg.stats.forced_thinking = forcedJson.toStdString();
    changed(row, {ThoughtMarkRole, LoopWarningRole});
}

void MessageListModel::toggleReasoning(qint64 id) {
    int row = rowOf(id);
    if (row < 0) return;
    Row& r = m_rows[static_cast<size_t>(row)];
    r.userExpanded = expanded(r) ? 0 : 1;
    changed(row, {ReasoningExpandedRole});
}

} // namespace ponder::app
