// Byte-level BPE tokenizer (GGUF tokenizer.ggml.model "gpt2", or Hugging Face tokenizer.json)
// for the R1 family: Qwen2 (R1-Distill-Qwen), Llama 3 (R1-Distill-Llama), DeepSeek-V3 (R1).
//
// Security property: text from a user is encoded with `allow_special = false`, and then NEVER
// becomes a control or user-defined token (a user typing "<｜User｜>" or "</think>" gets ordinary
// text tokens), so a message cannot forge a turn. Only the chat template inserts those tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

class GgufFile;
class GgufWriter;
enum class PreTokenizer;

// GGUF tokenizer.ggml.token_type values.
enum class TokenType : int32_t {
    Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6,
};

struct Vocab {
    std::vector<std::string> tokens;  // GGUF form: byte-level (GPT-2) text; added tokens raw
    std::vector<TokenType> types;     // same length as tokens
    std::vector<std::string> merges;  // "left right", rank = index
    std::string pre;                  // tokenizer.ggml.pre: "qwen2", "deepseek-r1-qwen", ...
    int32_t bos = -1, eos = -1, pad = -1;
    bool add_bos = false, add_eos = false;
};

class Tokenizer {
public:
    // From a GGUF file's tokenizer.ggml.* metadata.
    static std::unique_ptr<Tokenizer> from_gguf(const GgufFile& file, std::string& error);
    // From a Hugging Face tokenizer.json; `config_path` (tokenizer_config.json, may be empty)
    // supplies bos/eos and add_bos_token.
    static std::unique_ptr<Tokenizer> from_hf_json(const std::string& tokenizer_json_path,
                                                    const std::string& config_path,
                                                    std::string& error);
    static std::unique_ptr<Tokenizer> from_vocab(Vocab vocab, std::string& error);
    ~Tokenizer();

    // Text to token ids. `allow_special`: control and user-defined token text is recognised
    // (template text); otherwise never (user text). `add_bos`: prepend BOS when the vocabulary
    // asks for it (add_bos_token), as llama.cpp does.
    std::vector<int32_t> encode(std::string_view text, bool allow_special, bool add_bos = false) const;

    // Bytes of one token. Control tokens give their text only when `render_special`.
    std::string token_bytes(int32_t id, bool render_special = false) const;
    // Token ids to text; invalid UTF-8 (a character split by `ids` boundaries) becomes U+FFFD.
    std::string decode(const std::vector<int32_t>& ids, bool render_special = false) const;

    // Id of the token whose text is exactly `text` (special tokens by their text), or -1.
    int32_t find(std::string_view text) const;
    int32_t n_vocab() const { return static_cast<int32_t>(vocab_.tokens.size()); }
    TokenType type(int32_t id) const { return vocab_.types[static_cast<size_t>(id)]; }
    bool is_special(int32_t id) const;  // control or user-defined
    const Vocab& vocab() const { return vocab_; }

    // Writes the tokenizer.ggml.* keys for this vocabulary.
    void write_gguf(GgufWriter& w) const;

private:
    struct Impl;
    explicit Tokenizer(Vocab vocab);
    Vocab vocab_;
    std::unique_ptr<Impl> impl_;
};

// Turns streamed token bytes into text that is safe to show: a UTF-8 character split across
// tokens is held back until complete, never emitted half; bytes that can never form a valid
// character become U+FFFD.
class Utf8Stream {
public:
    std::string push(std::string_view bytes);
    std::string flush();  // at end of stream: what is pending becomes U+FFFD
    bool has_pending() const { return !pending_.empty(); }  // a character is half received

private:
    std::string pending_;
};

// Maps a tokenizer.ggml.pre name to a pre-tokenizer; false for an unknown name.
bool pre_tokenizer_from_name(std::string_view name, PreTokenizer& out);

} // namespace ponder
