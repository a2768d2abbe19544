// UTF-8 decoding and the Unicode character classes the pre-tokenizers need (internal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::unicode {

enum Class : uint8_t {
    kLetter = 1,       // \p{L}
    kNumber = 2,       // \p{N}
    kPunctuation = 4,  // \p{P}
    kSymbol = 8,       // \p{S}
    kMark = 16,        // \p{M}
    kSpace = 32,       // \s (White_Space)
};

uint8_t classes(uint32_t cp);
const char* data_version();

// Decodes one code point at s[i]; invalid or truncated sequences decode as U+FFFD of length 1,
// so every byte is consumed exactly once.
uint32_t decode(std::string_view s, size_t i, int* len);
void append_utf8(std::string& out, uint32_t cp);

// At an invalid position i: the length of the maximal subpart of an ill-formed sequence there
// (the bytes one U+FFFD replaces, as the WHATWG/Unicode "substitution of maximal subparts"
// practice does), and whether it runs to the end of `s` (more bytes could still complete it).
size_t invalid_run(std::string_view s, size_t i, bool* reaches_end);

// Length of the longest prefix of `s` that is complete, valid UTF-8, and the number of bytes
// at the end that may still become a valid character once more bytes arrive.
size_t valid_prefix(std::string_view s, size_t* incomplete_tail);

} // namespace ponder::unicode
