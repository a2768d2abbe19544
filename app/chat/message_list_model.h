// The active branch of the open conversation, as the chat view shows it. Rows are set from the
// store by the ChatController and grow in place while an answer streams; changed on the GUI thread
// only.
#pragma once

#include "settings/theme.h"

#include "ponder/conversation_store.h"

#include <QAbstractListModel>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ChatController")
public:
    enum Roles {
        MessageIdRole = Qt::UserRole + 1,
        RoleRole,               // "user" / "assistant"
        ContentRole,            // the answer (or question) as written
        AnswerBlocksRole,       // [{kind: "prose" | "code", text, language, html}]: text as written, html to show
        ReasoningRole,
        ThinkingRole,           // still inside <think>
        ThinkingSecondsRole,
        ThinkingStartedAtRole,  // ms since epoch, for the live timer
        ReasoningExpandedRole,
        ReasoningVisibleRole,
        StateRole,              // "complete", "streaming", "cancelled", "error", "interrupted"
        ErrorTextRole,
        SiblingIndexRole,
        SiblingCountRole,
        StatsTextRole,
        BoxedAnswerRole,        // the last \boxed{} of the answer, for the highlight chip
        StreamingRole,
        ThinkingLabelRole,      // "Thought for 3.2 seconds", "Stopped after thinking for 4.0 seconds"
        ThoughtMarkRole,        // what ended or extended the thought, e.g. "Thought cut at 2,048 tokens (...)"
        LoopWarningRole,        // "Loop detected at 1,234 tokens: ..." when the thought went in circles
    };

    // How thinking panels open: "collapsed", "expanded" (while streaming) or "hidden".
    explicit MessageListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setMessages(const std::vector<ponder::Message>& messages);
    void clear();
    void setThinkingPanelMode(const QString& mode);
    // Answers carry the theme's colours in their HTML: a theme change renders them again.
    void setDarkTheme(bool dark);

    // Streaming updates for message `id` (ignored when it is not on screen).
    void appendReasoning(qint64 id, const QString& text);
    void appendAnswer(qint64 id, const QString& text);
    void finish(qint64 id, ponder::MessageState state, const QString& error, const ponder::MessageStats& stats);
    // What the engine did to message `id`'s thought so far (ponder/thinking.h's JSON list).
    void setForcedThinking(qint64 id, const QString& forcedJson);
    void toggleReasoning(qint64 id);

    int rowOf(qint64 id) const;
    const ponder::Message* message(int row) const;
    int count() const { return static_cast<int>(m_rows.size()); }

private:
    struct Row {
        ponder::Message msg;
        QVariantList blocks;          // cached AnswerBlocksRole (unchanged blocks keep their HTML)
        QString boxed;
        qint64 thinkingStartedAt = 0;
        bool answerStarted = false;
        int userExpanded = -1;        // -1: follow the setting; 0/1: the user's choice
    };
    void refreshDerived(Row& row) const;
    bool expanded(const Row& row) const;
    void changed(int row, const QList<int>& roles);

    std::vector<Row> m_rows;
    QString m_thinkingMode = QStringLiteral("expanded");
    ThemePalette m_palette = lightPalette();
};

QString statsText(const ponder::Message& m);
// The thinking panel's title once the model stopped thinking: how long, and whether the thought
// was cut short (stopped, failed, interrupted) before any answer came. Under a second is said so.
QString thinkingLabel(double seconds, ponder::MessageState state, bool answered);
// From MessageStats::forced_thinking: the sentences of what ended or extended the thought (one a
// line), and of a detected loop.
struct ThoughtMarks {
    QString mark, loopWarning;
};
ThoughtMarks thoughtMarks(const std::string& forcedJson);

} // namespace ponder::app
