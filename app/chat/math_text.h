// Makes model answers readable in a Markdown view: LaTeX math turned into Unicode text (or, for
// the chat view, typeset: real super/subscripts, stacked-looking fractions, roots with a bar), and
// the answer split into prose and code blocks (code blocks get their own view with a copy button).
// Plain C++ (no Qt), so it is cheap to test exhaustively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ponder::app {

// LaTeX math as Unicode text: "\frac{1}{2} \times 3^{2}" -> "1/2 × 3²". Covers what reasoning
// models write in answers (fractions, roots, powers and indices, Greek, operators, arrows, \text,
// \left / \right, spacing); unknown commands keep their name without the backslash, so nothing is
// lost. \boxed{x} becomes the marker-wrapped x (see kBoxedOpen) so the view can highlight it.
std::string latex_to_unicode(std::string_view latex);

// Markers around a \boxed{} answer in rewritten text: Markdown bold, which the view renders
// highlighted, and which survives being pasted elsewhere.
inline constexpr std::string_view kBoxedOpen = "**", kBoxedClose = "**";

// How math comes out of render_math_in_markdown.
enum class MathOutput {
    // Plain Unicode text ("1/2", "x²", "e^(iπ)", "√(x + 1)"): previews, copies, the answer chip.
    Unicode,
    // For the chat view (chat/answer_html.h turns the markers into formatting): scripts that have
    // no Unicode form and fractions become superscript/subscript runs, a root's radicand gets a
    // bar, \boxed is bold; Markdown punctuation in the math is backslash-escaped so that
    // "$$-x$$" cannot become a list item. The markers are Unicode private-use characters; any
    // already in the text are removed first, so an answer cannot forge formatting.
    Typeset,
};
inline constexpr std::string_view kSupOpen = "\xEE\x80\x80", kSupClose = "\xEE\x80\x81";     // U+E000, U+E001
inline constexpr std::string_view kSubOpen = "\xEE\x80\x82", kSubClose = "\xEE\x80\x83";     // U+E002, U+E003
inline constexpr std::string_view kBarOpen = "\xEE\x80\x84", kBarClose = "\xEE\x80\x85";     // U+E004, U+E005
inline constexpr std::string_view kBoldOpen = "\xEE\x80\x86", kBoldClose = "\xEE\x80\x87";   // U+E006, U+E007

// Rewrites the math in Markdown text: $...$, $$...$$, \(...\), \[...\] and bare \boxed{} are
// converted (display math on its own line); code spans and fenced code are left exactly as
// written.
std::string render_math_in_markdown(std::string_view markdown, MathOutput output = MathOutput::Unicode);

// One line of plain text for previews (the sidebar): math as Unicode, and none of Markdown's
// syntax (emphasis, code ticks, headings, quotes, list bullets, table pipes and rules, fences;
// links become their text), nor a <think>...</think> section an answer may carry inline.
std::string plain_preview(std::string_view markdown);

struct AnswerBlock {
    enum Kind { Prose, Code } kind = Prose;
    std::string text;      // Markdown (prose, math already rendered) or the code itself
    std::string language;  // fenced code's info string, e.g. "python"
};

// Splits Markdown into prose and fenced code blocks (``` or ~~~, any length >= 3, closing fence
// at least as long). An unclosed fence (still streaming) runs to the end as code.
std::vector<AnswerBlock> split_answer_blocks(std::string_view markdown);

} // namespace ponder::app
