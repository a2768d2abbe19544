// libFuzzer target: encoding arbitrary bytes (any pre-tokenizer, special tokens on and off) must
// not crash, user text must never yield a special token, and decoding valid UTF-8 must give the
// input back exactly.
#include "ponder/gguf.h"
#include "ponder/tokenizer.h"
#include "unicode.h"

#include "../tools/tiny_vocab.h"

#include <cstdlib>

using namespace ponder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static std::unique_ptr<Tokenizer> tokenizers[3] = {};
    static const char* pres[3] = {"qwen2", "llama-bpe", "deepseek-v3"};
    if (!tokenizers[0]) {
        std::string err;
        for (int k = 0; k < 3; k++)
            if (!(tokenizers[k] = Tokenizer::from_vocab(test::tiny_vocab(pres[k]), err))) std::abort();
    }
    if (size == 0) return 0;
    const Tokenizer& t = *tokenizers[data[0] % 3];
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<int32_t> plain = t.encode(text, false);
    for (int32_t id : plain)
        if (t.is_special(id)) std::abort();  // user text became a control token
    (void)t.encode(text, true, true);
    size_t tail;
    if (unicode::valid_prefix(text, &tail) == text.size() && t.decode(plain) != text) std::abort();
    return 0;
}
