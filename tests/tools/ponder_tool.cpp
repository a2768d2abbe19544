// ponder_tool: test-only helper that exposes engine pieces to the peer comparison scripts
// (tests/peers/*.mjs) in batch form, and writes test fixtures.
//
//   vocab-gguf --tokenizer-json F [--tokenizer-config F] --pre NAME --bos ID --eos ID --add-bos 0|1
//              --arch qwen2|llama|deepseek2 --out OUT.gguf
//   tokenize-batch (--model F.gguf | --tokenizer-json F) --in CORPUS.json --special 0|1
//   detokenize-batch --model F.gguf --in IDS.json
//   render-chat --in CASES.json [--no-think-prefix]
//   write-seeds DIR          small valid GGUF files: the fuzzer's seed corpus
#include "ponder/engine.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace ponder;
using json = nlohmann::json;

namespace {

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "ponder_tool: %s\n", msg.c_str());
    std::exit(1);
}

std::map<std::string, std::string> parse(int argc, char** argv, int from) {
    std::map<std::string, std::string> m;
    for (int i = from; i < argc; i++) {
        std::string a = argv[i];
        if (a.rfind("--", 0) != 0) {
            m["_"] = a;
            continue;
        }
        if (a == "--no-think-prefix") m[a.substr(2)] = "1";
        else if (i + 1 < argc) m[a.substr(2)] = argv[++i];
        else die("missing value for " + a);
    }
    return m;
}

std::string need(std::map<std::string, std::string>& m, const std::string& k) {
    if (!m.count(k)) die("--" + k + " is required");
    return m[k];
}

json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) die(path + ": cannot open");
    return json::parse(in);
}

void print(const json& j) { std::puts(j.dump(-1, ' ', false, json::error_handler_t::strict).c_str()); }

// Minimal hyperparameters so llama.cpp accepts a vocabulary-only file.
void write_min_hparams(GgufWriter& w, const std::string& arch, int64_t n_vocab) {
    w.set_string("general.architecture", arch);
    w.set_string("general.name", "ponder-vocab-" + arch);
    w.set_u32(arch + ".context_length", 4096);
    w.set_u32(arch + ".embedding_length", 64);
    w.set_u32(arch + ".block_count", 1);
    w.set_u32(arch + ".feed_forward_length", 128);
    w.set_u32(arch + ".attention.head_count", 4);
    w.set_u32(arch + ".attention.head_count_kv", 4);
    w.set_f32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f);
    w.set_u32(arch + ".vocab_size", static_cast<uint32_t>(n_vocab));
    if (arch == "deepseek2") {
        w.set_u32(arch + ".attention.kv_lora_rank", 16);
        w.set_u32(arch + ".attention.key_length", 24);
        w.set_u32(arch + ".attention.value_length", 16);
        w.set_u32(arch + ".rope.dimension_count", 8);
        w.set_u32(arch + ".leading_dense_block_count", 1);
        w.set_u32(arch + ".expert_count", 4);
        w.set_u32(arch + ".expert_used_count", 2);
        w.set_u32(arch + ".expert_shared_count", 1);
        w.set_u32(arch + ".expert_feed_forward_length", 32);
        w.set_f32(arch + ".expert_weights_scale", 2.5f);
    }
}

