// How answers look, in C++ where the decisions are: the Markdown-to-rich-text renderer (literal
// tags kept, padded tables, inline-code chips, link colours, typeset math), the code highlighter,
// the thinking panel's wording, the keys of the composer and the editor, and the theme's
// contrast (every text colour on every surface it is drawn on, WCAG AA 4.5:1).
#include "chat/answer_html.h"
#include "chat/code_highlighter.h"
#include "chat/key_routing.h"
#include "chat/message_list_model.h"
#include "settings/theme.h"

#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

using namespace ponder;
using namespace ponder::app;

namespace {

// The HTML as the chat's TextEdit will read it.
struct Rendered {
    QString html;
    QTextDocument doc;
    explicit Rendered(const char* markdown, bool dark = false) : html(proseToHtml(markdown, paletteFor(dark))) {
        doc.setHtml(html);
    }
    QString text() const { return doc.toPlainText(); }
    // The format of the first character of `needle` in the document.
    QTextCharFormat formatAt(const QString& needle) const {
        const int at = static_cast<int>(doc.toPlainText().indexOf(needle));
        if (at < 0) return {};
        const QTextBlock block = doc.findBlock(at);
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().contains(at)) return it.fragment().charFormat();
        return {};
    }
};

QString spanText(std::string_view code, const CodeSpan& s) {
    return QString::fromUtf8(code.data() + s.start, static_cast<qsizetype>(s.length));
}

bool hasSpan(std::string_view code, const std::vector<CodeSpan>& spans, const QString& text, CodeToken token) {
    for (const CodeSpan& s : spans)
        if (s.token == token && spanText(code, s) == text) return true;
    return false;
}

} // namespace

class TestAnswerRendering : public QObject {
    Q_OBJECT

private slots:
    // --- prose ---------------------------------------------------------------------------------

    void literalTagsStayText() {
        // A literal <think> or </think> disappeared: the old view parsed it as HTML.
        Rendered r("The model writes <think> first and </think> after, and <b>this</b> is not bold.");
        QVERIFY2(r.text().contains("<think> first and </think> after"), qPrintable(r.text()));
        QVERIFY(r.text().contains("<b>this</b>"));
        QVERIFY(!r.formatAt("this").font().bold());
    }

    void inlineCodeIsAChip() {
        Rendered r("Call `print()` now.");
        const QTextCharFormat code = r.formatAt("print()");
        QCOMPARE(code.background().color(), lightPalette().chip);
        QVERIFY(code.fontFixedPitch() || code.fontFamilies().toStringList().contains(Theme::monoFamily()));
        QVERIFY(!r.formatAt("now").hasProperty(QTextFormat::BackgroundBrush));
    }

    void linksTakeTheThemeColour() {
        for (bool dark : {false, true}) {
            Rendered r("See [the docs](https://example.org).", dark);
            const QTextCharFormat link = r.formatAt("the docs");
            QVERIFY(link.isAnchor());
            QCOMPARE(link.foreground().color(), paletteFor(dark).link);
            QVERIFY(contrastRatio(paletteFor(dark).link, paletteFor(dark).background) >= 4.5);
        }
    }

    void tablesArePadded() {
        Rendered r("| n | square |\n|---|---|\n| 3 | 9 |\n");
        QTextTable* table = nullptr;
        for (QTextFrame* f : r.doc.rootFrame()->childFrames())
            if (auto* t = qobject_cast<QTextTable*>(f)) table = t;
        QVERIFY(table);
        QCOMPARE(table->rows(), 2);
        QVERIFY(table->format().cellPadding() >= 4);
        QVERIFY(table->format().border() >= 1);
        QCOMPARE(table->format().borderBrush().color(), lightPalette().border);
    }

    void proseHasLineHeightAndNoFixedSize() {
        Rendered r("Some text.\n\nMore text.");
        QCOMPARE(r.doc.begin().blockFormat().lineHeightType(), int(QTextBlockFormat::ProportionalHeight));
        QVERIFY(r.doc.begin().blockFormat().lineHeight() >= 140);
        // No font size in the HTML's body: the view's font (Settings > Text size) applies.
        QVERIFY(!r.html.contains("font-size:"));
    }

    void mathIsTypeset() {
        Rendered r("Half is $\\frac{1}{2}$, the root $\\sqrt{x+1}$, $e^{i\\pi}$ and $\\alpha$.");
        QCOMPARE(r.formatAt("1⁄").verticalAlignment(), QTextCharFormat::AlignSuperScript);
        QCOMPARE(r.formatAt("2,").verticalAlignment(), QTextCharFormat::AlignSubScript);
        QVERIFY(r.formatAt("x+1").fontOverline());
        QCOMPARE(r.formatAt("iπ").verticalAlignment(), QTextCharFormat::AlignSuperScript);
        QVERIFY(r.text().contains("α"));
        QVERIFY(!r.text().contains(QChar(0xE000)) && !r.text().contains(QChar(0xE001)));
    }

