// Makes model answers readable in a Markdown view: LaTeX math turned into Unicode text, and the
// answer split into prose and code blocks (code blocks get their own view with a copy button).
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

// Rewrites the math in Markdown text: $...$, $$...$$, \(...\), \[...\] and bare \boxed{} are
// converted with latex_to_unicode (display math on its own line); code spans and fenced code
// are left exactly as written.
std::string render_math_in_markdown(std::string_view markdown);

struct AnswerBlock {
    enum Kind { Prose, Code } kind = Prose;
    std::string text;      // Markdown (prose, math already rendered) or the code itself
    std::string language;  // fenced code's info string, e.g. "python"
};

// Splits Markdown into prose and fenced code blocks (``` or ~~~, any length >= 3, closing fence
// at least as long). An unclosed fence (still streaming) runs to the end as code.
std::vector<AnswerBlock> split_answer_blocks(std::string_view markdown);

} // namespace ponder::app
