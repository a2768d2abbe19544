// A small syntax highlighter for the code blocks in answers: enough to colour what models write
// (Python, C and C++, JavaScript and TypeScript, Java, C#, Go, Rust, Kotlin, Swift, shell, SQL,
// JSON, YAML, Lua, Ruby), not a parser. One lexer for all of them, configured per language by
// its keywords and comment and string forms; the whole block is lexed at once, so comments and
// strings that span lines are coloured right. Plain C++, no Qt.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ponder::app {

enum class CodeToken { Keyword, String, Comment, Number, Type, Function };

struct CodeSpan {
    size_t start = 0;   // byte offset into the code
    size_t length = 0;  // bytes
    CodeToken token = CodeToken::Keyword;
};

// The canonical language for a fence's info string ("py" -> "python", "c++" -> "cpp",
// "sh" -> "bash"), or "" when it is not one we colour.
std::string canonicalLanguage(std::string_view info);

// The coloured spans of `code` in `language` (a fence's info string), in order, not
// overlapping; empty for a language we do not know.
std::vector<CodeSpan> highlightCode(std::string_view code, std::string_view language);

} // namespace ponder::app
