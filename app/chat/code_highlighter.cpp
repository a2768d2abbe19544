#include "chat/code_highlighter.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ponder::app {

namespace {

// What distinguishes one language for the lexer.
struct Rules {
    std::vector<std::string_view> lineComments;  // "//", "#", "--"
    std::string_view blockOpen, blockClose;      // "/*", "*/"; empty: none
    bool hashCommentNeedsSpace = false;          // shell: '#' starts a comment only after a blank ($# is not one)
    bool tripleQuotes = false;                   // Python's """...""" and '''...'''
    bool backtickStrings = false;                // JavaScript templates, Go raw strings
    bool singleQuoteStrings = true;              // 'x' (Rust: only when it closes soon: 'a is a lifetime)
    bool shortCharLiterals = false;              // Rust
    bool caseInsensitive = false;                // SQL
    bool capitalizedAreTypes = true;             // Foo is a type in most C-like languages and Python
    bool keysBeforeColon = false;                // JSON / YAML: "key": and key: are coloured as names
    std::set<std::string, std::less<>> keywords, types;
};

using Words = std::set<std::string, std::less<>>;

const Words kCTypes = {"void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "bool",
                       "size_t", "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
                       "uint64_t", "auto", "wchar_t"};

std::map<std::string, Rules, std::less<>> buildRules() {
    std::map<std::string, Rules, std::less<>> r;
    Rules c;
    c.lineComments = {"//"};
    c.blockOpen = "/*";
    c.blockClose = "*/";
    c.keywords = {"if", "else", "for", "while", "do", "switch", "case", "default", "break", "continue", "return",
                  "goto", "struct", "union", "enum", "typedef", "const", "static", "extern", "inline", "sizeof",
                  "volatile", "register", "NULL", "true", "false", "#include", "#define", "#if", "#ifdef",
                  "#ifndef", "#endif", "#else", "#pragma"};
    c.types = kCTypes;
    r["c"] = c;

    Rules cpp = c;
    cpp.keywords.insert({"class", "public", "private", "protected", "virtual", "override", "final", "template",
                         "typename", "namespace", "using", "new", "delete", "this", "nullptr", "constexpr",
                         "consteval", "noexcept", "operator", "try", "catch", "throw", "explicit", "friend",
                         "mutable", "static_cast", "dynamic_cast", "reinterpret_cast", "const_cast", "co_await",
                         "co_return", "co_yield", "concept", "requires", "decltype"});
    cpp.types.insert({"string", "vector", "map", "std"});
    r["cpp"] = cpp;

    Rules java = c;
    java.keywords = {"abstract", "assert", "break", "case", "catch", "class", "const", "continue", "default", "do",
                     "else", "enum", "extends", "final", "finally", "for", "if", "implements", "import",
                     "instanceof", "interface", "native", "new", "package", "private", "protected", "public",
                     "return", "static", "super", "switch", "synchronized", "this", "throw", "throws", "try",
                     "while", "var", "record", "null", "true", "false"};
    java.types = {"void", "int", "long", "short", "byte", "char", "float", "double", "boolean", "String"};
    r["java"] = java;

    Rules cs = java;
    cs.keywords.insert({"namespace", "using", "async", "await", "readonly", "override", "virtual", "sealed",
                        "internal", "out", "ref", "in", "is", "as", "get", "set", "yield", "struct", "foreach"});
    cs.types.insert({"string", "bool", "decimal", "object", "uint", "ulong"});
    r["csharp"] = cs;

    Rules kotlin = java;
    kotlin.keywords.insert({"fun", "val", "var", "when", "object", "companion", "data", "sealed", "open", "override",
                            "is", "as", "in", "suspend", "lateinit", "init"});
    kotlin.types.insert({"Int", "Long", "Double", "Boolean", "Unit", "Any"});
    r["kotlin"] = kotlin;

    Rules swift = c;
    swift.keywords = {"func", "let", "var", "if", "else", "guard", "for", "in", "while", "repeat", "return",
                      "struct", "class", "enum", "protocol", "extension", "import", "switch", "case", "default",
                      "break", "continue", "nil", "true", "false", "self", "init", "throws", "throw", "try",
                      "catch", "async", "await", "public", "private", "static", "where", "some"};
    swift.types = {"Int", "Double", "Float", "String", "Bool", "Array", "Dictionary", "Void"};
    r["swift"] = swift;

    Rules js = c;
    js.backtickStrings = true;
    js.keywords = {"var", "let", "const", "function", "return", "if", "else", "for", "while", "do", "switch",
                   "case", "default", "break", "continue", "new", "delete", "typeof", "instanceof", "in", "of",
                   "class", "extends", "super", "this", "import", "export", "from", "as", "async", "await",
                   "yield", "try", "catch", "finally", "throw", "null", "undefined", "true", "false", "void",
                   "static", "get", "set"};
    js.types = {};
    r["javascript"] = js;
    Rules ts = js;
    ts.keywords.insert({"interface", "type", "enum", "implements", "private", "public", "protected", "readonly",
                        "declare", "namespace", "abstract", "keyof", "is"});
    ts.types = {"string", "number", "boolean", "any", "unknown", "never", "void", "object"};
    r["typescript"] = ts;

    Rules go = c;
    go.backtickStrings = true;
    go.keywords = {"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
                   "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return",
                   "select", "struct", "switch", "type", "var", "nil", "true", "false", "iota"};
    go.types = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32",
                "float64", "string", "bool", "byte", "rune", "error", "any"};
    r["go"] = go;

