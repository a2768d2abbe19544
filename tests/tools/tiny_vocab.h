// A small byte-level BPE vocabulary for unit tests: the 256 byte tokens, a few merges, and the
// R1 special tokens (control and user-defined, as in R1-Distill GGUF files).
#pragma once

#include "ponder/tokenizer.h"
#include "unicode.h"

#include <string>
#include <vector>

namespace ponder::test {

inline std::string byte_char(unsigned char b) {
    bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    uint32_t cp = b;
    if (!printable) {
        uint32_t n = 0;
        for (unsigned c = 0; c < b; c++)
            if (!((c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE))) n++;
        cp = 256 + n;
    }
    std::string s;
    unicode::append_utf8(s, cp);
    return s;
}

inline std::string bl(const std::string& bytes) {  // bytes in byte-level form
    std::string out;
    for (unsigned char c : bytes) out += byte_char(c);
    return out;
}

inline Vocab tiny_vocab(const std::string& pre = "deepseek-r1-qwen") {
    Vocab v;
    for (int b = 0; b < 256; b++) {
        v.tokens.push_back(byte_char(static_cast<unsigned char>(b)));
        v.types.push_back(TokenType::Normal);
    }
    auto merge = [&](const std::string& a, const std::string& b) {
        v.merges.push_back(bl(a) + " " + bl(b));
        v.tokens.push_back(bl(a + b));
        v.types.push_back(TokenType::Normal);
    };
    merge("h", "e");      // 256
    merge("l", "l");      // 257
    merge("he", "ll");    // 258
    merge("hell", "o");   // 259
    merge(" ", "w");      // 260
    merge("o", "r");      // 261
    merge(" w", "or");    // 262
    merge("l", "d");      // 263
    merge(" wor", "ld");  // 264
    merge(" ", " ");      // 265
    merge("a", "a");      // 266
    auto special = [&](const std::string& t, TokenType type) {
        v.tokens.push_back(t);
        v.types.push_back(type);
        return static_cast<int32_t>(v.tokens.size() - 1);
    };
    v.bos = special("<｜begin▁of▁sentence｜>", TokenType::Control);  // 267
    v.eos = special("<｜end▁of▁sentence｜>", TokenType::Control);    // 268
    special("<｜User｜>", TokenType::Control);                       // 269
    special("<｜Assistant｜>", TokenType::Control);                  // 270
    special("<think>", TokenType::UserDefined);                     // 271
    special("</think>", TokenType::UserDefined);                    // 272
    v.pre = pre;
    v.add_bos = true;
    return v;
}

} // namespace ponder::test
