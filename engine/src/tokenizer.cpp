// Byte-level BPE: special-token split, pre-tokenizer, then merges by rank on each piece.
#include "ponder/tokenizer.h"

#include "ponder/gguf.h"
#include "pretokenize.h"
#include "unicode.h"

#include <algorithm>
#include <mutex>
#include <queue>
#include <unordered_map>

namespace ponder {

namespace {

// GPT-2's bytes_to_unicode: printable bytes map to themselves, the other 68 to U+0100...
struct ByteMap {
    std::string byte_text[256];       // UTF-8 of the character standing for each byte
    int16_t cp_to_byte[0x200];        // reverse map for code points < 0x200, -1 if none
    ByteMap() {
        std::fill(std::begin(cp_to_byte), std::end(cp_to_byte), int16_t(-1));
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            uint32_t cp = printable ? static_cast<uint32_t>(b) : 256u + static_cast<uint32_t>(extra++);
            unicode::append_utf8(byte_text[b], cp);
            cp_to_byte[cp] = static_cast<int16_t>(b);
        }
    }
};
const ByteMap& byte_map() {
    static const ByteMap m;
    return m;
}

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TextToId = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

struct Merge {
    int32_t rank;
    int32_t result;
};

uint64_t pair_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

// Decodes "<0xNN>" byte tokens (SentencePiece style), which some vocabularies carry.
int parse_byte_token(std::string_view t) {
    if (t.size() != 6 || t.substr(0, 3) != "<0x" || t[5] != '>') return -1;
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    int hi = hex(t[3]), lo = hex(t[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

constexpr size_t kCacheLimit = 1 << 18;  // pieces; the cache is dropped when it grows past this

} // namespace

bool pre_tokenizer_from_name(std::string_view name, PreTokenizer& out) {
    if (name == "qwen2" || name == "deepseek-r1-qwen") out = PreTokenizer::Qwen2;
    else if (name == "llama-bpe" || name == "llama3") out = PreTokenizer::Llama3;
    else if (name == "deepseek-v3") out = PreTokenizer::DeepSeekV3;
    else return false;
    return true;
}

struct Tokenizer::Impl {
    PreTokenizer pre = PreTokenizer::Qwen2;
    bool ignore_merges = false;  // Llama 3: a piece that is itself a token is not merged
    TextToId text_to_id;
    std::unordered_map<uint64_t, Merge> merges;
    int32_t byte_token[256];
    // Special tokens by first byte, longest first, for leftmost-longest matching.
    std::vector<std::vector<int32_t>> special_by_first_byte{256};

    mutable std::mutex cache_mutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> cache;

    void bpe(const Vocab& v, std::string_view piece, std::vector<int32_t>& out) const;
};

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)), impl_(std::make_unique<Impl>()) {}
Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::from_vocab(Vocab vocab, std::string& error) {
    if (vocab.tokens.empty()) {
        error = "the vocabulary is empty";
        return nullptr;
    }
    if (vocab.types.empty()) vocab.types.assign(vocab.tokens.size(), TokenType::Normal);
    if (vocab.types.size() != vocab.tokens.size()) {
        error = "the vocabulary has " + std::to_string(vocab.tokens.size()) + " tokens but " +
                std::to_string(vocab.types.size()) + " token types";
        return nullptr;
    }
    if (vocab.tokens.size() > (1u << 30)) {
        error = "the vocabulary is implausibly large";
        return nullptr;
    }
    std::unique_ptr<Tokenizer> t(new Tokenizer(std::move(vocab)));
    const Vocab& v = t->vocab_;
    Impl& m = *t->impl_;
    if (!pre_tokenizer_from_name(v.pre, m.pre)) {
        error = v.pre.empty() ? "the vocabulary names no pre-tokenizer (tokenizer.ggml.pre)"
                              : "unknown pre-tokenizer '" + v.pre +
                                    "' (supported: qwen2, deepseek-r1-qwen, llama-bpe, llama3, deepseek-v3)";
        return nullptr;
    }
    m.ignore_merges = m.pre == PreTokenizer::Llama3;
    auto check_id = [&](int32_t id, const char* what) {
        if (id >= static_cast<int32_t>(v.tokens.size())) {
            error = std::string(what) + " token id " + std::to_string(id) + " is outside the vocabulary of " +
                    std::to_string(v.tokens.size()) + " tokens";
            return false;
        }
        return true;
    };
    if (!check_id(v.bos, "BOS") || !check_id(v.eos, "EOS") || !check_id(v.pad, "padding")) return nullptr;

    m.text_to_id.reserve(v.tokens.size());
    for (size_t id = 0; id < v.tokens.size(); id++) {
        TokenType type = v.types[id];
        if (static_cast<int32_t>(type) < 0 || static_cast<int32_t>(type) > 6) {
            error = "token " + std::to_string(id) + " has unknown type " + std::to_string(static_cast<int32_t>(type));
            return nullptr;
        }
        // The first token with a given text wins, as in the Hugging Face and llama.cpp loaders.
        m.text_to_id.emplace(v.tokens[id], static_cast<int32_t>(id));
        if ((type == TokenType::Control || type == TokenType::UserDefined) && !v.tokens[id].empty())
            m.special_by_first_byte[static_cast<uint8_t>(v.tokens[id][0])].push_back(static_cast<int32_t>(id));
    }
    for (auto& bucket : m.special_by_first_byte)
        std::stable_sort(bucket.begin(), bucket.end(), [&](int32_t a, int32_t b) {
            return v.tokens[static_cast<size_t>(a)].size() > v.tokens[static_cast<size_t>(b)].size();
        });

    const ByteMap& bm = byte_map();
    for (int b = 0; b < 256; b++) {
        auto it = m.text_to_id.find(bm.byte_text[b]);
        if (it == m.text_to_id.end()) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", b);
            error = std::string("the vocabulary has no token for byte ") + hex +
                    ", so it is not a byte-level BPE vocabulary";
            return nullptr;
        }
        m.byte_token[b] = it->second;
    }