std::unique_ptr<Tokenizer> load_tokenizer(std::map<std::string, std::string>& m,
                                          std::unique_ptr<GgufFile>& file) {
    std::string error;
    if (m.count("model")) {
        file = gguf_open(m["model"], error);
        if (!file) die(error);
        auto t = Tokenizer::from_gguf(*file, error);
        if (!t) die(error);
        return t;
    }
    auto t = Tokenizer::from_hf_json(need(m, "tokenizer-json"), m.count("tokenizer-config") ? m["tokenizer-config"] : "", error);
    if (!t) die(error);
    return t;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) die("usage: ponder_tool COMMAND [options] (see the source)");
    std::string cmd = argv[1];
    auto m = parse(argc, argv, 2);
    std::string error;
    try {
        if (cmd == "vocab-gguf") {
            auto t = Tokenizer::from_hf_json(need(m, "tokenizer-json"), m.count("tokenizer-config") ? m["tokenizer-config"] : "", error);
            if (!t) die(error);
            Vocab v = t->vocab();
            v.pre = need(m, "pre");
            v.bos = std::stoi(need(m, "bos"));
            v.eos = std::stoi(need(m, "eos"));
            v.add_bos = need(m, "add-bos") == "1";
            auto tok = Tokenizer::from_vocab(v, error);
            if (!tok) die(error);
            GgufWriter w;
            write_min_hparams(w, need(m, "arch"), tok->n_vocab());
            tok->write_gguf(w);
            if (!w.write_file(need(m, "out"), error)) die(error);
            return 0;
        }
        if (cmd == "tokenize-batch") {
            std::unique_ptr<GgufFile> file;
            auto tok = load_tokenizer(m, file);
            bool special = need(m, "special") == "1";
            json out = json::array();
            for (const json& s : read_json(need(m, "in"))) out.push_back(tok->encode(s.get<std::string>(), special));
            print(out);
            return 0;
        }
        if (cmd == "detokenize-batch") {
            std::unique_ptr<GgufFile> file;
            auto tok = load_tokenizer(m, file);
            json out = json::array();
            for (const json& ids : read_json(need(m, "in"))) out.push_back(tok->decode(ids.get<std::vector<int32_t>>(), true));
            std::puts(out.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
            return 0;
        }
        if (cmd == "render-chat") {
            ChatRenderOptions opt;
            opt.think_prefix = !m.count("no-think-prefix");
            json out = json::array();
            for (const json& c : read_json(need(m, "in"))) {
                std::vector<ChatMessage> msgs;
                for (const json& msg : c.at("messages"))
                    msgs.push_back({msg.at("role").get<std::string>(), msg.at("content").get<std::string>()});
                opt.add_generation_prompt = c.value("add_generation_prompt", true);
                out.push_back(chat_render_text(msgs, opt));
            }
            print(out);
            return 0;
        }
        if (cmd == "write-seeds") {
            if (!m.count("_")) die("usage: ponder_tool write-seeds DIR");
            std::string dir = m["_"];
            for (uint32_t version : {2u, 3u}) {
                GgufWriter w(version);
                w.set_string("general.architecture", "qwen2");
                w.set_u32("qwen2.block_count", 1);
                w.set_f32("qwen2.rope.freq_base", 10000.f);
                w.set_bool("tokenizer.ggml.add_bos_token", true);
                w.set_strings("tokenizer.ggml.tokens", {"a", "b", "ab"});
                w.set_i32s("tokenizer.ggml.token_type", {1, 1, 1});
                w.set_f32s("rope_freqs", {1.f, 2.f});
                std::vector<uint8_t> nested;  // array of two arrays of u8
                GgufWriter::put_u32(nested, static_cast<uint32_t>(GgufType::ARRAY));
                GgufWriter::put_u64(nested, 2);
                for (int k = 0; k < 2; k++) {
                    GgufWriter::put_u32(nested, static_cast<uint32_t>(GgufType::U8));
                    GgufWriter::put_u64(nested, 1);
                    nested.push_back(static_cast<uint8_t>(k));
                }
                w.set_raw("test.nested", GgufType::ARRAY, nested);
                w.add_tensor("token_embd.weight", TensorType::F32, {4, 2}, std::vector<uint8_t>(32, 1));
                w.add_tensor("blk.0.attn_q.weight", TensorType::Q8_0, {32, 1}, std::vector<uint8_t>(34, 2));
                w.add_tensor("blk.0.ffn_up.weight", TensorType::Q4_K, {256, 1}, std::vector<uint8_t>(144, 3));
                if (!w.write_file(dir + "/seed_v" + std::to_string(version) + ".gguf", error)) die(error);
            }
            return 0;
        }
    } catch (const std::exception& e) {
        die(e.what());
    }
    die("unknown command " + cmd);
}
