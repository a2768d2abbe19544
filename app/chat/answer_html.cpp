#include "chat/answer_html.h"

#include "chat/code_highlighter.h"
#include "chat/math_text.h"

#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>
#include <algorithm>
#include <vector>

namespace ponder::app {

namespace {

// --- math: the typesetting markers of math_text.h become character formats -------------------

enum class Marker { None, SupOpen, SupClose, SubOpen, SubClose, BarOpen, BarClose, BoldOpen, BoldClose };

Marker markerOf(QChar c) {
    const char16_t u = c.unicode();
    return u >= 0xE000 && u <= 0xE007 ? static_cast<Marker>(u - 0xE000 + 1) : Marker::None;
}

bool isOpen(Marker m) { return m == Marker::SupOpen || m == Marker::SubOpen || m == Marker::BarOpen || m == Marker::BoldOpen; }

QTextCharFormat formatFor(Marker open) {
    QTextCharFormat f;
    switch (open) {
    case Marker::SupOpen: f.setVerticalAlignment(QTextCharFormat::AlignSuperScript); break;
    case Marker::SubOpen: f.setVerticalAlignment(QTextCharFormat::AlignSubScript); break;
    case Marker::BarOpen: f.setFontOverline(true); break;
    default: f.setFontWeight(QFont::Bold); break;
    }
    return f;
}

void typesetMath(QTextDocument& doc) {
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        const QString text = block.text();
        struct Range { int from, to; Marker open; };
        std::vector<Range> ranges;
        std::vector<std::pair<int, Marker>> stack;
        std::vector<int> markers;  // positions of every marker in the block, to remove
        for (int i = 0; i < text.size(); ++i) {
            const Marker m = markerOf(text[i]);
            if (m == Marker::None) continue;
            markers.push_back(i);
            if (isOpen(m)) {
                stack.emplace_back(i, m);
            } else if (!stack.empty()) {
                ranges.push_back({stack.back().first + 1, i, stack.back().second});
                stack.pop_back();
            }
        }
        if (markers.empty()) continue;
        // Outer ranges first, so that an inner one (a subscript inside a fraction) wins.
        std::sort(ranges.begin(), ranges.end(),
                  [](const Range& a, const Range& b) { return a.from != b.from ? a.from < b.from : a.to > b.to; });
        QTextCursor cursor(&doc);
        for (const Range& r : ranges) {
            cursor.setPosition(block.position() + r.from);
            cursor.setPosition(block.position() + r.to, QTextCursor::KeepAnchor);
            cursor.mergeCharFormat(formatFor(r.open));
        }
        for (auto it = markers.rbegin(); it != markers.rend(); ++it) {
            cursor.setPosition(block.position() + *it);
            cursor.deleteChar();
        }
    }
}

// --- blocks: line height, headings, indented code, quotes -------------------------------------

void styleBlocks(QTextDocument& doc, const ThemePalette& p) {
    QTextCursor cursor(&doc);
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        QTextBlockFormat bf = block.blockFormat();
        QTextCharFormat cf;
        const int heading = bf.headingLevel();
        const bool code = bf.nonBreakableLines() || bf.hasProperty(QTextFormat::BlockCodeFence);
        if (heading > 0) {
            // Headings a step or two above the text, not the 2x of xx-large.
            cf.setProperty(QTextFormat::FontSizeAdjustment, heading == 1 ? 2 : heading <= 3 ? 1 : 0);
            cf.setFontWeight(QFont::DemiBold);
            bf.setTopMargin(14);
            bf.setBottomMargin(4);
            bf.setLineHeight(125, QTextBlockFormat::ProportionalHeight);
        } else if (code) {
            bf.setBackground(p.codeBackground);
            cf.setFontFamilies({Theme::monoFamily()});
            cf.setFontFixedPitch(true);
            bf.setLineHeight(125, QTextBlockFormat::ProportionalHeight);
        } else {
            // Generous leading for prose (1.5, as ChatGPT and Jan use).
            bf.setLineHeight(150, QTextBlockFormat::ProportionalHeight);
        }
        if (bf.property(QTextFormat::BlockQuoteLevel).toInt() > 0) cf.setForeground(p.mutedText);
        cursor.setPosition(block.position());
        cursor.setBlockFormat(bf);
        if (cf.propertyCount() > 0) {
            cursor.setPosition(block.position() + std::max(0, block.length() - 1), QTextCursor::KeepAnchor);
            cursor.mergeCharFormat(cf);
        }
    }
}

