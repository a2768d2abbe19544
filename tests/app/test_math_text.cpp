// LaTeX-to-Unicode and the answer's block split: what the chat view shows of model answers.
#include "chat/math_text.h"

#include <QTest>

using namespace ponder::app;

class TestMathText : public QObject {
    Q_OBJECT
private slots:
    void latexCommands_data() {
        QTest::addColumn<QString>("latex");
        QTest::addColumn<QString>("unicode");
        QTest::newRow("times") << "3 \\times 4" << "3 × 4";
        QTest::newRow("frac simple") << "\\frac{1}{2}" << "1/2";
        QTest::newRow("frac compound") << "\\frac{a+b}{2}" << "(a+b)/2";
        QTest::newRow("dfrac nested") << "\\dfrac{\\frac{1}{2}}{3}" << "(1/2)/3";
        QTest::newRow("sqrt") << "\\sqrt{2}" << "√2";
        QTest::newRow("sqrt compound") << "\\sqrt{x + 1}" << "√(x + 1)";
        QTest::newRow("cube root") << "\\sqrt[3]{8}" << "∛8";
        QTest::newRow("power") << "x^2 + y^{10}" << "x² + y¹⁰";
        QTest::newRow("power no unicode form") << "e^{i\\pi}" << "e^(iπ)";
        QTest::newRow("index") << "a_1 + a_{n}" << "a₁ + aₙ";
        QTest::newRow("degrees") << "90^\\circ" << "90°";
        QTest::newRow("greek") << "\\alpha + \\Omega" << "α + Ω";
        QTest::newRow("relations") << "a \\le b \\neq c \\ge d" << "a ≤ b ≠ c ≥ d";
        QTest::newRow("text") << "5 \\text{ apples}" << "5  apples";
        QTest::newRow("left right") << "\\left( x \\right)" << "( x )";
        QTest::newRow("escaped braces") << "\\{1, 2\\}" << "{1, 2}";
        QTest::newRow("boxed") << "\\boxed{42}" << "**42**";
        QTest::newRow("mathbb") << "x \\in \\mathbb{R}" << "x ∈ ℝ";
        QTest::newRow("unknown command keeps its name") << "\\foo{x}" << "foox";
        QTest::newRow("unbalanced is not lost") << "\\frac{1}{" << "1/";
        QTest::newRow("utf8 passes through") << "π ≈ 3.14" << "π ≈ 3.14";
    }
    void latexCommands() {
        QFETCH(QString, latex);
        QFETCH(QString, unicode);
        QCOMPARE(QString::fromStdString(latex_to_unicode(latex.toStdString())), unicode);
    }

    void mathInMarkdown_data() {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<QString>("shown");
        QTest::newRow("inline dollars") << "So $x^2 = 4$, done." << "So x² = 4, done.";
        QTest::newRow("money is not math") << "It costs $5 and $10." << "It costs $5 and $10.";
        QTest::newRow("paren math") << "Area \\(\\pi r^2\\)." << "Area π r².";
        QTest::newRow("display") << "Thus\n\\[ \\frac{1}{2} \\]\nok" << "Thus\n\n 1/2 \n\n\nok";
        QTest::newRow("bare boxed") << "The answer is \\boxed{432}." << "The answer is **432**.";
        QTest::newRow("boxed with nested braces") << "\\boxed{\\frac{1}{2}}" << "**1/2**";
        QTest::newRow("code span untouched") << "Use `$x^2$` here" << "Use `$x^2$` here";
        QTest::newRow("escaped dollar") << "\\$5" << "\\$5";
    }
    void mathInMarkdown() {
        QFETCH(QString, markdown);
        QFETCH(QString, shown);
        QCOMPARE(QString::fromStdString(render_math_in_markdown(markdown.toStdString())), shown);
    }

