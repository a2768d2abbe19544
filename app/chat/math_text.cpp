#include "chat/math_text.h"

#include <cctype>
#include <map>
#include <regex>

namespace ponder::app {

namespace {

const std::map<std::string, std::string, std::less<>>& symbols() {
    static const std::map<std::string, std::string, std::less<>> table = {
        // operators and relations
        {"times", "×"}, {"cdot", "·"}, {"div", "÷"}, {"pm", "±"}, {"mp", "∓"}, {"ast", "∗"},
        {"le", "≤"}, {"leq", "≤"}, {"ge", "≥"}, {"geq", "≥"}, {"ne", "≠"}, {"neq", "≠"},
        {"approx", "≈"}, {"equiv", "≡"}, {"sim", "∼"}, {"simeq", "≃"}, {"cong", "≅"}, {"propto", "∝"},
        {"ll", "≪"}, {"gg", "≫"}, {"lt", "<"}, {"gt", ">"},
        {"infty", "∞"}, {"partial", "∂"}, {"nabla", "∇"}, {"sum", "∑"}, {"prod", "∏"}, {"int", "∫"},
        {"oint", "∮"}, {"circ", "∘"}, {"bullet", "•"}, {"degree", "°"}, {"angle", "∠"},
        {"triangle", "△"}, {"perp", "⊥"}, {"parallel", "∥"}, {"mid", "∣"},
        {"in", "∈"}, {"notin", "∉"}, {"ni", "∋"}, {"subset", "⊂"}, {"subseteq", "⊆"}, {"supset", "⊃"},
        {"supseteq", "⊇"}, {"cup", "∪"}, {"cap", "∩"}, {"emptyset", "∅"}, {"varnothing", "∅"},
        {"setminus", "∖"}, {"forall", "∀"}, {"exists", "∃"}, {"neg", "¬"}, {"lnot", "¬"},
        {"land", "∧"}, {"wedge", "∧"}, {"lor", "∨"}, {"vee", "∨"}, {"oplus", "⊕"}, {"otimes", "⊗"},
        {"to", "→"}, {"rightarrow", "→"}, {"leftarrow", "←"}, {"gets", "←"}, {"Rightarrow", "⇒"},
        {"Leftarrow", "⇐"}, {"leftrightarrow", "↔"}, {"Leftrightarrow", "⇔"}, {"implies", "⟹"},
        {"iff", "⟺"}, {"mapsto", "↦"}, {"uparrow", "↑"}, {"downarrow", "↓"},
        {"ldots", "…"}, {"dots", "…"}, {"cdots", "⋯"}, {"vdots", "⋮"}, {"ddots", "⋱"},
        {"therefore", "∴"}, {"because", "∵"}, {"prime", "′"}, {"hbar", "ℏ"}, {"ell", "ℓ"},
        {"langle", "⟨"}, {"rangle", "⟩"}, {"lfloor", "⌊"}, {"rfloor", "⌋"}, {"lceil", "⌈"},
        {"rceil", "⌉"}, {"vert", "|"}, {"Vert", "‖"}, {"lvert", "|"}, {"rvert", "|"},
        {"log", "log"}, {"ln", "ln"}, {"exp", "exp"}, {"sin", "sin"}, {"cos", "cos"}, {"tan", "tan"},
        {"lim", "lim"}, {"max", "max"}, {"min", "min"}, {"gcd", "gcd"}, {"det", "det"}, {"mod", "mod"},
        {"bmod", "mod"}, {"pmod", "mod"},
        // Greek
        {"alpha", "α"}, {"beta", "β"}, {"gamma", "γ"}, {"delta", "δ"}, {"epsilon", "ε"},
        {"varepsilon", "ε"}, {"zeta", "ζ"}, {"eta", "η"}, {"theta", "θ"}, {"vartheta", "ϑ"},
        {"iota", "ι"}, {"kappa", "κ"}, {"lambda", "λ"}, {"mu", "μ"}, {"nu", "ν"}, {"xi", "ξ"},
        {"pi", "π"}, {"rho", "ρ"}, {"sigma", "σ"}, {"tau", "τ"}, {"upsilon", "υ"}, {"phi", "φ"},
        {"varphi", "φ"}, {"chi", "χ"}, {"psi", "ψ"}, {"omega", "ω"}, {"Gamma", "Γ"}, {"Delta", "Δ"},
        {"Theta", "Θ"}, {"Lambda", "Λ"}, {"Xi", "Ξ"}, {"Pi", "Π"}, {"Sigma", "Σ"}, {"Phi", "Φ"},
        {"Psi", "Ψ"}, {"Omega", "Ω"},
    };
    return table;
}

const std::map<char, std::string>& superscripts() {
    static const std::map<char, std::string> t = {
        {'0', "⁰"}, {'1', "¹"}, {'2', "²"}, {'3', "³"}, {'4', "⁴"}, {'5', "⁵"}, {'6', "⁶"}, {'7', "⁷"},
        {'8', "⁸"}, {'9', "⁹"}, {'+', "⁺"}, {'-', "⁻"}, {'=', "⁼"}, {'(', "⁽"}, {')', "⁾"}, {'n', "ⁿ"},
        {'i', "ⁱ"}, {'x', "ˣ"}, {'k', "ᵏ"}, {'m', "ᵐ"}, {'a', "ᵃ"}, {'b', "ᵇ"}, {'T', "ᵀ"}};
    return t;
}

const std::map<char, std::string>& subscripts() {
    static const std::map<char, std::string> t = {
        {'0', "₀"}, {'1', "₁"}, {'2', "₂"}, {'3', "₃"}, {'4', "₄"}, {'5', "₅"}, {'6', "₆"}, {'7', "₇"},
        {'8', "₈"}, {'9', "₉"}, {'+', "₊"}, {'-', "₋"}, {'=', "₌"}, {'(', "₍"}, {')', "₎"}, {'a', "ₐ"},
        {'e', "ₑ"}, {'o', "ₒ"}, {'x', "ₓ"}, {'i', "ᵢ"}, {'j', "ⱼ"}, {'n', "ₙ"}, {'m', "ₘ"}, {'k', "ₖ"}};
    return t;
}

// Recursive-descent conversion of one LaTeX math string.
class LatexConverter {
public:
    explicit LatexConverter(std::string_view s, MathOutput output = MathOutput::Unicode)
        : s_(s), typeset_(output == MathOutput::Typeset) {}
    std::string run() { return sequence(false); }

private:
    std::string_view s_;
    bool typeset_;
    size_t i_ = 0;

