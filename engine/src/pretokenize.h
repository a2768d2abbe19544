// Pre-tokenizers: split text into the pieces BPE runs on, exactly as the models' split regexes
// do (R1-FACTS.md section 3). Hand-written matchers instead of a regex engine: each mirrors one
// alternative of the regex, in order, with the same greedy/backtracking outcome.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace ponder {

enum class PreTokenizer {
    Qwen2,       // tokenizer.ggml.pre "qwen2", "deepseek-r1-qwen": digits one by one
    Llama3,      // "llama-bpe", "llama3": digits in groups of up to three
    DeepSeekV3,  // "deepseek-v3": numbers, CJK runs, then the word/punctuation regex
};

// Appends the [begin, end) byte ranges of the pieces of `text` (offsets relative to `text`).
void pretokenize(PreTokenizer pre, std::string_view text,
                 std::vector<std::pair<uint32_t, uint32_t>>& pieces);

} // namespace ponder