    void boxedIsBold() {
        Rendered r("So the answer is \\boxed{432}.");
        QVERIFY(r.text().contains("432"));
        QVERIFY(r.formatAt("432").font().bold());
        QVERIFY(!r.text().contains("**"));
    }

    void listsAndHeadings() {
        Rendered r("## Steps\n\n1. add\n2. carry\n");
        QVERIFY(r.text().contains("Steps"));
        QVERIFY(r.doc.findBlock(static_cast<int>(r.text().indexOf("add"))).textList());
    }

    // --- code ----------------------------------------------------------------------------------

    void pythonIsColoured() {
        const std::string_view code = "def add(a, b):\n    # the sum\n    return a + b * 2.5  \"\"\"doc\"\"\"\n";
        const auto spans = highlightCode(code, "python");
        QVERIFY(hasSpan(code, spans, "def", CodeToken::Keyword));
        QVERIFY(hasSpan(code, spans, "return", CodeToken::Keyword));
        QVERIFY(hasSpan(code, spans, "add", CodeToken::Function));
        QVERIFY(hasSpan(code, spans, "# the sum", CodeToken::Comment));
        QVERIFY(hasSpan(code, spans, "2.5", CodeToken::Number));
        QVERIFY(hasSpan(code, spans, "\"\"\"doc\"\"\"", CodeToken::String));
    }

    void cFamilyAndOthers() {
        const std::string_view cpp = "/* block\n comment */ int main() { std::string s = \"a\\\"b\"; return 0; } // end";
        auto spans = highlightCode(cpp, "c++");
        QVERIFY(hasSpan(cpp, spans, "/* block\n comment */", CodeToken::Comment));
        QVERIFY(hasSpan(cpp, spans, "int", CodeToken::Type));
        QVERIFY(hasSpan(cpp, spans, "main", CodeToken::Function));
        QVERIFY(hasSpan(cpp, spans, "\"a\\\"b\"", CodeToken::String));
        QVERIFY(hasSpan(cpp, spans, "// end", CodeToken::Comment));

        const std::string_view js = "const x = `t ${y}`; function f() {}";
        spans = highlightCode(js, "js");
        QVERIFY(hasSpan(js, spans, "const", CodeToken::Keyword));
        QVERIFY(hasSpan(js, spans, "`t ${y}`", CodeToken::String));

        const std::string_view rust = "fn f<'a>(s: &'a str) -> char { 'x' }";
        spans = highlightCode(rust, "rust");
        QVERIFY(hasSpan(rust, spans, "'x'", CodeToken::String));
        QVERIFY(!hasSpan(rust, spans, "'a>(s: &'", CodeToken::String));  // a lifetime is not a char

        const std::string_view sh = "echo $# # count\n";
        spans = highlightCode(sh, "sh");
        QVERIFY(hasSpan(sh, spans, "# count", CodeToken::Comment));
        QVERIFY(!hasSpan(sh, spans, "# # count", CodeToken::Comment));

        const std::string_view sql = "SELECT name FROM t WHERE id = 1 -- one";
        spans = highlightCode(sql, "SQL");
        QVERIFY(hasSpan(sql, spans, "SELECT", CodeToken::Keyword));
        QVERIFY(hasSpan(sql, spans, "-- one", CodeToken::Comment));

        const std::string_view json = "{\"key\": true, \"n\": 3}";
        spans = highlightCode(json, "json");
        QVERIFY(hasSpan(json, spans, "\"key\"", CodeToken::Type));
        QVERIFY(hasSpan(json, spans, "true", CodeToken::Keyword));
        QVERIFY(hasSpan(json, spans, "3", CodeToken::Number));
    }

    void unknownLanguagesStayPlain() {
        QVERIFY(highlightCode("some text", "").empty());
        QVERIFY(highlightCode("some text", "klingon").empty());
        QCOMPARE(QString::fromStdString(canonicalLanguage("Python {.numberLines}")), QStringLiteral("python"));
        QCOMPARE(QString::fromStdString(canonicalLanguage("ts")), QStringLiteral("typescript"));
    }

    void codeHtmlKeepsTheTextExactly() {
        const std::string code = "if a < b:\n\tprint('<&>')\n";
        const QString html = codeToHtml(code, "python", darkPalette());
        QTextDocument doc;
        doc.setHtml(html);
        QCOMPARE(doc.toPlainText(), QString::fromStdString(code).chopped(1));
        QVERIFY(html.contains(darkPalette().keyword.name()));
    }

    // --- the thinking panel's wording ------------------------------------------------------------