    static std::string wrap(std::string_view open, const std::string& x, std::string_view close) {
        return std::string(open) + x + std::string(close);
    }

    bool at_end() const { return i_ >= s_.size(); }

    // Up to the closing '}' of the current group (consumed) or the end.
    std::string sequence(bool in_group) {
        std::string out;
        while (!at_end()) {
            char c = s_[i_];
            if (c == '}') {
                ++i_;
                if (in_group) return out;
                continue;  // stray brace
            }
            out += atom();
        }
        return out;
    }

    // One "argument": a {group}, a \command, or one character (a whole UTF-8 sequence).
    std::string argument() {
        while (!at_end() && s_[i_] == ' ') ++i_;
        if (at_end()) return {};
        if (s_[i_] == '{') {
            ++i_;
            return sequence(true);
        }
        return atom();
    }

    std::string atom() {
        char c = s_[i_];
        if (c == '{') {
            ++i_;
            return sequence(true);
        }
        if (c == '\\') return command();
        if (c == '^' || c == '_') {
            ++i_;
            std::string arg = argument();
            return script(arg, c == '^');
        }
        if (c == '~') {
            ++i_;
            return " ";
        }
        size_t len = 1;
        unsigned char u = static_cast<unsigned char>(c);
        if (u >= 0xF0) len = 4;
        else if (u >= 0xE0) len = 3;
        else if (u >= 0xC0) len = 2;
        std::string out(s_.substr(i_, len));
        i_ += len;
        return out;
    }

