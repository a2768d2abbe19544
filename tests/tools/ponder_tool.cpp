// ponder_tool: test-only helper that exposes engine pieces to the peer comparison scripts
// (tests/peers/*.mjs) in batch form, and writes test fixtures.
//
//   vocab-gguf --tokenizer-json F [--tokenizer-config F] --pre NAME --bos ID --eos ID --add-bos 0|1
//              --arch qwen2|llama|deepseek2 --out OUT.gguf [--chat-template JINJA_FILE]
//   tokenize-batch (--model F.gguf | --tokenizer-json F) --in CORPUS.json --special 0|1
//   detokenize-batch --model F.gguf --in IDS.json
//   render-chat --in CASES.json [--no-think-prefix]
//   write-seeds DIR          small valid GGUF files (v2, v3, every value type, 64-byte alignment):
//                            the fuzzer's seed corpus and the GGUF peer test's input
//   gguf-dump FILE           header, metadata and tensor infos as JSON, for the GGUF peer test
//   make-model --vocab-from VOCAB.gguf --out M.gguf [--arch qwen2|llama] [--type T] [--embd-type T]
//              [--output-type T] [--q4-k-m] [--n-embd N] [--n-ff N] [--n-layer N] [--n-head N]
//              [--n-head-kv N] [--vocab-tokens N] [--tied] [--rope-freqs] [--seed S] [--ctx N]
//              deepseek2: [--q-lora N (0: none)] [--kv-lora N] [--qk-nope N] [--qk-rope N] [--v-head N]
//              [--n-expert N] [--n-expert-used N] [--n-expert-shared N] [--n-ff-exp N] [--n-group N]
//              [--n-group-used N] [--dense-lead N] [--kv-b-single] [--no-yarn]
//   logits --model M.gguf --tokens 1,2,3 [--out F.bin] [--simd exact|scalar|avx2|avx512] [--kv f32|f16]
//          [--devices SPEC]   (exact: the CPU's reference math; SPEC: e.g. cpu:4MiB+cpu)
//                            all-position logits (float32, row-major)
//   generate --model M.gguf --tokens 1,2,3 [--n-predict 64] [--threads N] [--kv f32|f16] [--simd ...]
//            [--devices SPEC]   greedy generation through Session::generate (temperature 0) as JSON:
//                            {"tokens", "stop_reason", "eog"} (eog: the end-of-generation token it
//                            stopped on, the argmax of its last logits, or null)
//   split --model M.gguf --out NAME-00001-of-0000N.gguf --n N   the same model as a split set
//                            (metadata in the first shard, tensors in order across all)
//   make-r1-header --out R1.gguf [--mix q4_k_m|iq1_s]   full-size DeepSeek-R1 metadata and tensor
//                            infos over a sparse (unwritten) data region, for info and plan
//   dequant --model M.gguf --tensor NAME [--out F.bin]   a tensor dequantized (float32)
//   bench --model M.gguf [--p 512] [--n 128] [--r 3] [--threads N] [--devices SPEC] [--kv f16|f32]
//                            pp/tg tokens/s as JSON, like ponder-cli bench (no Qt needed), with the KV
//                            cache's bytes per token of context
#include "make_model.h"
#include "quant.h"
#include "ponder/bench.h"
#include "ponder/engine.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unistd.h>
#include <functional>
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
        if (a == "--no-think-prefix" || a == "--tied" || a == "--rope-freqs" || a == "--q4-k-m" || a == "--kv-b-single" ||
            a == "--no-yarn")
            m[a.substr(2)] = "1";
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

std::string fnv1a(const uint8_t* p, uint64_t n) {  // 64-bit FNV-1a of the tensor bytes, hex
    uint64_t h = 1469598103934665603ull;
    for (uint64_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
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
        w.set_u32(arch + ".attention.q_lora_rank", 32);
        w.set_f32(arch + ".expert_weights_scale", 2.5f);
    }
}

