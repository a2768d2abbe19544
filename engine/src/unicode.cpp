#include "unicode.h"

namespace ponder::unicode {

namespace {
struct UnicodeRange { uint32_t first, last; uint8_t flags; };
#include "unicode_data.inc"

// ASCII is by far the most common input: look it up in a table.
struct AsciiTable {
    uint8_t flags[128] = {};
    constexpr AsciiTable() {
        for (const UnicodeRange& r : kUnicodeRanges)
            for (uint32_t c = r.first; c <= r.last && c < 128; c++) flags[c] = r.flags;
    }
};
constexpr AsciiTable kAscii;
} // namespace

const char* data_version() { return kUnicodeVersion; }

uint8_t classes(uint32_t cp) {
    if (cp < 128) return kAscii.flags[cp];
    size_t lo = 0, hi = std::size(kUnicodeRanges);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kUnicodeRanges[mid].last < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo < std::size(kUnicodeRanges) && kUnicodeRanges[lo].first <= cp) return kUnicodeRanges[lo].flags;
    return 0;
}

uint32_t decode(std::string_view s, size_t i, int* len) {
    auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    uint8_t c = b(i);
    *len = 1;
    if (c < 0x80) return c;
    int n;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0xFFFD;
    if (i + n > s.size()) return 0xFFFD;
    for (int k = 1; k < n; k++) {
        if ((b(i + k) & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
    *len = n;
    return cp;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

size_t invalid_run(std::string_view s, size_t i, bool* reaches_end) {
    auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    *reaches_end = false;
    uint8_t c = b(i);
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) need = 2;
    else if (c == 0xE0) { need = 3; lo = 0xA0; }
    else if (c == 0xED) { need = 3; hi = 0x9F; }
    else if (c >= 0xE1 && c <= 0xEF) need = 3;
    else if (c == 0xF0) { need = 4; lo = 0x90; }
    else if (c == 0xF4) { need = 4; hi = 0x8F; }
    else if (c >= 0xF1 && c <= 0xF3) need = 4;
    else return 1;
    if (i + 1 >= s.size()) {
        *reaches_end = true;
        return 1;
    }
    if (b(i + 1) < lo || b(i + 1) > hi) return 1;
    size_t k = 2;
    while (k < need && i + k < s.size() && (b(i + k) & 0xC0) == 0x80) k++;
    *reaches_end = k < need && i + k == s.size();
    return k;
}

size_t valid_prefix(std::string_view s, size_t* incomplete_tail) {
    *incomplete_tail = 0;
    for (size_t i = 0; i < s.size();) {
        int len;
        uint32_t cp = decode(s, i, &len);
        if (cp == 0xFFFD && len == 1) {
            bool at_end;
            size_t run = invalid_run(s, i, &at_end);
            if (at_end) *incomplete_tail = run;
            return i;
        }
        i += static_cast<size_t>(len);
    }
    return s.size();
}

} // namespace ponder::unicode
