// Answers as the chat view shows them: Markdown prose and fenced code turned into Qt rich text
// (the subset of HTML a Qt Quick TextEdit renders), styled with the theme's colours.
//
// Why not TextEdit's own MarkdownText: it parses raw HTML, so a literal "<think>" in an answer
// vanished; its tables have no padding, inline code no background, links are pure blue whatever
// the theme, and there is no line height. Here Qt's Markdown parser (md4c) reads the text with
// raw HTML off, the resulting document is styled block by block, and exported as HTML without a
// font size, so the view's font (the Text size setting) applies.
#pragma once

#include "settings/theme.h"

#include <QString>
#include <string_view>

namespace ponder::app {

// One prose block (no fenced code): Markdown with its math typeset (chat/math_text.h), as HTML.
QString proseToHtml(std::string_view markdown, const ThemePalette& palette);

// Code as HTML: the text exactly as written (whitespace kept, nothing interpreted), coloured by
// highlightCode() for `language` (chat/code_highlighter.h); unknown languages stay one colour.
QString codeToHtml(std::string_view code, std::string_view language, const ThemePalette& palette);

} // namespace ponder::app
