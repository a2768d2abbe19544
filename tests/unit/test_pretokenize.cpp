// Pre-tokenizer splits, written out by hand from the regexes in R1-FACTS.md section 3.
#include "pretokenize.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace ponder;
using pieces = std::vector<std::string>;

namespace {
pieces split(PreTokenizer pre, std::string_view text) {
    std::vector<std::pair<uint32_t, uint32_t>> r;
    pretokenize(pre, text, r);
    pieces out;
    uint32_t expect_begin = 0;
    for (auto [a, b] : r) {
        EXPECT_EQ(a, expect_begin) << "pieces must tile the text";
        EXPECT_LT(a, b);
        out.emplace_back(text.substr(a, b - a));
        expect_begin = b;
    }
    EXPECT_EQ(expect_begin, text.size());
    return out;
}
} // namespace

TEST(PreTokenize, Qwen2) {
    auto q = [](std::string_view t) { return split(PreTokenizer::Qwen2, t); };
    EXPECT_EQ(q("Hello world"), (pieces{"Hello", " world"}));
    EXPECT_EQ(q("don't I'LL we've"), (pieces{"don", "'t", " I", "'LL", " we", "'ve"}));
    EXPECT_EQ(q("3333"), (pieces{"3", "3", "3", "3"}));
    EXPECT_EQ(q("a  b"), (pieces{"a", " ", " b"}));
    EXPECT_EQ(q("a\n\nb"), (pieces{"a", "\n\n", "b"}));
    EXPECT_EQ(q("x   \n  y"), (pieces{"x", "   \n", " ", " y"}));
    EXPECT_EQ(q("hi!!! there"), (pieces{"hi", "!!!", " there"}));
    EXPECT_EQ(q(" ?!\n\nx"), (pieces{" ?!\n\n", "x"}));
    EXPECT_EQ(q("end  "), (pieces{"end", "  "}));
    EXPECT_EQ(q(" 42"), (pieces{" ", "4", "2"}));
    EXPECT_EQ(q("\tif"), (pieces{"\tif"}));
    EXPECT_EQ(q("日本語テキスト"), (pieces{"日本語テキスト"}));
    EXPECT_EQ(q("'"), (pieces{"'"}));
    EXPECT_EQ(q("'s"), (pieces{"'s"}));
    EXPECT_EQ(q("\r\n"), (pieces{"\r\n"}));
    // Invalid UTF-8 bytes are "other" characters, each kept, never dropped.
    EXPECT_EQ(q("a\xFF\xFE b"), (pieces{"a", "\xFF\xFE", " b"}));
}

TEST(PreTokenize, Llama3) {
    auto l = [](std::string_view t) { return split(PreTokenizer::Llama3, t); };
    EXPECT_EQ(l("1234567"), (pieces{"123", "456", "7"}));
    EXPECT_EQ(l("x=12345;"), (pieces{"x", "=", "123", "45", ";"}));
    EXPECT_EQ(l("Hello world"), (pieces{"Hello", " world"}));
}

TEST(PreTokenize, DeepSeekV3) {
    auto d = [](std::string_view t) { return split(PreTokenizer::DeepSeekV3, t); };
    EXPECT_EQ(d("Hello world"), (pieces{"Hello", " world"}));
    EXPECT_EQ(d("12345abc"), (pieces{"123", "45", "abc"}));
    EXPECT_EQ(d("中文abc"), (pieces{"中文", "abc"}));
    EXPECT_EQ(d(".NET a,b"), (pieces{".NET", " a", ",b"}));
    EXPECT_EQ(d("x=1"), (pieces{"x", "=", "1"}));
    EXPECT_EQ(d("1+1"), (pieces{"1", "+", "1"}));
    EXPECT_EQ(d("don't"), (pieces{"don", "'t"}));
    EXPECT_EQ(d("a  b\n\n"), (pieces{"a", " ", " b", "\n\n"}));
}