    std::string script(const std::string& arg, bool super) const {
        if (super && (arg == "\\circ" || arg == "∘" || arg == "°")) return "°";
        const auto& table = super ? superscripts() : subscripts();
        std::string out;
        for (char ch : arg) {
            auto it = table.find(ch);
            if (it == table.end()) {
                // Not all characters have a Unicode script form: typeset it as a raised or
                // lowered run, or in plain text write it out.
                if (typeset_) return super ? wrap(kSupOpen, arg, kSupClose) : wrap(kSubOpen, arg, kSubClose);
                bool simple = arg.size() == 1;
                return std::string(super ? "^" : "_") + (simple ? arg : "(" + arg + ")");
            }
            out += it->second;
        }
        return out;  // Unicode forms (x², a₁) also when typesetting: they survive copy and paste
    }

    static bool needs_parens(const std::string& s) {
        if (s.size() <= 1) return false;
        for (char ch : s)
            if (ch == ' ' || ch == '+' || ch == '-' || ch == '/' || ch == '*') return true;
        return false;
    }

    std::string command() {
        ++i_;  // backslash
        if (at_end()) return "\\";
        char c = s_[i_];
        if (!std::isalpha(static_cast<unsigned char>(c))) {
            ++i_;
            switch (c) {
            case ',': case ':': case ';': case ' ': return " ";
            case '!': return "";
            case '\\': return "\n";
            default: return std::string(1, c);  // \{ \} \% \$ \& \_ \#
            }
        }
        size_t start = i_;
        while (!at_end() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
        std::string_view name = s_.substr(start, i_ - start);

        if (name == "frac" || name == "dfrac" || name == "tfrac" || name == "cfrac") {
            std::string a = argument(), b = argument();
            // Typeset: numerator raised, denominator lowered around a fraction slash (¹⁄₂), as
            // typographers set inline fractions; a long one stays on the line, in parentheses.
            if (typeset_ && a.size() + b.size() <= 32)
                return wrap(kSupOpen, a, kSupClose) + "⁄" + wrap(kSubOpen, b, kSubClose);
            return (needs_parens(a) ? "(" + a + ")" : a) + "/" + (needs_parens(b) ? "(" + b + ")" : b);
        }
        if (name == "binom" || name == "dbinom") {
            std::string a = argument(), b = argument();
            return "C(" + a + ", " + b + ")";
        }
        if (name == "sqrt") {
            std::string index;
            if (!at_end() && s_[i_] == '[') {
                size_t close = s_.find(']', i_);
                if (close != std::string_view::npos) {
                    index = std::string(s_.substr(i_ + 1, close - i_ - 1));
                    i_ = close + 1;
                }
            }
            std::string x = argument();
            std::string root = index.empty() ? "√" : index == "3" ? "∛" : index == "4" ? "∜" : script(index, true) + "√";
            if (typeset_) return root + wrap(kBarOpen, x, kBarClose);  // the vinculum over the radicand
            return root + (x.size() > 1 && needs_parens(x) ? "(" + x + ")" : x);
        }
        if (name == "boxed" || name == "fbox") {
            std::string x = argument();
            return typeset_ ? wrap(kBoldOpen, x, kBoldClose) : std::string(kBoxedOpen) + x + std::string(kBoxedClose);
        }
        if (typeset_ && (name == "overline" || name == "bar")) return wrap(kBarOpen, argument(), kBarClose);
        if (name == "text" || name == "textbf" || name == "textit" || name == "mathrm" || name == "mathbf" ||
            name == "mathit" || name == "mathsf" || name == "mathtt" || name == "operatorname" || name == "emph" ||
            name == "textrm" || name == "mbox" || name == "hat" || name == "bar" || name == "vec" || name == "tilde" ||
            name == "overline" || name == "underline" || name == "displaystyle")
            return name == "displaystyle" ? "" : argument();
        if (name == "mathbb") {
            std::string x = argument();
            static const std::map<std::string, std::string> bb = {
                {"R", "ℝ"}, {"N", "ℕ"}, {"Z", "ℤ"}, {"Q", "ℚ"}, {"C", "ℂ"}, {"P", "ℙ"}};
            auto it = bb.find(x);
            return it == bb.end() ? x : it->second;
        }
        if (name == "left" || name == "right" || name == "big" || name == "Big" || name == "bigg" || name == "Bigg" ||
            name == "bigl" || name == "bigr" || name == "Bigl" || name == "Bigr") {
            if (!at_end() && s_[i_] == '.') ++i_;  // \left. is an invisible delimiter
            return "";
        }
        if (name == "quad") return "  ";
        if (name == "qquad") return "    ";
        if (name == "begin" || name == "end") {
            argument();  // environment name: its content is converted as it comes
            return "";
        }
        auto it = symbols().find(name);
        if (it != symbols().end()) return it->second;
        return std::string(name);
    }
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index of the closing delimiter for math that starts at `from`, or npos.
size_t find_close(std::string_view s, size_t from, std::string_view close) {
    for (size_t j = from; j + close.size() <= s.size(); ++j) {
        if (s[j] == '\\' && close[0] != '\\') {
            ++j;  // an escaped character (e.g. \$) does not close
            continue;
        }
        if (s.compare(j, close.size(), close) == 0) return j;
    }
    return std::string_view::npos;
}

// \boxed{...} with balanced braces starting at `at`; returns the end index or npos.
size_t boxed_end(std::string_view s, size_t at) {
    size_t j = at + 7;  // "\boxed{"
    int depth = 1;
    for (; j < s.size() && depth; ++j) {
        if (s[j] == '{') ++depth;
        if (s[j] == '}') --depth;
    }
    return depth ? std::string_view::npos : j;
}

// Typeset math goes back into Markdown: every ASCII punctuation character is escaped (CommonMark
// allows it for all of them) so that "-x" or "1." on a line of its own, "|" in a table or "*"
// keep their meaning as math.
std::string escape_markdown(const std::string& math) {
    std::string out;
    out.reserve(math.size() + 8);
    for (char c : math) {
        if (std::ispunct(static_cast<unsigned char>(c))) out += '\\';
        out += c;
    }
    return out;
}

// Converts math in a stretch of prose (no code in it).
std::string render_prose(std::string_view s, MathOutput output) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        auto try_math = [&](std::string_view open, std::string_view close, bool display) {
            if (s.compare(i, open.size(), open) != 0) return false;
            size_t end = find_close(s, i + open.size(), close);
            if (end == std::string_view::npos) return false;
            std::string_view body = s.substr(i + open.size(), end - i - open.size());
            if (open == "$") {
                // "$5 and $10" is money, not math: math hugs its delimiters and is not followed
                // by a digit.
                if (body.empty() || is_space(body.front()) || is_space(body.back())) return false;
                if (end + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[end + 1]))) return false;
            }
            std::string converted = LatexConverter(body, output).run();
            if (output == MathOutput::Typeset) converted = escape_markdown(converted);
            if (display) {
                // Display math is its own paragraph: a blank line before and after.
                while (!out.empty() && (out.size() < 2 || out.compare(out.size() - 2, 2, "\n\n") != 0)) out += '\n';
                out += converted + "\n\n";
            } else {
                out += converted;
            }
            i = end + close.size();
            return true;
        };
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '$') {
            out += "\\$";  // Markdown's own escape; the view shows "$"
            i += 2;
            continue;
        }
        if (try_math("$$", "$$", true) || try_math("\\[", "\\]", true) || try_math("\\(", "\\)", false) ||
            try_math("$", "$", false))
            continue;
        if (s.compare(i, 7, "\\boxed{") == 0) {
            size_t end = boxed_end(s, i);
            if (end != std::string_view::npos) {
                std::string converted = LatexConverter(s.substr(i, end - i), output).run();
                out += output == MathOutput::Typeset ? escape_markdown(converted) : converted;
                i = end;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

// Length of a fence ("```" or "~~~"+) at the start of `line` after up to 3 spaces, else 0.
size_t fence_length(std::string_view line, char& fence_char) {
    size_t i = 0;
    while (i < line.size() && i < 3 && line[i] == ' ') ++i;
    if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return 0;
    char c = line[i];
    size_t n = 0;
    while (i + n < line.size() && line[i + n] == c) ++n;
    if (n < 3) return 0;
    fence_char = c;
    return n;
}

std::string trim_copy(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

// The text without the typesetting markers (U+E000..U+E007, UTF-8 EE 80 80..87).
std::string strip_markers(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEE && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            static_cast<unsigned char>(s[i + 2]) <= 0x87) {
            i += 2;
            continue;
        }
        out += s[i];
    }
    return out;
}

} // namespace

std::string latex_to_unicode(std::string_view latex) { return LatexConverter(latex).run(); }

std::string render_math_in_markdown(std::string_view md_in, MathOutput output) {
    const std::string clean = output == MathOutput::Typeset ? strip_markers(md_in) : std::string();
    const std::string_view md = output == MathOutput::Typeset ? std::string_view(clean) : md_in;
    std::string out;
    for (const AnswerBlock& b : split_answer_blocks(md)) {
        if (b.kind == AnswerBlock::Code) {
            out += "```" + b.language + "\n" + b.text + "```\n";
            continue;
        }
        // Inline code spans stay verbatim.
        std::string_view s = b.text;
        size_t i = 0;
        while (i < s.size()) {
            size_t tick = s.find('`', i);
            out += render_prose(s.substr(i, tick == std::string_view::npos ? std::string_view::npos : tick - i), output);
            if (tick == std::string_view::npos) break;
            size_t run = 0;
            while (tick + run < s.size() && s[tick + run] == '`') ++run;
            size_t close = s.find(std::string(run, '`'), tick + run);
            if (close == std::string_view::npos) {
                out += s.substr(tick);
                break;
            }
            out += s.substr(tick, close + run - tick);
            i = close + run;
        }
    }
    return out;
}

std::vector<AnswerBlock> split_answer_blocks(std::string_view md) {
    std::vector<AnswerBlock> blocks;
    AnswerBlock cur;
    size_t open_len = 0;
    char open_char = 0;
    auto flush = [&] {
        if (cur.kind == AnswerBlock::Code || !trim_copy(cur.text).empty()) blocks.push_back(cur);
        cur = AnswerBlock{};
    };
    size_t pos = 0;
    while (pos < md.size()) {
        size_t nl = md.find('\n', pos);
        std::string_view line = md.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos + 1);
        pos = nl == std::string_view::npos ? md.size() : nl + 1;
        std::string_view bare = line;
        while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
        char fc = 0;
        size_t flen = fence_length(bare, fc);
        if (open_len == 0 && flen) {
            flush();
            cur.kind = AnswerBlock::Code;
            cur.language = trim_copy(bare.substr(bare.find(fc) + flen));
            open_len = flen;
            open_char = fc;
            continue;
        }
        if (open_len && flen >= open_len && fc == open_char && trim_copy(bare).size() == flen) {
            flush();
            open_len = 0;
            continue;
        }
        cur.text += line;
    }
    flush();
    return blocks;
}