    Rules rust = c;
    rust.shortCharLiterals = true;
    rust.keywords = {"as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
                     "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
                     "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
                     "where", "while", "async", "await", "dyn"};
    rust.types = {"i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
                  "f64", "bool", "char", "str", "String", "Vec", "Option", "Result", "Box"};
    r["rust"] = rust;

    Rules py;
    py.lineComments = {"#"};
    py.tripleQuotes = true;
    py.keywords = {"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
                   "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
                   "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
                   "with", "yield", "match", "case", "self"};
    py.types = {"int", "float", "str", "bool", "list", "dict", "set", "tuple", "bytes", "object"};
    r["python"] = py;

    Rules ruby = py;
    ruby.tripleQuotes = false;
    ruby.keywords = {"def", "end", "if", "elsif", "else", "unless", "while", "until", "for", "in", "do", "return",
                     "class", "module", "self", "nil", "true", "false", "and", "or", "not", "yield", "begin",
                     "rescue", "ensure", "require", "puts", "then", "case", "when", "attr_accessor", "lambda"};
    ruby.types = {};
    r["ruby"] = ruby;

    Rules sh;
    sh.lineComments = {"#"};
    sh.hashCommentNeedsSpace = true;
    sh.capitalizedAreTypes = false;
    sh.keywords = {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in",
                   "function", "return", "exit", "export", "local", "readonly", "set", "unset", "echo", "cd",
                   "source", "shift", "true", "false"};
    r["bash"] = sh;

    Rules sql;
    sql.lineComments = {"--"};
    sql.blockOpen = "/*";
    sql.blockClose = "*/";
    sql.caseInsensitive = true;
    sql.capitalizedAreTypes = false;
    sql.keywords = {"select", "from", "where", "and", "or", "not", "insert", "into", "values", "update", "set",
                    "delete", "create", "table", "index", "view", "drop", "alter", "add", "join", "left", "right",
                    "inner", "outer", "on", "as", "group", "by", "order", "having", "limit", "offset", "union",
                    "all", "distinct", "case", "when", "then", "else", "end", "null", "is", "in", "like",
                    "between", "exists", "primary", "key", "foreign", "references", "default", "begin",
                    "commit", "rollback", "with", "desc", "asc", "count", "sum", "avg", "min", "max"};
    sql.types = {"integer", "int", "text", "varchar", "char", "real", "float", "double", "boolean", "date",
                 "timestamp", "blob", "numeric", "bigint"};
    r["sql"] = sql;