    m.merges.reserve(v.merges.size());
    std::string joined;
    for (size_t rank = 0; rank < v.merges.size(); rank++) {
        std::string_view line = v.merges[rank];
        size_t sp = line.find(' ', 1);
        if (sp == std::string_view::npos) {
            error = "merge rule " + std::to_string(rank) + " ('" + std::string(line.substr(0, 64)) +
                    "') is not two tokens separated by a space";
            return nullptr;
        }
        std::string_view left = line.substr(0, sp), right = line.substr(sp + 1);
        joined.assign(left);
        joined += right;
        auto l = m.text_to_id.find(left), r = m.text_to_id.find(right), j = m.text_to_id.find(joined);
        // A rule whose parts or result are not tokens can never apply; skipping it is what the
        // reference implementations do too.
        if (l == m.text_to_id.end() || r == m.text_to_id.end() || j == m.text_to_id.end()) continue;
        m.merges.emplace(pair_key(l->second, r->second), Merge{static_cast<int32_t>(rank), j->second});
    }
    return t;
}

void Tokenizer::Impl::bpe(const Vocab& v, std::string_view piece, std::vector<int32_t>& out) const {
    const ByteMap& bm = byte_map();
    if (ignore_merges) {
        std::string text;
        for (unsigned char c : piece) text += bm.byte_text[c];
        auto it = text_to_id.find(text);
        if (it != text_to_id.end() && v.types[static_cast<size_t>(it->second)] == TokenType::Normal) {
            out.push_back(it->second);
            return;
        }
    }
    const size_t n = piece.size();
    if (n == 1) {
        out.push_back(byte_token[static_cast<uint8_t>(piece[0])]);
        return;
    }
    // Symbols as a linked list; candidate pairs in a min-heap by (rank, position). Entries go
    // stale when a neighbour merges; they are checked when popped.
    struct Sym { int32_t id; int32_t prev, next; };
    std::vector<Sym> sym(n);
    for (size_t k = 0; k < n; k++)
        sym[k] = {byte_token[static_cast<uint8_t>(piece[k])], static_cast<int32_t>(k) - 1,
                  k + 1 < n ? static_cast<int32_t>(k + 1) : -1};
    struct Cand { int32_t rank, left, left_id, right_id; };
    auto worse = [](const Cand& a, const Cand& b) { return a.rank != b.rank ? a.rank > b.rank : a.left > b.left; };
    std::priority_queue<Cand, std::vector<Cand>, decltype(worse)> heap(worse);
    auto push = [&](int32_t left) {
        if (left < 0) return;
        int32_t right = sym[static_cast<size_t>(left)].next;
        if (right < 0) return;
        auto it = merges.find(pair_key(sym[static_cast<size_t>(left)].id, sym[static_cast<size_t>(right)].id));
        if (it != merges.end())
            heap.push({it->second.rank, left, sym[static_cast<size_t>(left)].id, sym[static_cast<size_t>(right)].id});
    };
    for (size_t k = 0; k + 1 < n; k++) push(static_cast<int32_t>(k));
    while (!heap.empty()) {
        Cand c = heap.top();
        heap.pop();
        Sym& l = sym[static_cast<size_t>(c.left)];
        if (l.id != c.left_id || l.next < 0) continue;
        Sym& r = sym[static_cast<size_t>(l.next)];
        if (r.id != c.right_id) continue;
        l.id = merges.find(pair_key(c.left_id, c.right_id))->second.result;
        r.id = -1;  // removed
        l.next = r.next;
        if (r.next >= 0) sym[static_cast<size_t>(r.next)].prev = c.left;
        push(l.prev);
        push(c.left);
    }
    for (int32_t k = 0; k >= 0; k = sym[static_cast<size_t>(k)].next) out.push_back(sym[static_cast<size_t>(k)].id);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool allow_special, bool add_bos) const {
    std::vector<int32_t> out;
    if (add_bos && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);
    const Impl& m = *impl_;
    std::vector<std::pair<uint32_t, uint32_t>> pieces;

    auto encode_fragment = [&](std::string_view frag) {
        if (frag.empty()) return;
        pieces.clear();
        pretokenize(m.pre, frag, pieces);
        for (auto [a, b] : pieces) {
            std::string_view piece = frag.substr(a, b - a);
            {
                std::lock_guard<std::mutex> lock(m.cache_mutex);
                auto it = m.cache.find(piece);
                if (it != m.cache.end()) {
                    out.insert(out.end(), it->second.begin(), it->second.end());
                    continue;
                }
            }
            size_t start = out.size();
            m.bpe(vocab_, piece, out);
            std::lock_guard<std::mutex> lock(m.cache_mutex);
            if (m.cache.size() >= kCacheLimit) m.cache.clear();
            m.cache.emplace(std::string(piece), std::vector<int32_t>(out.begin() + static_cast<ptrdiff_t>(start), out.end()));
        }
    };

    if (!allow_special) {
        encode_fragment(text);
    } else {
        size_t frag_start = 0;
        for (size_t i = 0; i < text.size();) {
            int32_t hit = -1;
            for (int32_t id : m.special_by_first_byte[static_cast<uint8_t>(text[i])]) {
                const std::string& t = vocab_.tokens[static_cast<size_t>(id)];
                if (text.compare(i, t.size(), t) == 0) {
                    hit = id;
                    break;
                }
            }
            if (hit < 0) {
                i++;
                continue;
            }
            encode_fragment(text.substr(frag_start, i - frag_start));
            out.push_back(hit);
            i += vocab_.tokens[static_cast<size_t>(hit)].size();
            frag_start = i;
        }
        encode_fragment(text.substr(frag_start));
    }
    if (add_bos && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
    return out;
}

bool Tokenizer::is_special(int32_t id) const {
    TokenType t = type(id);
    return t == TokenType::Control || t == TokenType::UserDefined;
}

int32_t Tokenizer::find(std::string_view text) const {
    auto it = impl_->text_to_id.find(text);
    return it == impl_->text_to_id.end() ? -1 : it->second;
}

std::string Tokenizer::token_bytes(int32_t id, bool render_special) const {
    if (id < 0 || id >= n_vocab()) return {};
    const std::string& t = vocab_.tokens[static_cast<size_t>(id)];
    switch (type(id)) {
    case TokenType::Control:
    case TokenType::Unknown:
    case TokenType::Unused:
        return render_special ? t : std::string();
    case TokenType::UserDefined:
        return t;  // stored as raw text, not byte-level encoded
    case TokenType::Byte: {
        int b = parse_byte_token(t);
        return b >= 0 ? std::string(1, static_cast<char>(b)) : std::string();
    }
    default:
        break;
    }
    std::string out;
    const ByteMap& bm = byte_map();
    for (size_t i = 0; i < t.size();) {
        int len;
        uint32_t cp = unicode::decode(t, i, &len);
        if (cp < 0x200 && bm.cp_to_byte[cp] >= 0) out += static_cast<char>(bm.cp_to_byte[cp]);
        else out.append(t, i, static_cast<size_t>(len));  // not a byte-level character: keep it
        i += static_cast<size_t>(len);
    }
    return out;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool render_special) const {
    Utf8Stream s;
    std::string out;
    for (int32_t id : ids) out += s.push(token_bytes(id, render_special));
    return out + s.flush();
}

void Tokenizer::write_gguf(GgufWriter& w) const {
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string("tokenizer.ggml.pre", vocab_.pre);
    w.set_strings("tokenizer.ggml.tokens", vocab_.tokens);
    std::vector<int32_t> types(vocab_.types.size());
    for (size_t i = 0; i < types.size(); i++) types[i] = static_cast<int32_t>(vocab_.types[i]);
    w.set_i32s("tokenizer.ggml.token_type", types);
    w.set_strings("tokenizer.ggml.merges", vocab_.merges);
    if (vocab_.bos >= 0) w.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(vocab_.bos));
    if (vocab_.eos >= 0) w.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(vocab_.eos));
    if (vocab_.pad >= 0) w.set_u32("tokenizer.ggml.padding_token_id", static_cast<uint32_t>(vocab_.pad));
    w.set_bool("tokenizer.ggml.add_bos_token", vocab_.add_bos);
    w.set_bool("tokenizer.ggml.add_eos_token", vocab_.add_eos);
}

