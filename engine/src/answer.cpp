#include "ponder/answer.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace ponder {

namespace {

constexpr std::string_view kOpen = "<think>", kClose = "</think>";

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A number at s[i] ("-12", "1,234.5", ".5" not included); returns its length or 0.
size_t number_at(std::string_view s, size_t i) {
    size_t j = i;
    if (j < s.size() && s[j] == '-') ++j;
    if (j >= s.size() || !is_digit(s[j])) return 0;
    while (j < s.size()) {
        if (is_digit(s[j])) {
            ++j;
        } else if (s[j] == ',' && j + 3 < s.size() + 0 && is_digit(s[j + 1]) && is_digit(s[j + 2]) &&
                   is_digit(s[j + 3]) && (j + 4 >= s.size() || !is_digit(s[j + 4]))) {
            j += 4;  // a thousands group
        } else if (s[j] == '.' && j + 1 < s.size() && is_digit(s[j + 1])) {
            ++j;
            while (j < s.size() && is_digit(s[j])) ++j;
            break;
        } else {
            break;
        }
    }
    return j - i;
}

// "1,234.50" -> 1234.5 if the whole (trimmed) string is one number.
std::optional<double> as_number(std::string_view s) {
    s = trim(s);
    if (s.empty() || number_at(s, 0) != s.size()) return std::nullopt;
    std::string plain;
    for (char c : s)
        if (c != ',') plain += c;
    return std::strtod(plain.c_str(), nullptr);
}

std::string normalize_text(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '$' && s.back() == '$') s = trim(s.substr(1, s.size() - 2));
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 5, "\\left") == 0 && i + 5 < s.size() && !std::isalpha(static_cast<unsigned char>(s[i + 5]))) {
            i += 4;
            continue;
        }
        if (s.compare(i, 6, "\\right") == 0 && i + 6 < s.size() && !std::isalpha(static_cast<unsigned char>(s[i + 6]))) {
            i += 5;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(s[i]))) continue;  // "( 3, 4 )" == "(3,4)"
        out += s[i];
    }
    return std::string(trim(out));
}

} // namespace

std::optional<std::string> final_answer_text(std::string_view completion, bool prompt_opens_think) {
    size_t close = completion.rfind(kClose);
    if (close != std::string_view::npos) return std::string(completion.substr(close + kClose.size()));
    bool opened = prompt_opens_think || completion.find(kOpen) != std::string_view::npos;
    if (opened) return std::nullopt;
    return std::string(completion);
}

ExtractedAnswer extract_answer(std::string_view text) {
    constexpr std::string_view kBoxed = "\\boxed{";
    ExtractedAnswer last_boxed;
    bool have_boxed = false;
    for (size_t at = text.find(kBoxed); at != std::string_view::npos; at = text.find(kBoxed, at + 1)) {
        size_t i = at + kBoxed.size();
        int depth = 1;
        for (; i < text.size() && depth; ++i) {
            if (text[i] == '{') ++depth;
            if (text[i] == '}') --depth;
        }
        if (depth) continue;  // unterminated: not an answer
        size_t start = at + kBoxed.size();
        last_boxed = {std::string(trim(text.substr(start, i - 1 - start))), true};
        have_boxed = true;
    }
    if (have_boxed) return last_boxed;
    std::string_view last_number;
    for (size_t i = 0; i < text.size();) {
        bool boundary = i == 0 || !(is_digit(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == ',');
        size_t n = boundary ? number_at(text, i) : 0;
        if (n) {
            last_number = text.substr(i, n);
            i += n;
        } else {
            ++i;
        }
    }
    if (!last_number.empty()) return {std::string(last_number), false};
    return {std::string(trim(text)), false};
}

bool answer_matches(std::string_view extracted, std::string_view expected) {
    auto a = as_number(normalize_text(extracted)), b = as_number(normalize_text(expected));
    if (a && b) return *a == *b || std::fabs(*a - *b) <= 1e-9 * std::max(std::fabs(*a), std::fabs(*b));
    if (trim(extracted).empty()) return false;
    return normalize_text(extracted) == normalize_text(expected);
}

Grade grade_answer(std::string_view answer_text, std::string_view expected) {
    ExtractedAnswer ex = extract_answer(answer_text);
    if (!as_number(normalize_text(expected)) && !ex.boxed) ex.value = std::string(trim(answer_text));
    Grade g;
    g.correct = answer_matches(ex.value, expected);
    g.extracted = std::move(ex.value);
    return g;
}

double pass_at_k(int n, int c, int k) {
    if (n <= 0 || k <= 0 || k > n) return 0.0;
    if (n - c < k) return 1.0;
    // 1 - prod_{i=n-c+1}^{n} (1 - k / i), numerically stable
    double fail = 1.0;
    for (int i = n - c + 1; i <= n; ++i) fail *= 1.0 - static_cast<double>(k) / i;
    return 1.0 - fail;
}

} // namespace ponder