std::string plain_preview(std::string_view markdown) {
    std::string text = render_math_in_markdown(markdown);
    // Inline reasoning (a server without a reasoning parser): the preview is the answer after it.
    if (const size_t close = text.rfind("</think>"); close != std::string::npos) text.erase(0, close + 8);
    else if (const size_t open = text.find("<think>"); open != std::string::npos) text.erase(open);
    static const std::regex fence("(^|\\n)\\s*(```|~~~)[^\\n]*"), link("!?\\[([^\\]]*)\\]\\([^)]*\\)"),
        lineStart("(^|\\n)[ \\t]*(#{1,6}[ \\t]+|>[ \\t]?|[-*+][ \\t]+|\\d+[.)][ \\t]+)"),
        rule("\\|?[ \\t]*:?-{3,}:?[ \\t]*(\\|[ \\t]*:?-{3,}:?[ \\t]*)*\\|?"), marks("\\*\\*|__|~~|`+"),
        emphasis("(^|[\\s(])[*_]([^*_\\s][^*_]*)[*_](?=[\\s.,;:!?)]|$)"), pipes("(?:\\s*\\|)+\\s*"), blanks("\\s+");
    text = std::regex_replace(text, fence, "$1");
    text = std::regex_replace(text, link, "$1");
    text = std::regex_replace(text, lineStart, "$1");
    text = std::regex_replace(text, rule, " ");
    text = std::regex_replace(text, marks, "");
    text = std::regex_replace(text, emphasis, "$1$2");
    text = std::regex_replace(text, pipes, " · ");
    text = std::regex_replace(text, blanks, " ");
    static const std::regex ends("^(?: |·)+|(?: |·)+$");
    return std::regex_replace(text, ends, "");
}

} // namespace ponder::app