    Rules json;
    json.capitalizedAreTypes = false;
    json.singleQuoteStrings = false;
    json.keysBeforeColon = true;
    json.keywords = {"true", "false", "null"};
    r["json"] = json;

    Rules yaml = json;
    yaml.lineComments = {"#"};
    yaml.hashCommentNeedsSpace = true;
    yaml.singleQuoteStrings = true;
    yaml.keywords = {"true", "false", "null", "yes", "no", "on", "off"};
    r["yaml"] = yaml;

    Rules lua;
    lua.lineComments = {"--"};
    lua.blockOpen = "--[[";
    lua.blockClose = "]]";
    lua.capitalizedAreTypes = false;
    lua.keywords = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
                    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"};
    r["lua"] = lua;
    return r;
}

const std::map<std::string, Rules, std::less<>>& allRules() {
    static const auto rules = buildRules();
    return rules;
}

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The lexer over one block of code.
class Lexer {
public:
    Lexer(std::string_view code, const Rules& rules) : s_(code), r_(rules) {}

    std::vector<CodeSpan> run() {
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i_;
            } else if (blockComment() || lineComment() || string() || number()) {
            } else if (isIdentStart(c) || (c == '#' && isIdentStart(peek(1)) && !r_.keywords.empty())) {
                word();
            } else {
                ++i_;
            }
        }
        return std::move(spans_);
    }

private:
    std::string_view s_;
    const Rules& r_;
    size_t i_ = 0;
    std::vector<CodeSpan> spans_;

    char peek(size_t ahead) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
    bool at(std::string_view token) const { return !token.empty() && s_.substr(i_, token.size()) == token; }
    void emit(size_t start, size_t end, CodeToken token) {
        if (end > start) spans_.push_back({start, end - start, token});
    }
    size_t lineEnd(size_t from) const {
        const size_t nl = s_.find('\n', from);
        return nl == std::string_view::npos ? s_.size() : nl;
    }

    bool blockComment() {
        if (!at(r_.blockOpen)) return false;
        const size_t close = s_.find(r_.blockClose, i_ + r_.blockOpen.size());
        const size_t end = close == std::string_view::npos ? s_.size() : close + r_.blockClose.size();
        emit(i_, end, CodeToken::Comment);
        i_ = end;
        return true;
    }

    bool lineComment() {
        for (std::string_view open : r_.lineComments) {
            if (!at(open)) continue;
            if (open == "#" && r_.hashCommentNeedsSpace && i_ > 0 && !std::isspace(static_cast<unsigned char>(s_[i_ - 1])))
                continue;
            const size_t end = lineEnd(i_);
            emit(i_, end, CodeToken::Comment);
            i_ = end;
            return true;
        }
        return false;
    }

    bool string() {
        const char q = s_[i_];
        const bool quote = q == '"' || (q == '\'' && r_.singleQuoteStrings) || (q == '`' && r_.backtickStrings);
        if (!quote) return false;
        if (q == '\'' && r_.shortCharLiterals) {
            // Rust: 'a' or '\n' is a character; 'a alone is a lifetime.
            const size_t close = s_.find('\'', i_ + 1);
            const bool escaped = peek(1) == '\\', wide = static_cast<unsigned char>(peek(1)) >= 0x80;
            const bool character = close != std::string_view::npos &&
                                   (close == i_ + 2 || (escaped && close - i_ <= 11) || (wide && close - i_ <= 5));
            if (!character) {
                ++i_;
                return true;
            }
        }
        const size_t start = i_;
        if (r_.tripleQuotes && (at("\"\"\"") || at("'''"))) {
            const std::string_view fence = s_.substr(i_, 3);
            const size_t close = s_.find(fence, i_ + 3);
            i_ = close == std::string_view::npos ? s_.size() : close + 3;
            emit(start, i_, CodeToken::String);
            return true;
        }
        ++i_;
        const bool multiline = q == '`';
        while (i_ < s_.size() && s_[i_] != q) {
            if (s_[i_] == '\\') ++i_;
            else if (s_[i_] == '\n' && !multiline) break;  // unterminated: stop at the line's end
            ++i_;
        }
        if (i_ < s_.size() && s_[i_] == q) ++i_;
        i_ = std::min(i_, s_.size());
        emit(start, i_, keyFollows(i_) ? CodeToken::Type : CodeToken::String);
        return true;
    }

    // JSON / YAML: is the text at `from` a ':' (after blanks)? Then what came before is a key.
    bool keyFollows(size_t from) const {
        if (!r_.keysBeforeColon) return false;
        while (from < s_.size() && (s_[from] == ' ' || s_[from] == '\t')) ++from;
        return from < s_.size() && s_[from] == ':';
    }

    bool number() {
        const char c = s_[i_];
        const bool digit = std::isdigit(static_cast<unsigned char>(c)) ||
                           (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))));
        if (!digit || (i_ > 0 && isIdentChar(s_[i_ - 1]))) return false;
        const size_t start = i_;
        while (i_ < s_.size() && (isIdentChar(s_[i_]) || (s_[i_] == '.' && peek(1) != '.'))) ++i_;
        emit(start, i_, CodeToken::Number);
        return true;
    }

    void word() {
        const size_t start = i_;
        ++i_;
        while (i_ < s_.size() && isIdentChar(s_[i_])) ++i_;
        const std::string_view w = s_.substr(start, i_ - start);
        const bool keyword = r_.caseInsensitive ? r_.keywords.count(lower(w)) > 0 : r_.keywords.count(w) > 0;
        const bool type = r_.caseInsensitive ? r_.types.count(lower(w)) > 0 : r_.types.count(w) > 0;
        if (keyword) return emit(start, i_, CodeToken::Keyword);
        if (keyFollows(i_) && (start == 0 || s_[start - 1] == '\n' || s_[start - 1] == ' ' || s_[start - 1] == '-'))
            return emit(start, i_, CodeToken::Type);
        if (type) return emit(start, i_, CodeToken::Type);
        const bool capitalized = std::isupper(static_cast<unsigned char>(w[0])) &&
                                 std::any_of(w.begin(), w.end(), [](char ch) { return std::islower(static_cast<unsigned char>(ch)); });
        if (r_.capitalizedAreTypes && capitalized) return emit(start, i_, CodeToken::Type);
        size_t j = i_;
        while (j < s_.size() && s_[j] == ' ') ++j;
        if (j < s_.size() && s_[j] == '(' && !r_.keysBeforeColon) emit(start, i_, CodeToken::Function);
    }
};

} // namespace

