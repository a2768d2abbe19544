// Model loading: validates every tensor the forward pass will use (present, shape, type)
// before anything runs, and checks the memory it needs against what the machine has.
#include "model.h"

#include "ponder/engine.h"
#include "quant.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ponder {

Model::~Model() {
    if (rope_factors_computed.data && backend) backend->release(rope_factors_computed);
}

bool Model::is_eog(int32_t id) const {
    for (int32_t e : eog_ids)
        if (e == id) return true;
    return false;
}

uint64_t available_memory_bytes() {
    if (const char* o = std::getenv("PONDER_MEM_AVAILABLE")) return std::strtoull(o, nullptr, 10);
    std::ifstream in("/proc/meminfo");
    std::string key;
    uint64_t kb;
    std::string unit;
    while (in >> key >> kb) {
        std::getline(in, unit);
        if (key == "MemAvailable:") return kb * 1024;
    }
    return UINT64_MAX;
}

uint64_t kv_bytes_per_token(const ModelHparams& hp, TensorType kv_type) {
    uint64_t elem = kv_type == TensorType::F32 ? 4 : 2;
    return 2 * static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(hp.n_head_kv * hp.head_dim_k) * elem;
}

namespace {

std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
    return buf;
}

struct Loader {
    Model& m;
    std::string& error;

    // A tensor of the expected shape {ne0, ne1} (ne1 = 0: one-dimensional) and a computable type.
    bool get(const std::string& name, int64_t ne0, int64_t ne1, Tensor& out, bool optional = false) {
        const GgufTensor* t = m.file->find_tensor(name);
        if (!t) {
            if (optional) return true;
            error = "tensor '" + name + "' is missing";
            return false;
        }
        int64_t rows = t->n_elements() / t->ne[0];
        bool shape_ok = t->ne[0] == ne0 && (ne1 == 0 ? rows == 1 && t->n_dims == 1 : rows == ne1 && t->n_dims == 2);
        if (!shape_ok) {
            error = "tensor '" + name + "' has shape {" + std::to_string(t->ne[0]) + ", " + std::to_string(rows) +
                    "}, expected {" + std::to_string(ne0) + ", " + std::to_string(ne1 == 0 ? 1 : ne1) + "}";
            return false;
        }
        if (!tensor_type_supported(t->type)) {
            error = "tensor '" + name + "' has type " + std::string(tensor_type_name(t->type)) +
                    ", which Ponder cannot compute with yet";
            return false;
        }
        if (ne1 == 0 && t->type != TensorType::F32) {
            error = "tensor '" + name + "' (a norm or bias) must be F32, found " + std::string(tensor_type_name(t->type));
            return false;
        }
        out = m.backend->weight(*t);
        return true;
    }
};

// Llama 3 frequency divisors from metadata (used when the file has no rope_freqs tensor).
std::vector<float> llama3_rope_factors(const GgufFile& f, const ModelHparams& hp) {
    const std::string a = hp.arch + ".rope.scaling.";
    double factor = f.get_float(a + "factor", 8.0), low = f.get_float(a + "low_freq_factor", 1.0),
           high = f.get_float(a + "high_freq_factor", 4.0), orig = f.get_float(a + "original_context_length", 8192.0);
    std::vector<float> out(static_cast<size_t>(hp.n_rot / 2));
    for (size_t i = 0; i < out.size(); i++) {
        double freq = std::pow(hp.rope_freq_base, -2.0 * static_cast<double>(i) / static_cast<double>(hp.n_rot));
        double wavelen = 2 * M_PI / freq;
        double divisor;
        if (wavelen < orig / high) divisor = 1;
        else if (wavelen > orig / low) divisor = factor;
        else {
            double smooth = (orig / wavelen - low) / (high - low);
            divisor = 1 / ((1 - smooth) / factor + smooth);
        }
        out[i] = static_cast<float>(divisor);
    }
    return out;
}

} // namespace