// This process's resident memory now (/proc/self/statm), bytes; 0 when unknown.
uint64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    uint64_t pages = 0, resident = 0;
    if (!(statm >> pages >> resident)) return 0;
    return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
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
            if (m.count("chat-template")) {
                std::ifstream in(m["chat-template"]);
                std::stringstream ss;
                ss << in.rdbuf();
                if (ss.str().empty()) die(m["chat-template"] + ": cannot read");
                w.set_string("tokenizer.chat_template", ss.str());
            }
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
        if (cmd == "make-model") {
            test::ModelSpec spec;
            auto num = [&](const char* k, int def) { return m.count(k) ? std::stoi(m[k]) : def; };
            spec.arch = m.count("arch") ? m["arch"] : spec.arch;
            spec.type = m.count("type") ? m["type"] : spec.type;
            spec.embd_type = m.count("embd-type") ? m["embd-type"] : "";
            spec.output_type = m.count("output-type") ? m["output-type"] : "";
            spec.q4_k_m = m.count("q4-k-m") > 0;
            if (spec.q4_k_m) spec.type = "Q4_K";
            spec.n_embd = num("n-embd", spec.n_embd);
            spec.n_ff = num("n-ff", spec.n_ff);
            spec.n_layer = num("n-layer", spec.n_layer);
            spec.n_head = num("n-head", spec.n_head);
            spec.n_head_kv = num("n-head-kv", spec.n_head_kv);
            spec.n_ctx = num("ctx", spec.n_ctx);
            spec.vocab_tokens = num("vocab-tokens", spec.vocab_tokens);
            spec.tied = m.count("tied") > 0;
            spec.rope_freqs = m.count("rope-freqs") > 0;
            spec.seed = static_cast<uint64_t>(num("seed", 1));
            // deepseek2 shapes
            spec.q_lora = num("q-lora", spec.q_lora);
            spec.kv_lora = num("kv-lora", spec.kv_lora);
            spec.qk_nope = num("qk-nope", spec.qk_nope);
            spec.qk_rope = num("qk-rope", spec.qk_rope);
            spec.v_head = num("v-head", spec.v_head);
            spec.n_expert = num("n-expert", spec.n_expert);
            spec.n_expert_used = num("n-expert-used", spec.n_expert_used);
            spec.n_expert_shared = num("n-expert-shared", spec.n_expert_shared);
            spec.n_ff_exp = num("n-ff-exp", spec.n_ff_exp);
            spec.n_group = num("n-group", spec.n_group);
            spec.n_group_used = num("n-group-used", spec.n_group_used);
            spec.dense_lead = num("dense-lead", spec.dense_lead);
            if (m.count("kv-b-single")) spec.split_kv_b = false;
            if (m.count("no-yarn")) spec.yarn_factor = 0;
            spec.vocab_from = need(m, "vocab-from");
            if (!test::make_model(spec, need(m, "out"), error)) die(error);
            return 0;
        }
        if (cmd == "logits") {
            ModelOptions mo;
            mo.check_memory = false;
            if (m.count("simd")) {
                if (m["simd"] == "exact") mo.reference_math = true;  // the CPU's reference math
                else mo.simd = m["simd"].c_str();
            }
            if (m.count("devices")) mo.devices = m["devices"];
            auto model = model_load(need(m, "model"), mo, error);
            if (!model) die(error);
            std::vector<int32_t> ids;
            std::stringstream ts(need(m, "tokens"));
            for (std::string t; std::getline(ts, t, ',');) ids.push_back(std::stoi(t));
            SessionOptions so;
            so.n_ctx = static_cast<int>(std::max<size_t>(ids.size(), 16));
            so.check_memory = false;
            if (m.count("kv")) so.kv_type = m["kv"] == "f32" ? TensorType::F32 : TensorType::F16;
            auto session = Session::create(model, so, error);
            if (!session) die(error);
            std::vector<float> logits;
            if (!session->evaluate_all_logits(ids, logits, error)) die(error);
            std::string out = m.count("out") ? m["out"] : "/dev/stdout";
            std::ofstream f(out, std::ios::binary);
            f.write(reinterpret_cast<const char*>(logits.data()), static_cast<std::streamsize>(logits.size() * 4));
            return f ? 0 : 1;
        }
        if (cmd == "generate") {
            auto num = [&](const char* k, int def) { return m.count(k) ? std::stoi(m[k]) : def; };
            ModelOptions mo;
            mo.check_memory = false;
            mo.n_threads = num("threads", 1);
            if (m.count("simd")) {
                if (m["simd"] == "exact") mo.reference_math = true;
                else mo.simd = m["simd"].c_str();
            }
            if (m.count("devices")) mo.devices = m["devices"];
            auto model = model_load(need(m, "model"), mo, error);
            if (!model) die(error);
            std::vector<int32_t> ids;
            std::stringstream ts(need(m, "tokens"));
            for (std::string t; std::getline(ts, t, ',');) ids.push_back(std::stoi(t));
            GenerateOptions go;
            go.sampler.temperature = 0;
            go.n_predict = num("n-predict", 64);
            SessionOptions so;
            so.n_ctx = static_cast<int>(ids.size()) + go.n_predict + 1;
            so.check_memory = false;
            if (m.count("kv")) so.kv_type = m["kv"] == "f32" ? TensorType::F32 : TensorType::F16;
            auto session = Session::create(model, so, error);
            if (!session) die(error);
            GenerateResult r = session->generate(ids, go, [](const Event&) {});
            if (r.reason == StopReason::Error) die(r.error);
            json j = {{"tokens", r.tokens}, {"stop_reason", stop_reason_name(r.reason)}, {"eog", nullptr}};
            if (r.reason == StopReason::Eos) {  // the token it stopped on: the argmax of the last logits
                const std::vector<float>& l = session->logits();
                j["eog"] = static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin());
            }
            print(j);
            return 0;
        }
        if (cmd == "make-r1-header") {
            if (!test::write_r1_header(m.count("mix") ? m["mix"] : "q4_k_m", need(m, "out"), error)) die(error);
            return 0;
        }
        if (cmd == "split") {
            if (!test::write_split(need(m, "model"), need(m, "out"), std::stoi(need(m, "n")), error)) die(error);
            return 0;
        }
        if (cmd == "bench") {
            auto num = [&](const char* k, int def) { return m.count(k) ? std::stoi(m[k]) : def; };
            ModelOptions mo;
            mo.n_threads = num("threads", 0);
            if (m.count("devices")) mo.devices = m["devices"];
            auto model = model_load(need(m, "model"), mo, error);
            if (!model) die(error);
            const uint64_t rss_after_load = resident_bytes();
            const BenchOptions bo{num("p", 512), num("n", 128), num("r", 3)};
            SessionOptions so;
            so.n_ctx = bo.n_prompt + bo.n_gen + 1;
            so.n_batch = std::max(so.n_batch, bo.n_prompt);
            if (m.count("kv")) so.kv_type = m["kv"] == "f32" ? TensorType::F32 : TensorType::F16;
            auto session = Session::create(model, so, error);
            if (!session) die(error);
            BenchResult r;
            if (!run_bench(*session, bo, r, error)) die(error);
            nlohmann::ordered_json j;
            j["model"] = need(m, "model");
            j["backend"] = model_backend_description(*model);
            j["n_prompt"] = bo.n_prompt;
            j["n_gen"] = bo.n_gen;
            j["pp_tokens_per_s"] = r.pp_mean;
            j["pp_tokens_per_s_sd"] = r.pp_sd;
            j["tg_tokens_per_s"] = r.tg_mean;
            j["tg_tokens_per_s_sd"] = r.tg_sd;
            j["peak_rss_bytes"] = r.peak_rss_bytes;
            j["rss_after_load_bytes"] = rss_after_load;  // a GPU's copies leave the file's pages behind
            j["kv_bytes_per_token"] = kv_bytes_per_token(model_hparams(*model), so.kv_type);
            std::puts(j.dump(2).c_str());
            return 0;
        }
        if (cmd == "dequant") {  // dequant --model M --tensor NAME [--out F.bin]: float32, GGUF order
            auto f = gguf_open(need(m, "model"), error);
            if (!f) die(error);
            const GgufTensor* t = f->find_tensor(need(m, "tensor"));
            if (!t) die("no tensor " + m["tensor"]);
            std::vector<float> out(static_cast<size_t>(t->n_elements()));
            dequantize_row(t->type, t->data, out.data(), t->n_elements());
            std::ofstream o(m.count("out") ? m["out"] : "/dev/stdout", std::ios::binary);
            o.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size() * 4));
            return o ? 0 : 1;
        }
        if (cmd == "gguf-dump") {
            if (!m.count("_")) die("usage: ponder_tool gguf-dump FILE");
            auto f = gguf_open(m["_"], error);
            if (!f) die(error);
            std::function<json(const GgufValue&)> value = [&](const GgufValue& v) -> json {
                if (v.type == GgufType::STRING) return std::string(v.str);
                if (v.type == GgufType::BOOL) return v.u != 0;
                if (v.type == GgufType::ARRAY) {
                    json a = json::array();
                    if (v.elem_type == GgufType::STRING)
                        for (auto sv : v.strings) a.push_back(std::string(sv));
                    else if (v.elem_type == GgufType::ARRAY)
                        for (const GgufValue& item : v.items) a.push_back(value(item));
                    else
                        for (uint64_t k = 0; k < v.count; k++) {
                            GgufValue e;
                            e.type = v.elem_type;
                            if (v.elem_type == GgufType::BOOL) a.push_back(v.array_int(k) != 0);
                            else if (e.is_float()) a.push_back(v.array_double(k));
                            else a.push_back(std::to_string(v.array_int(k)));  // exact, as text
                        }
                    return a;
                }
                if (v.is_float()) return v.f;
                return v.type == GgufType::U64 ? std::to_string(v.u) : std::to_string(v.as_int());
            };
            json kvs = json::object();
            for (const GgufKv& kv : f->kvs()) kvs[std::string(kv.key)] = value(kv.value);
            json tensors = json::array();
            for (const GgufTensor& t : f->tensors())
                tensors.push_back({{"name", std::string(t.name)},
                                   {"type", static_cast<uint32_t>(t.type)},
                                   {"dims", std::vector<int64_t>(t.ne, t.ne + t.n_dims)},
                                   {"offset", t.offset},
                                   {"file_offset", f->data_offset() + t.offset},
                                   {"fnv1a", fnv1a(t.data, t.nbytes)}});
            print({{"version", f->version()}, {"alignment", f->alignment()}, {"data_offset", f->data_offset()},
                   {"kvs", kvs}, {"tensors", tensors}});
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
            {  // deepseek2's hyperparameters (routing, MLA ranks, YaRN) in miniature, for the metadata fuzzer
                GgufWriter w;
                const std::string a = "deepseek2.";
                w.set_string("general.architecture", "deepseek2");
                for (const auto& [key, v] : std::vector<std::pair<std::string, uint32_t>>{
                         {"block_count", 4}, {"context_length", 4096}, {"embedding_length", 64},
                         {"feed_forward_length", 128}, {"attention.head_count", 4}, {"attention.head_count_kv", 1},
                         {"attention.key_length", 40}, {"attention.value_length", 32}, {"attention.key_length_mla", 24},
                         {"attention.value_length_mla", 16}, {"rope.dimension_count", 8}, {"attention.q_lora_rank", 16},
                         {"attention.kv_lora_rank", 32}, {"expert_count", 8}, {"expert_used_count", 2},
                         {"expert_shared_count", 1}, {"expert_feed_forward_length", 16}, {"expert_group_count", 4},
                         {"expert_group_used_count", 2}, {"leading_dense_block_count", 1}, {"expert_gating_func", 2},
                         {"rope.scaling.original_context_length", 512}})
                    w.set_u32(a + key, v);
                w.set_f32(a + "expert_weights_scale", 2.5f);
                w.set_bool(a + "expert_weights_norm", true);
                w.set_string(a + "rope.scaling.type", "yarn");
                w.set_f32(a + "rope.scaling.factor", 4.f);
                w.set_f32(a + "rope.scaling.yarn_log_multiplier", 0.1f);
                w.add_tensor("token_embd.weight", TensorType::F32, {4, 2}, std::vector<uint8_t>(32, 1));
                w.add_tensor("blk.0.attn_kv_a_mqa.weight", TensorType::Q8_0, {32, 1}, std::vector<uint8_t>(34, 2));
                w.add_tensor("blk.1.ffn_gate_exps.weight", TensorType::Q8_0, {32, 1, 2}, std::vector<uint8_t>(68, 3));
                w.add_tensor("blk.1.exp_probs_b.bias", TensorType::F32, {8}, std::vector<uint8_t>(32, 0));
                w.add_tensor("output.weight", TensorType::Q4_K, {256, 1}, std::vector<uint8_t>(144, 3));
                if (!w.write_file(dir + "/seed_deepseek2.gguf", error)) die(error);
            }
            GgufWriter w;  // every scalar type, 64-byte alignment, many tensor types
            w.set_alignment(64);
            w.set_string("general.architecture", "llama");
            w.set_u8("t.u8", 255);
            w.set_i8("t.i8", -128);
            w.set_u16("t.u16", 65535);
            w.set_i16("t.i16", -32768);
            w.set_u32("t.u32", 4294967295u);
            w.set_i32("t.i32", -2147483647 - 1);
            w.set_u64("t.u64", 18446744073709551615ull);
            w.set_i64("t.i64", -9223372036854775807ll - 1);
            w.set_f32("t.f32", 0.1f);
            w.set_f64("t.f64", 1e-300);
            w.set_bool("t.false", false);
            w.set_string("t.utf8", "R1 <｜User｜> 日本語 😀");
            w.set_string("t.empty", "");
            w.set_strings("t.strings", {"x", "", "<think>"});
            w.set_f32s("t.f32s", {1.5f, -0.25f});
            uint32_t types[] = {0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 16, 19, 20, 23, 29, 30};
            int k = 0;
            for (uint32_t type : types) {
                const TensorTypeTraits* t = tensor_type_traits(type);
                std::vector<uint8_t> bytes(t->block_bytes * (256 / t->block_elems) * 2, static_cast<uint8_t>(k));
                w.add_tensor("t" + std::to_string(k++) + "." + std::string(t->name), static_cast<TensorType>(type),
                             {256, 2}, bytes);
            }
            if (!w.write_file(dir + "/seed_types.gguf", error)) die(error);
            return 0;
        }
    } catch (const std::exception& e) {
        die(e.what());
    }
    die("unknown command " + cmd);
}