std::string canonicalLanguage(std::string_view info) {
    // The first word of the info string, lower case ("Python {.numberLines}" -> "python").
    const size_t end = info.find_first_of(" \t{,");
    const std::string lang = lower(info.substr(0, end));
    static const std::map<std::string, std::string, std::less<>> aliases = {
        {"py", "python"}, {"python3", "python"}, {"c++", "cpp"}, {"cc", "cpp"}, {"cxx", "cpp"}, {"hpp", "cpp"},
        {"h", "c"}, {"js", "javascript"}, {"jsx", "javascript"}, {"mjs", "javascript"}, {"node", "javascript"},
        {"ts", "typescript"}, {"tsx", "typescript"}, {"cs", "csharp"}, {"c#", "csharp"}, {"golang", "go"},
        {"rs", "rust"}, {"kt", "kotlin"}, {"sh", "bash"}, {"shell", "bash"}, {"zsh", "bash"}, {"console", "bash"},
        {"yml", "yaml"}, {"rb", "ruby"}, {"jsonc", "json"}, {"postgresql", "sql"}, {"sqlite", "sql"},
        {"mysql", "sql"}};
    if (const auto it = aliases.find(lang); it != aliases.end()) return it->second;
    return allRules().count(lang) ? lang : std::string();
}

std::vector<CodeSpan> highlightCode(std::string_view code, std::string_view language) {
    const auto it = allRules().find(canonicalLanguage(language));
    if (it == allRules().end()) return {};
    return Lexer(code, it->second).run();
}

} // namespace ponder::app