// --- fragments: inline code as chips, links in the theme's link colour ------------------------

void styleFragments(QTextDocument& doc, const ThemePalette& p) {
    struct Change { int from, to; QTextCharFormat format; };
    std::vector<Change> changes;
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        if (block.blockFormat().nonBreakableLines()) continue;  // code blocks have their own look
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment frag = it.fragment();
            const QTextCharFormat f = frag.charFormat();
            QTextCharFormat change;
            if (f.fontFixedPitch()) {
                change.setBackground(p.chip);
                change.setForeground(p.text);
                change.setFontFamilies({Theme::monoFamily()});
            }
            if (f.isAnchor()) {
                change.setForeground(p.link);
                change.setFontUnderline(true);
            }
            if (change.propertyCount() > 0) changes.push_back({frag.position(), frag.position() + frag.length(), change});
        }
    }
    QTextCursor cursor(&doc);
    for (const Change& c : changes) {
        cursor.setPosition(c.from);
        cursor.setPosition(c.to, QTextCursor::KeepAnchor);
        cursor.mergeCharFormat(c.format);
    }
}

// --- tables: padded cells, thin borders in the theme's colour, a shaded header row -------------

void styleTables(QTextFrame* frame, const ThemePalette& p) {
    for (QTextFrame* child : frame->childFrames()) {
        if (auto* table = qobject_cast<QTextTable*>(child)) {
            QTextTableFormat tf = table->format();
            tf.setCellPadding(6);
            tf.setCellSpacing(0);
            tf.setBorder(1);
            tf.setBorderBrush(p.border);
            tf.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            tf.setBorderCollapse(true);
            tf.setTopMargin(6);
            tf.setBottomMargin(6);
            table->setFormat(tf);
            // The header row is told apart by its bold text (Markdown's importer sets it): a cell
            // background would cover only the text, not the padding, in Qt's rich text.
        }
        styleTables(child, p);
    }
}

// The document's HTML without the body's font, so the TextEdit's font (Text size) applies.
QString withoutBodyFont(QString html) {
    static const QRegularExpression body(QStringLiteral("<body style=\"[^\"]*\">"));
    return html.replace(body, QStringLiteral("<body>"));
}

} // namespace

QString proseToHtml(std::string_view markdown, const ThemePalette& palette) {
    const std::string typeset = render_math_in_markdown(markdown, MathOutput::Typeset);
    QTextDocument doc;
    // Raw HTML off: "<think>" or "<b>" in an answer is text, as the model wrote it.
    doc.setMarkdown(QString::fromStdString(typeset),
                    QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub | QTextDocument::MarkdownNoHTML));
    typesetMath(doc);
    styleBlocks(doc, palette);
    styleFragments(doc, palette);
    styleTables(doc.rootFrame(), palette);
    return withoutBodyFont(doc.toHtml());
}

QString codeToHtml(std::string_view code, std::string_view language, const ThemePalette& palette) {
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.remove_suffix(1);
    auto text = [&](size_t from, size_t length) {
        return QString::fromUtf8(code.data() + from, static_cast<qsizetype>(length)).toHtmlEscaped();
    };
    auto colour = [&](CodeToken t) {
        switch (t) {
        case CodeToken::Keyword: return palette.keyword;
        case CodeToken::String: return palette.string;
        case CodeToken::Comment: return palette.comment;
        case CodeToken::Number: return palette.number;
        case CodeToken::Type: return palette.type;
        case CodeToken::Function: return palette.function;
        }
        return palette.text;
    };
    QString html = QStringLiteral("<pre style=\"margin:0; font-family:'%1';\">").arg(Theme::monoFamily());
    size_t at = 0;
    for (const CodeSpan& span : highlightCode(code, language)) {
        if (span.start > at) html += text(at, span.start - at);
        html += QStringLiteral("<span style=\"color:%1;%2\">")
                    .arg(colour(span.token).name(), span.token == CodeToken::Comment ? QStringLiteral(" font-style:italic;") : QString());
        html += text(span.start, span.length) + QStringLiteral("</span>");
        at = span.start + span.length;
    }
    if (at < code.size()) html += text(at, code.size() - at);
    return html + QStringLiteral("</pre>");
}

} // namespace ponder::app
