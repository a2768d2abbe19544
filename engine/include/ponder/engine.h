// Ponder's inference engine: the public API. Plain C++20, no Qt. No exception crosses it: bad
// input gives an error message a user can act on.
//
//   auto model = ponder::model_load("model.gguf", {}, error);          // mmap, memory checked
//   auto session = ponder::Session::create(model, {}, error);           // KV cache
//   session->generate(prompt_tokens, options, [](const ponder::Event& e) { ... });
#pragma once

#include "ponder/chat_template.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"
#include "ponder/sampler.h"
#include "ponder/tensor_types.h"
#include "ponder/thinking.h"
#include "ponder/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ponder {

// Version of the engine, "MAJOR.MINOR.PATCH".
const char* engine_version();

struct Model;  // opaque

struct ModelOptions {
    int n_threads = 0;          // CPU threads per session; 0: one per core available to the process
    // Where the weights and KV cache go: '+'-joined terms [N x]KIND[#INDEX][:BUDGET], e.g. "cpu",
    // or "cpu:512MiB+cpu" (layers fill the first device up to its budget, then the next).
    std::string devices = "cpu";
    bool check_memory = true;   // refuse a model whose weights do not fit in available RAM
    // CPU kernels: "scalar", "avx2", "avx512" caps the SIMD level. null: the best available.
    const char* simd = nullptr;
    // Reference math on the CPU: weights dequantized to F32 and dotted with unquantized
    // activations in double. Slow; for checking the quantized fast paths.
    bool reference_math = false;
    // Weights used in place from the mapped file where the device can read host memory (the
    // CPU); false copies them into the device's own memory, as a GPU always does.
    bool use_mmap = true;
    // Copies into device memory report progress(bytes done, bytes total) and stop, with the error
    // "cancelled", when *cancel becomes true. Both optional; called on the loading thread.
    std::function<void(uint64_t done, uint64_t total)> progress;
    const std::atomic<bool>* cancel = nullptr;
    // Thinking budget, minimum, "answer now", loop detection (ponder/thinking.h). The defaults
    // leave the thought alone but for a loop warning.
    ThinkingOptions thinking;
};

std::shared_ptr<Model> model_load(const std::string& path, const ModelOptions& options, std::string& error);

// A ModelOptions::devices spec that puts the token embeddings and the first `n_gpu_layers` layers
// of the model at `path` on `gpu` (e.g. "vulkan#0") and the rest on the CPU: "cpu" for 0 layers,
// `gpu` alone (the output head too) for all of them or more. Empty + error when the file cannot
// be read.
std::string gpu_layers_devices(const std::string& path, const std::string& gpu, int n_gpu_layers, std::string& error);

const ModelHparams& model_hparams(const Model& m);
const Tokenizer& model_tokenizer(const Model& m);
// The model's chat template kind; Unsupported with model_chat_template_error() when not R1.
ChatTemplateKind model_chat_template(const Model& m);
const std::string& model_chat_template_error(const Model& m);
// The devices that run the model and what each holds, e.g. "CPU (avx512, 2 threads)".
std::string model_backend_description(const Model& m);
bool model_is_end_of_generation(const Model& m, int32_t token);
uint64_t model_weights_bytes(const Model& m);

// Bytes the KV cache takes per token of context (all layers, K and V).
uint64_t kv_bytes_per_token(const ModelHparams& hp, TensorType kv_type);
// Available memory (MemAvailable; PONDER_MEM_AVAILABLE overrides it, for tests).
uint64_t available_memory_bytes();

struct SessionOptions {
    int n_ctx = 0;                        // 0: the trained length, capped by available memory
    TensorType kv_type = TensorType::F16; // F16 or F32
    int n_batch = 256;                    // prompt tokens per forward pass
    bool check_memory = true;
};

// Forced: the engine steered the thought (Event::forced says how; ponder/thinking.h).
enum class EventKind { Reasoning, Answer, Stats, Done, Error, Forced };
// Eos: the model ended its turn; Length: n_predict tokens; ContextFull: the context has no room
// for another token; Cancelled; Error (GenerateResult::error says why).
enum class StopReason { None, Eos, Length, ContextFull, Cancelled, Error };
const char* stop_reason_name(StopReason r);

struct GenerationStats {
    int prompt_tokens = 0;       // tokens in the prompt
    int prompt_evaluated = 0;    // of those, evaluated now (the rest came from the KV cache)
    double prompt_ms = 0;
    int generated_tokens = 0;
    double generation_ms = 0;
    double first_token_ms = 0;   // from the call to the first generated token
    int reasoning_tokens = 0;    // of the generated tokens, those inside the thought
};

struct Event {
    EventKind kind;
    std::string text;            // Reasoning / Answer pieces (complete UTF-8)
    GenerationStats stats;       // Stats, Done; on pieces: the counts so far (live tokens/s)
    StopReason reason = StopReason::None;  // Done
    std::string error;           // Error
    ForcedAction forced;         // Forced
};

using EventCallback = std::function<void(const Event&)>;

struct GenerateOptions {
    SamplerParams sampler;
    int n_predict = -1;          // -1: until end of generation or a full context
    // The prompt already opened the thought (R1 templates end in "<think>\n"): output starts as
    // reasoning until "</think>".
    bool prompt_opens_think = true;
    // A caller's cancel flag, read between prompt batches and before each token, and never cleared
    // (Session::cancel()'s flag is cleared when generate() starts, so a cancel that lands just
    // before the call would be lost). Already set: nothing is evaluated. Must outlive the call.
    const std::atomic<bool>* cancel = nullptr;
    // Thinking budget, minimum, "answer now", loop detection (ponder/thinking.h). The defaults
    // leave the thought alone but for a loop warning.
    ThinkingOptions thinking;
};

struct GenerateResult {
    std::vector<int32_t> tokens;  // generated ids, the final end-of-generation token excluded
    std::string reasoning, answer;
    StopReason reason = StopReason::None;
    GenerationStats stats;
    std::string error;
    std::vector<ForcedAction> forced;  // what the engine did to the thought, in order
};

class Session {
public:
    static std::unique_ptr<Session> create(std::shared_ptr<Model> model, const SessionOptions& options,
                                           std::string& error);
    ~Session();

    // Evaluates `tokens` as the whole sequence: only the suffix not already in the KV cache is
    // computed. Afterwards logits() are those after the last token. false + error when the
    // sequence does not fit the context or contains an invalid id.
    bool evaluate(const std::vector<int32_t>& tokens, std::string& error);
    // Logits after every position of `tokens` (teacher forcing, for tests and eval); resets the cache.
    // Both evaluate calls can be stopped by cancel() from another thread (error "cancelled").
    bool evaluate_all_logits(const std::vector<int32_t>& tokens, std::vector<float>& logits, std::string& error);
    const std::vector<float>& logits() const;

    // Streams a reply to `prompt` (the whole conversation's tokens; the cached prefix is reused).
    // Events arrive on the calling thread. cancel() from any thread stops it within one token.
    // Sessions of one model are independent: each may run on its own thread at the same time.
    GenerateResult generate(const std::vector<int32_t>& prompt, const GenerateOptions& options,
                            const EventCallback& on_event);
    void cancel();
    // Ends the current thought as soon as possible (before the next token): the closing, then
    // the answer. Any thread; no effect outside a thought. Cleared when generate() starts.
    void answer_now();

    int n_ctx() const;
    const std::vector<int32_t>& cached_tokens() const;
    const Model& model() const;

private:
    struct State;
    Session() = default;
    std::unique_ptr<State> s_;
};

} // namespace ponder