    // For the chat view: runs between private-use markers (answer_html turns them into
    // formatting) and Markdown punctuation escaped, so math cannot turn into Markdown syntax.
    void typesetMath_data() {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<QString>("typeset");
        const QString sup = QString::fromUtf8(kSupOpen.data(), kSupOpen.size()), supEnd = QString::fromUtf8(kSupClose.data(), kSupClose.size());
        const QString sub = QString::fromUtf8(kSubOpen.data(), kSubOpen.size()), subEnd = QString::fromUtf8(kSubClose.data(), kSubClose.size());
        const QString bar = QString::fromUtf8(kBarOpen.data(), kBarOpen.size()), barEnd = QString::fromUtf8(kBarClose.data(), kBarClose.size());
        const QString bold = QString::fromUtf8(kBoldOpen.data(), kBoldOpen.size()), boldEnd = QString::fromUtf8(kBoldClose.data(), kBoldClose.size());
        QTest::newRow("fraction") << "$\\frac{1}{2}$" << sup + "1" + supEnd + "⁄" + sub + "2" + subEnd;
        QTest::newRow("compound fraction") << "$\\frac{a+b}{c}$" << sup + "a\\+b" + supEnd + "⁄" + sub + "c" + subEnd;
        QTest::newRow("root with a bar") << "$\\sqrt{x+1}$" << "√" + bar + "x\\+1" + barEnd;
        QTest::newRow("unicode script kept") << "$x^2$" << "x²";
        QTest::newRow("script without unicode form") << "$e^{i\\pi}$" << "e" + sup + "iπ" + supEnd;
        QTest::newRow("unicode subscript kept") << "$a_{ij}$" << "aᵢⱼ";
        QTest::newRow("subscript without unicode form") << "$a_{xy}$" << "a" + sub + "xy" + subEnd;
        QTest::newRow("greek") << "$\\alpha\\beta$" << "αβ";
        QTest::newRow("boxed") << "\\boxed{42}" << bold + "42" + boldEnd;
        QTest::newRow("display minus is not a list") << "$$-x$$" << "\\-x\n\n";
        QTest::newRow("forged markers dropped") << "a" + sup + "b" << "ab";
    }
    void typesetMath() {
        QFETCH(QString, markdown);
        QFETCH(QString, typeset);
        QCOMPARE(QString::fromStdString(render_math_in_markdown(markdown.toStdString(), MathOutput::Typeset)), typeset);
    }

    // Sidebar previews: plain text, no Markdown syntax, no inline reasoning.
    void previews_data() {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<QString>("preview");
        QTest::newRow("emphasis and code") << "The **answer** is `42`, *surely*." << "The answer is 42, surely.";
        QTest::newRow("heading and bullets") << "## Steps\n- one\n- two" << "Steps one two";
        QTest::newRow("link") << "See [the docs](https://x.org) now" << "See the docs now";
        QTest::newRow("table") << "| a | b |\n|---|---|\n| 1 | 2 |" << "a · b · 1 · 2";
        QTest::newRow("quote and fence") << "> quoted\n```py\nx = 1\n```" << "quoted x = 1";
        QTest::newRow("inline think dropped") << "<think>hmm, let me see</think>It is 4." << "It is 4.";
        QTest::newRow("math") << "So $x^2 = 4$." << "So x² = 4.";
        QTest::newRow("minus kept") << "5 - 3 = 2" << "5 - 3 = 2";
        QTest::newRow("degree at start kept whole") << "°C is fine" << "°C is fine";
    }
    void previews() {
        QFETCH(QString, markdown);
        QFETCH(QString, preview);
        QCOMPARE(QString::fromStdString(plain_preview(markdown.toStdString())), preview);
    }

    void fencedCodeIsLeftAlone() {
        std::string md = "Intro $a$\n```python\nx = \"$y$\"\n```\nAfter";
        std::string out = render_math_in_markdown(md);
        QVERIFY(out.find("x = \"$y$\"") != std::string::npos);
        QVERIFY(out.find("Intro a") != std::string::npos);
    }

    void blocks() {
        auto b = split_answer_blocks("Text before\n\n```cpp\nint x;\n```\nText after\n~~~~\nraw ``` inside\n~~~~\n");
        QCOMPARE(int(b.size()), 4);
        QCOMPARE(int(b[0].kind), int(AnswerBlock::Prose));
        QCOMPARE(int(b[1].kind), int(AnswerBlock::Code));
        QCOMPARE(QString::fromStdString(b[1].language), QStringLiteral("cpp"));
        QCOMPARE(QString::fromStdString(b[1].text), QStringLiteral("int x;\n"));
        QCOMPARE(QString::fromStdString(b[3].text), QStringLiteral("raw ``` inside\n"));
    }

    void unclosedFenceWhileStreaming() {
        auto b = split_answer_blocks("Here:\n```js\nconsole.log(1)");
        QCOMPARE(int(b.size()), 2);
        QCOMPARE(int(b[1].kind), int(AnswerBlock::Code));
        QCOMPARE(QString::fromStdString(b[1].text), QStringLiteral("console.log(1)"));
    }
};

QTEST_APPLESS_MAIN(TestMathText)
#include "test_math_text.moc"