std::unique_ptr<Tokenizer> Tokenizer::from_gguf(const GgufFile& f, std::string& error) {
    std::string_view model = f.get_string("tokenizer.ggml.model");
    if (model.empty()) {
        error = "the model file has no tokenizer (tokenizer.ggml.model is missing)";
        return nullptr;
    }
    if (model != "gpt2") {
        error = "tokenizer model '" + std::string(model) +
                "' is not supported (only byte-level BPE, \"gpt2\", as the R1 family uses)";
        return nullptr;
    }
    Vocab v;
    const GgufValue* tokens = f.find("tokenizer.ggml.tokens");
    if (!tokens || tokens->type != GgufType::ARRAY || tokens->elem_type != GgufType::STRING) {
        error = "tokenizer.ggml.tokens is missing or not an array of strings";
        return nullptr;
    }
    v.tokens.assign(tokens->strings.begin(), tokens->strings.end());
    if (const GgufValue* types = f.find("tokenizer.ggml.token_type")) {
        if (types->type != GgufType::ARRAY || !(types->elem_type == GgufType::I32 || types->elem_type == GgufType::U32) ||
            types->count != v.tokens.size()) {
            error = "tokenizer.ggml.token_type must be an i32 array with one entry per token";
            return nullptr;
        }
        v.types.resize(v.tokens.size());
        for (uint64_t k = 0; k < types->count; k++) v.types[k] = static_cast<TokenType>(types->array_int(k));
    }
    if (const GgufValue* merges = f.find("tokenizer.ggml.merges")) {
        if (merges->type != GgufType::ARRAY || merges->elem_type != GgufType::STRING) {
            error = "tokenizer.ggml.merges must be an array of strings";
            return nullptr;
        }
        v.merges.assign(merges->strings.begin(), merges->strings.end());
    }
    v.pre = std::string(f.get_string("tokenizer.ggml.pre"));
    bool ok = true;
    v.bos = static_cast<int32_t>(f.get_int("tokenizer.ggml.bos_token_id", -1, &ok));
    v.eos = static_cast<int32_t>(f.get_int("tokenizer.ggml.eos_token_id", -1, &ok));
    v.pad = static_cast<int32_t>(f.get_int("tokenizer.ggml.padding_token_id", -1, &ok));
    if (!ok) {
        error = "tokenizer.ggml.*_token_id values must be integers";
        return nullptr;
    }
    // llama.cpp's default for byte-level BPE vocabularies without the key is to add BOS.
    v.add_bos = f.get_bool("tokenizer.ggml.add_bos_token", true);
    v.add_eos = f.get_bool("tokenizer.ggml.add_eos_token", false);
    return from_vocab(std::move(v), error);
}

std::string Utf8Stream::push(std::string_view bytes) {
    pending_.append(bytes);
    std::string out;
    size_t i = 0;
    while (i < pending_.size()) {
        std::string_view rest = std::string_view(pending_).substr(i);
        size_t tail;
        size_t ok = unicode::valid_prefix(rest, &tail);
        out.append(rest.substr(0, ok));
        i += ok;
        if (i == pending_.size() || tail) break;  // done, or waiting for the rest of a character
        bool at_end;
        i += unicode::invalid_run(pending_, i, &at_end);
        out += "\xEF\xBF\xBD";  // one replacement per maximal ill-formed subpart
    }
    pending_.erase(0, i);
    return out;
}

std::string Utf8Stream::flush() {
    std::string out = pending_.empty() ? std::string() : std::string("\xEF\xBF\xBD");
    pending_.clear();
    return out;
}

} // namespace ponder