std::shared_ptr<Model> model_load(const std::string& path, const ModelOptions& opt, std::string& error) {
    auto m = std::make_shared<Model>();
    m->path = path;
    m->file = gguf_open(path, error);
    if (!m->file) return nullptr;
    auto fail = [&](const std::string& why) -> std::shared_ptr<Model> {
        error = path + ": " + why;
        return nullptr;
    };
    if (!model_hparams_read(*m->file, m->hp, error)) return fail(error);
    const ModelHparams& hp = m->hp;
    if (hp.arch != "qwen2" && hp.arch != "llama")
        return fail("architecture '" + hp.arch + "' cannot run on the CPU engine yet (qwen2 and llama can)");
    if (hp.n_embd % hp.n_head != 0 || hp.head_dim_k * hp.n_head != hp.n_embd || hp.head_dim_v != hp.head_dim_k)
        return fail("unsupported attention geometry (head dimension must be n_embd / n_head)");
    if (hp.n_rot <= 0 || hp.n_rot > hp.head_dim_k || hp.n_rot % 2) return fail("invalid rope.dimension_count");
    if (hp.n_ff <= 0) return fail(hp.arch + ".feed_forward_length is missing");
    m->tokenizer = Tokenizer::from_gguf(*m->file, error);
    if (!m->tokenizer) return fail(error);
    if (!chat_template_of_model(m->file->get_string("tokenizer.chat_template"), m->chat_template, m->chat_template_error))
        m->chat_template = ChatTemplateKind::Unsupported;

    if (opt.check_memory) {
        uint64_t need = m->file->file_size(), have = available_memory_bytes();
        if (need > have)
            return fail("the model needs " + gib(need) + " of memory for its weights but only " + gib(have) +
                        " is available; close other programs or choose a smaller quantization");
    }
    if (opt.backend != "cpu") return fail("backend '" + opt.backend + "' is not available in this build (cpu is)");
    // A tiny model (the bundled demo: 2 MB) does microseconds of work per layer; waking other
    // threads for it costs more than it saves, and on a busy machine spinning workers make it
    // slower still. Unless asked otherwise, one thread until the weights reach tens of MB.
    int threads = opt.n_threads;
    if (threads == 0 && m->file->file_size() < (64ull << 20)) threads = 1;
    m->backend = make_cpu_backend(threads, opt.simd);

    Loader L{*m, error};
    const int64_t n_embd = hp.n_embd, n_q = hp.n_head * hp.head_dim_k, n_kv = hp.n_head_kv * hp.head_dim_k;
    const GgufTensor* embd = m->file->find_tensor("token_embd.weight");
    int64_t n_vocab = embd ? embd->n_elements() / embd->ne[0] : 0;
    if (!L.get("token_embd.weight", n_embd, n_vocab, m->w.tok_embd)) return fail(error);
    if (n_vocab < m->tokenizer->n_vocab())
        return fail("the embedding has " + std::to_string(n_vocab) + " rows but the vocabulary " +
                    std::to_string(m->tokenizer->n_vocab()) + " tokens");
    m->hp.n_vocab = n_vocab;
    if (!L.get("output_norm.weight", n_embd, 0, m->w.output_norm)) return fail(error);
    if (m->file->find_tensor("output.weight")) {
        if (!L.get("output.weight", n_embd, n_vocab, m->w.output)) return fail(error);
    } else {
        m->w.output = m->w.tok_embd;  // tied embeddings
    }
    if (!L.get("rope_freqs.weight", hp.n_rot / 2, 0, m->w.rope_freqs, true)) return fail(error);
    if (!m->w.rope_freqs.data && hp.rope_scaling_type == "llama3") {
        m->rope_factors_host = llama3_rope_factors(*m->file, hp);
        m->rope_factors_computed = m->backend->alloc(TensorType::F32, hp.n_rot / 2, 1);
        std::copy(m->rope_factors_host.begin(), m->rope_factors_host.end(), static_cast<float*>(m->rope_factors_computed.data));
        m->w.rope_freqs = m->rope_factors_computed;
    }
    m->w.layers.resize(static_cast<size_t>(hp.n_layer));
    for (int64_t i = 0; i < hp.n_layer; i++) {
        LayerWeights& l = m->w.layers[static_cast<size_t>(i)];
        const std::string p = "blk." + std::to_string(i) + ".";
        bool ok = L.get(p + "attn_norm.weight", n_embd, 0, l.attn_norm) && L.get(p + "attn_q.weight", n_embd, n_q, l.wq) &&
                  L.get(p + "attn_k.weight", n_embd, n_kv, l.wk) && L.get(p + "attn_v.weight", n_embd, n_kv, l.wv) &&
                  L.get(p + "attn_q.bias", n_q, 0, l.bq, true) && L.get(p + "attn_k.bias", n_kv, 0, l.bk, true) &&
                  L.get(p + "attn_v.bias", n_kv, 0, l.bv, true) && L.get(p + "attn_output.weight", n_q, n_embd, l.wo) &&
                  L.get(p + "ffn_norm.weight", n_embd, 0, l.ffn_norm) &&
                  L.get(p + "ffn_gate.weight", n_embd, hp.n_ff, l.w_gate) &&
                  L.get(p + "ffn_up.weight", n_embd, hp.n_ff, l.w_up) &&
                  L.get(p + "ffn_down.weight", hp.n_ff, n_embd, l.w_down);
        if (!ok) return fail(error);
    }
    // GGUF qwen2 rotates halves of each head (NEOX order); llama's Q/K rows were permuted at
    // conversion so adjacent pairs rotate.
    m->rope_neox = hp.arch == "qwen2";

    const Vocab& v = m->tokenizer->vocab();
    if (v.eos >= 0) m->eog_ids.push_back(v.eos);
    // Control tokens that end a turn in these vocabularies (llama.cpp stops on the same ones).
    for (const char* name : {"<｜end▁of▁sentence｜>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<|im_end|>",
                             "<|endoftext|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"}) {
        int32_t id = m->tokenizer->find(name);
        if (id >= 0 && m->tokenizer->type(id) == TokenType::Control && !m->is_eog(id)) m->eog_ids.push_back(id);
    }
    return m;
}

const ModelHparams& model_hparams(const Model& m) { return m.hp; }
const Tokenizer& model_tokenizer(const Model& m) { return *m.tokenizer; }
ChatTemplateKind model_chat_template(const Model& m) { return m.chat_template; }
const std::string& model_chat_template_error(const Model& m) { return m.chat_template_error; }
std::string model_backend_description(const Model& m) { return m.backend->describe(); }
bool model_is_end_of_generation(const Model& m, int32_t token) { return m.is_eog(token); }
uint64_t model_weights_bytes(const Model& m) { return m.file->file_size(); }

} // namespace ponder