    void thinkingLabels_data() {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("answered");
        QTest::addColumn<QString>("label");
        const int complete = int(MessageState::Complete), cancelled = int(MessageState::Cancelled),
                  error = int(MessageState::Error);
        QTest::newRow("sub-second") << 0.05 << complete << true << "Thought for less than a second";
        QTest::newRow("seconds with a decimal") << 3.24 << complete << true << "Thought for 3.2 seconds";
        QTest::newRow("tens of seconds") << 42.4 << complete << true << "Thought for 42 seconds";
        QTest::newRow("minutes") << 125.0 << complete << true << "Thought for 2 min 5 s";
        QTest::newRow("stopped mid-thought") << 5.0 << cancelled << false << "Stopped after thinking for 5.0 seconds";
        QTest::newRow("stopped after answering") << 5.0 << cancelled << true << "Thought for 5.0 seconds";
        QTest::newRow("error mid-thought") << 12.0 << error << false << "Thinking cut off after 12 seconds";
        QTest::newRow("stopped, no duration") << 0.0 << cancelled << false << "Stopped while thinking";
    }
    void thinkingLabels() {
        QFETCH(double, seconds);
        QFETCH(int, state);
        QFETCH(bool, answered);
        QFETCH(QString, label);
        QCOMPARE(thinkingLabel(seconds, static_cast<MessageState>(state), answered), label);
    }

    // --- keys ----------------------------------------------------------------------------------

    void keys() {
        auto act = [](int key, Qt::KeyboardModifiers m, bool ctrlEnter, bool tabTypes) {
            return KeyRouting::action(key, static_cast<int>(m), ctrlEnter, tabTypes);
        };
        QCOMPARE(act(Qt::Key_Return, Qt::NoModifier, false, false), int(KeyRouting::Send));
        QCOMPARE(act(Qt::Key_Enter, Qt::KeypadModifier, false, false), int(KeyRouting::Send));
        QCOMPARE(act(Qt::Key_Return, Qt::ShiftModifier, false, false), int(KeyRouting::Default));
        QCOMPARE(act(Qt::Key_Return, Qt::NoModifier, true, false), int(KeyRouting::Default));
        QCOMPARE(act(Qt::Key_Return, Qt::ControlModifier, true, false), int(KeyRouting::Send));
        QCOMPARE(act(Qt::Key_Tab, Qt::NoModifier, false, false), int(KeyRouting::FocusNext));
        QCOMPARE(act(Qt::Key_Tab, Qt::ControlModifier, false, false), int(KeyRouting::InsertTab));
        QCOMPARE(act(Qt::Key_Tab, Qt::NoModifier, false, true), int(KeyRouting::InsertTab));
        QCOMPARE(act(Qt::Key_Tab, Qt::ControlModifier, false, true), int(KeyRouting::FocusNext));
        QCOMPARE(act(Qt::Key_Backtab, Qt::ShiftModifier, false, false), int(KeyRouting::FocusPrevious));
        QCOMPARE(act(Qt::Key_A, Qt::NoModifier, false, false), int(KeyRouting::Default));
    }

    // --- the theme -----------------------------------------------------------------------------

    void everyTextColourReadsOnEverySurface() {
        for (bool dark : {false, true}) {
            const ThemePalette p = paletteFor(dark);
            const QList<QPair<const char*, QColor>> texts = {{"text", p.text},       {"mutedText", p.mutedText},
                                                             {"accentText", p.accentText}, {"link", p.link},
                                                             {"error", p.error},     {"warning", p.warning},
                                                             {"success", p.success}};
            const QList<QPair<const char*, QColor>> surfaces = {
                {"background", p.background}, {"sidebar", p.sidebar},   {"surface", p.surface},
                {"hover", p.hover},            {"selected", p.selected}, {"userBubble", p.userBubble},
                {"dialog", p.dialog},          {"chip", p.chip},         {"codeBackground", p.codeBackground},
                {"tableHeader", p.tableHeader}};
            for (const auto& [tn, t] : texts)
                for (const auto& [sn, s] : surfaces)
                    QVERIFY2(contrastRatio(t, s) >= 4.5, qPrintable(QStringLiteral("%1 %2 on %3: %4:1")
                                                                        .arg(dark ? "dark" : "light", tn, sn)
                                                                        .arg(contrastRatio(t, s), 0, 'f', 2)));
            for (const QColor& syntax : {p.keyword, p.string, p.comment, p.number, p.type, p.function})
                QVERIFY2(contrastRatio(syntax, p.codeBackground) >= 4.5, qPrintable(syntax.name()));
            QVERIFY(contrastRatio(p.onAccent, p.accent) >= 4.5);
        }
        // The contrast formula itself, on WCAG's reference pair.
        QCOMPARE(qRound(contrastRatio(Qt::black, Qt::white)), 21);
        QVERIFY(qAbs(contrastRatio(QColor(0x767676), Qt::white) - 4.54) < 0.01);
    }

    void textSizeMapsToPixels() {
        QCOMPARE(bodyPixelSizeFor(0), 15);
        QCOMPARE(bodyPixelSizeFor(12), 16);
        QVERIFY(bodyPixelSizeFor(20) > bodyPixelSizeFor(12));
    }
};

QTEST_MAIN(TestAnswerRendering)
#include "test_answer_rendering.moc"
