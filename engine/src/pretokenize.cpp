#include "pretokenize.h"

#include "unicode.h"

namespace ponder {

namespace {

using unicode::kLetter;
using unicode::kMark;
using unicode::kNumber;
using unicode::kPunctuation;
using unicode::kSpace;
using unicode::kSymbol;

// The text decoded once: code points, their classes and byte offsets (off has n+1 entries).
struct Decoded {
    std::vector<uint32_t> cp;
    std::vector<uint8_t> cls;
    std::vector<uint32_t> off;

    void assign(std::string_view text) {
        cp.clear();
        cls.clear();
        off.clear();
        for (size_t i = 0; i < text.size();) {
            int len;
            uint32_t c = unicode::decode(text, i, &len);
            cp.push_back(c);
            cls.push_back(unicode::classes(c));
            off.push_back(static_cast<uint32_t>(i));
            i += len;
        }
        off.push_back(static_cast<uint32_t>(text.size()));
    }
};

bool is_newline(uint32_t c) { return c == '\r' || c == '\n'; }

uint32_t ascii_lower(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Whitespace alternatives shared by all three regexes, tried in order at i (cls[i] is space):
//   \s*[\r\n]+  |  \s+(?!\S)  |  \s+
size_t match_whitespace(const Decoded& d, size_t i, size_t end) {
    size_t j = i;
    while (j < end && (d.cls[j] & kSpace)) j++;
    for (size_t k = j; k > i; k--)               // \s*[\r\n]+: up to the run's last newline
        if (is_newline(d.cp[k - 1])) return k;
    if (j == end) return j;                      // \s+(?!\S) at the end of the piece
    if (j - i >= 2) return j - 1;                // \s+(?!\S): leave one space for the next word
    return j;                                    // \s+
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,max_digits}|
//  ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
size_t match_qwen_llama(const Decoded& d, size_t i, size_t end, int max_digits) {
    const auto& cp = d.cp;
    const auto& cls = d.cls;
    if (cp[i] == '\'' && i + 1 < end) {
        uint32_t a = ascii_lower(cp[i + 1]);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
        if (i + 2 < end) {
            uint32_t b = ascii_lower(cp[i + 2]);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
        }
    }
    size_t j = i;
    if (!(cls[j] & (kLetter | kNumber)) && !is_newline(cp[j]) && j + 1 < end && (cls[j + 1] & kLetter)) j++;
    if (cls[j] & kLetter) {
        while (j < end && (cls[j] & kLetter)) j++;
        return j;
    }
    if (cls[i] & kNumber) {
        j = i;
        while (j < end && j - i < static_cast<size_t>(max_digits) && (cls[j] & kNumber)) j++;
        return j;
    }
    j = i;
    if (cp[j] == ' ') j++;
    auto other = [&](size_t k) { return !(cls[k] & (kSpace | kLetter | kNumber)); };
    if (j < end && other(j)) {
        while (j < end && other(j)) j++;
        while (j < end && is_newline(cp[j])) j++;
        return j;
    }
    return match_whitespace(d, i, end);  // cls[i] is space here: every other case matched above
}

bool is_ascii_punct(uint32_t c) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}
bool is_ascii_letter(uint32_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// DeepSeek-V3's last split regex; returns i when nothing matches at i (the character then
// belongs to a gap between matches):
// [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+|
//  ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
size_t match_deepseek(const Decoded& d, size_t i, size_t end) {
    const auto& cp = d.cp;
    const auto& cls = d.cls;
    if (is_ascii_punct(cp[i]) && i + 1 < end && is_ascii_letter(cp[i + 1])) {
        size_t j = i + 1;
        while (j < end && is_ascii_letter(cp[j])) j++;
        return j;
    }
    auto letter_or_mark = [&](size_t k) { return (cls[k] & (kLetter | kMark)) != 0; };
    size_t j = i;
    if (!letter_or_mark(j) && !is_newline(cp[j]) && !(cls[j] & (kPunctuation | kSymbol)) &&
        j + 1 < end && letter_or_mark(j + 1))
        j++;
    if (letter_or_mark(j)) {
        while (j < end && letter_or_mark(j)) j++;
        return j;
    }
    j = i;
    if (cp[j] == ' ') j++;
    auto punct = [&](size_t k) { return (cls[k] & (kPunctuation | kSymbol)) != 0; };
    if (j < end && punct(j)) {
        while (j < end && punct(j)) j++;
        while (j < end && is_newline(cp[j])) j++;
        return j;
    }
    if (cls[i] & kSpace) return match_whitespace(d, i, end);
    return i;
}

bool is_cjk(uint32_t c) {
    return (c >= 0x4E00 && c <= 0x9FA5) || (c >= 0x3040 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF);
}

// Isolated split by a "run" predicate: runs of chars satisfying `in` (cut every `max_run`
// chars) and the gaps between them each become a range. Ranges are code point indices.
template <class In>
void split_runs(size_t begin, size_t end, In in, size_t max_run,
                std::vector<std::pair<size_t, size_t>>& out) {
    size_t gap = begin;
    for (size_t i = begin; i < end;) {
        if (!in(i)) {
            i++;
            continue;
        }
        if (gap < i) out.emplace_back(gap, i);
        size_t j = i;
        while (j < end && in(j) && j - i < max_run) j++;
        out.emplace_back(i, j);
        i = gap = j;
    }
    if (gap < end) out.emplace_back(gap, end);
}

} // namespace

void pretokenize(PreTokenizer pre, std::string_view text,
                 std::vector<std::pair<uint32_t, uint32_t>>& pieces) {
    thread_local Decoded d;
    d.assign(text);
    const size_t n = d.cp.size();
    auto emit = [&](size_t a, size_t b) { pieces.emplace_back(d.off[a], d.off[b]); };

    if (pre != PreTokenizer::DeepSeekV3) {
        int max_digits = pre == PreTokenizer::Llama3 ? 3 : 1;
        for (size_t i = 0; i < n;) {
            size_t j = match_qwen_llama(d, i, n, max_digits);
            emit(i, j);
            i = j;
        }
        return;
    }

    // deepseek-v3: three isolated splits, each re-splitting the pieces of the one before.
    std::vector<std::pair<size_t, size_t>> numbers, cjk;
    split_runs(0, n, [&](size_t k) { return (d.cls[k] & kNumber) != 0; }, 3, numbers);
    for (auto [a, b] : numbers)
        split_runs(a, b, [&](size_t k) { return is_cjk(d.cp[k]); }, SIZE_MAX, cjk);
    for (auto [a, b] : cjk) {
        size_t gap = a;
        for (size_t i = a; i < b;) {
            size_t j = match_deepseek(d, i, b);
            if (j == i) {
                i++;
                continue;
            }
            if (gap < i) emit(gap, i);
            emit(i, j);
            i = gap = j;
        }
        if (gap < b) emit(gap, b);
    }
}

} // namespace ponder
