// Hugging Face tokenizer.json (+ tokenizer_config.json) to a GGUF-style Vocab. Safetensors model
// directories carry their tokenizer this way; tests also use it to build GGUF vocabularies from
// tokenizers the project did not write.
#include "ponder/tokenizer.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ponder {

namespace {

using json = nlohmann::json;

// Regexes as the models' tokenizer.json files spell them (JSON-decoded), with literal CR/LF
// normalised to "\r"/"\n" escapes because some files write one and some the other.
constexpr const char* kQwen2Split =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kLlama3Split =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kDeepSeekSplits[] = {
    "\\p{N}{1,3}",
    "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

std::string canonical_regex(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot open";
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

// Collects the Split regexes of a pre_tokenizer node, in order. Returns false for a node kind
// that changes the text in a way the R1 tokenizers never do.
bool collect_splits(const json& node, std::vector<std::string>& out, std::string& why) {
    if (node.is_null()) return true;
    std::string type = node.value("type", "");
    if (type == "Sequence") {
        for (const json& child : node.at("pretokenizers"))
            if (!collect_splits(child, out, why)) return false;
        return true;
    }
    if (type == "Split") {
        const json& pattern = node.at("pattern");
        if (!pattern.contains("Regex") || node.value("behavior", "") != "Isolated" || node.value("invert", false)) {
            why = "a Split pre-tokenizer that is not an isolated regex split";
            return false;
        }
        out.push_back(canonical_regex(pattern.at("Regex").get<std::string>()));
        return true;
    }
    if (type == "ByteLevel") {
        if (node.value("use_regex", true)) {
            why = "the GPT-2 ByteLevel regex (not an R1-family tokenizer)";
            return false;
        }
        return !node.value("add_prefix_space", false) || (why = "ByteLevel add_prefix_space", false);
    }
    why = "pre-tokenizer type '" + type + "'";
    return false;
}

// GGUF convention (what llama.cpp's converter writes and its loader expects): an added token
// that looks like a control token is typed CONTROL even when tokenizer.json calls it
// non-special, e.g. DeepSeek-V3's "<｜User｜>" or Qwen's "<|fim_prefix|>".
bool looks_like_control(std::string_view t) {
    auto wrapped = [&](std::string_view open, std::string_view close) {
        return t.size() > open.size() + close.size() && t.substr(0, open.size()) == open &&
               t.substr(t.size() - close.size()) == close;
    };
    return wrapped("<|", "|>") || wrapped("<｜", "｜>") || t == "<s>" || t == "</s>" || t == "<unk>" ||
           t == "<pad>" || t == "<mask>";
}

std::string token_content(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_object() && j.contains("content")) return j.at("content").get<std::string>();
    return {};
}

} // namespace

std::unique_ptr<Tokenizer> Tokenizer::from_hf_json(const std::string& path, const std::string& config_path,
                                                   std::string& error) {
    std::string text, config_text;
    if (!read_file(path, text, error)) return nullptr;
    if (!config_path.empty() && !read_file(config_path, config_text, error)) return nullptr;
    try {
        json j = json::parse(text);
        const json& model = j.at("model");
        if (model.value("type", "BPE") != "BPE") {
            error = path + ": tokenizer model '" + model.value("type", "") + "' is not byte-level BPE";
            return nullptr;
        }
        std::vector<std::string> splits;
        std::string why;
        if (!collect_splits(j.value("pre_tokenizer", json()), splits, why)) {
            error = path + ": unsupported pre-tokenizer: " + why;
            return nullptr;
        }
        Vocab v;
        if (splits.size() == 1 && splits[0] == kQwen2Split) v.pre = "qwen2";
        else if (splits.size() == 1 && splits[0] == kLlama3Split) v.pre = "llama-bpe";
        else if (splits.size() == 3 && splits[0] == canonical_regex(kDeepSeekSplits[0]) &&
                 splits[1] == canonical_regex(kDeepSeekSplits[1]) && splits[2] == canonical_regex(kDeepSeekSplits[2]))
            v.pre = "deepseek-v3";
        else {
            error = path + ": unknown pre-tokenizer split regex; supported are the Qwen2, Llama 3 and DeepSeek-V3 ones";
            return nullptr;
        }

        // Tokens by id; ids with no token (holes) become unused placeholders as in GGUF files.
        const json& vocab = model.at("vocab");
        size_t n = 0;
        for (auto it = vocab.begin(); it != vocab.end(); ++it) n = std::max(n, it.value().get<size_t>() + 1);
        const json& added = j.value("added_tokens", json::array());
        for (const json& a : added) n = std::max(n, a.at("id").get<size_t>() + 1);
        if (n > (1u << 24)) {
            error = path + ": implausible vocabulary size " + std::to_string(n);
            return nullptr;
        }
        v.tokens.assign(n, std::string());
        v.types.assign(n, TokenType::Unused);
        for (auto it = vocab.begin(); it != vocab.end(); ++it) {
            size_t id = it.value().get<size_t>();
            v.tokens[id] = it.key();
            v.types[id] = TokenType::Normal;
        }
        for (const json& a : added) {
            size_t id = a.at("id").get<size_t>();
            v.tokens[id] = a.at("content").get<std::string>();
            bool control = a.value("special", false) || looks_like_control(v.tokens[id]);
            v.types[id] = control ? TokenType::Control : TokenType::UserDefined;
        }
        for (size_t id = 0; id < n; id++)
            if (v.types[id] == TokenType::Unused) v.tokens[id] = "[PAD" + std::to_string(id) + "]";
        for (const json& m : model.at("merges")) {
            if (m.is_string()) v.merges.push_back(m.get<std::string>());
            else v.merges.push_back(m.at(0).get<std::string>() + " " + m.at(1).get<std::string>());
        }
        // model.ignore_merges is implied by the pre-tokenizer (Llama 3), as in GGUF files.

        if (!config_text.empty()) {
            json c = json::parse(config_text);
            auto id_of = [&](const char* key) -> int32_t {
                if (!c.contains(key)) return -1;
                std::string content = token_content(c.at(key));
                for (size_t id = 0; id < n; id++)
                    if (v.types[id] != TokenType::Normal && v.tokens[id] == content) return static_cast<int32_t>(id);
                return -1;
            };
            v.bos = id_of("bos_token");
            v.eos = id_of("eos_token");
            v.pad = id_of("pad_token");
            v.add_bos = c.value("add_bos_token", v.bos >= 0);
            v.add_eos = c.value("add_eos_token", false);
        }
        return from_vocab(std::move(v), error);
    } catch (const std::exception& e) {
        error = path + ": malformed tokenizer file: " + e.what();
        return nullptr;
    }
}

} // namespace ponder
