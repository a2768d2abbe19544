#include "generation.h"

#include "ponder/devices.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace ponder::cli {

int parse_int(const Args& args, const std::string& name, int def) {
    if (!args.has(name)) return def;
    std::string v = args.get(name);
    try {
        size_t used;
        long long x = std::stoll(v, &used);
        if (used != v.size() || x < INT32_MIN || x > INT32_MAX) throw std::invalid_argument(v);
        return static_cast<int>(x);
    } catch (const std::exception&) {
        throw UsageError("--" + name + " expects an integer, got '" + v + "'");
    }
}

double parse_double(const Args& args, const std::string& name, double def) {
    if (!args.has(name)) return def;
    std::string v = args.get(name);
    try {
        size_t used;
        double x = std::stod(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return x;
    } catch (const std::exception&) {
        throw UsageError("--" + name + " expects a number, got '" + v + "'");
    }
}

SamplerParams sampler_from_args(const Args& args) {
    SamplerParams p;  // R1's recommended defaults: temperature 0.6, top-p 0.95
    p.temperature = static_cast<float>(parse_double(args, "temp", p.temperature));
    p.top_k = parse_int(args, "top-k", p.top_k);
    p.top_p = static_cast<float>(parse_double(args, "top-p", p.top_p));
    p.min_p = static_cast<float>(parse_double(args, "min-p", p.min_p));
    p.repeat_penalty = static_cast<float>(parse_double(args, "repeat-penalty", p.repeat_penalty));
    p.repeat_last_n = parse_int(args, "repeat-last-n", p.repeat_last_n);
    if (args.has("seed")) p.seed = static_cast<uint64_t>(parse_double(args, "seed", 0));
    if (p.temperature < 0 || p.top_p <= 0 || p.top_p > 1 || p.min_p < 0 || p.min_p > 1 || p.top_k < 0 ||
        p.repeat_penalty <= 0)
        throw UsageError("sampling values out of range (temp >= 0, 0 < top-p <= 1, 0 <= min-p <= 1, top-k >= 0)");
    return p;
}

ThinkingOptions thinking_from_args(const Args& args) {
    ThinkingOptions t;
    t.budget = parse_int(args, "think-budget", -1);
    t.min_tokens = parse_int(args, "think-min", 0);
    t.max_waits = parse_int(args, "max-waits", args.has("think-min") ? 1 : 0);
    t.max_answer_tokens = parse_int(args, "max-answer-tokens", -1);
    if (args.has("think-closing")) t.closing = args.get("think-closing");
    if (args.has("wait-text")) t.wait_text = args.get("wait-text");
    if (t.budget < -1 || t.min_tokens < 0 || t.max_waits < 0 || t.max_answer_tokens < -1)
        throw UsageError("--think-budget, --think-min, --max-waits and --max-answer-tokens take 0 or more");
    if (args.has("loop-stop") && args.has("no-loop-check"))
        throw UsageError("--loop-stop and --no-loop-check contradict each other");
    t.loop = args.has("loop-stop") ? LoopPolicy::Stop : args.has("no-loop-check") ? LoopPolicy::Off : LoopPolicy::Warn;
    return t;
}

StreamPrinter::StreamPrinter() : tty_(isatty(STDOUT_FILENO)) {}

void StreamPrinter::piece(const Event& e) {
    if (e.kind == EventKind::Forced) {
        // What the engine did to the thought, on stderr so stdout stays the model's text.
        std::fflush(stdout);
        std::fprintf(stderr, "%s[ponder: %s]\n", tty_ ? "\n" : "", describe(e.forced).c_str());
        return;
    }
    if (e.kind != EventKind::Reasoning && e.kind != EventKind::Answer) return;
    bool reasoning = e.kind == EventKind::Reasoning;
    if (reasoning != in_reasoning_) {
        if (tty_) std::fputs(reasoning ? "\033[2m" : "\033[0m\n", stdout);
        else std::fputs(reasoning ? "<think>\n" : "\n</think>\n\n", stdout);
        in_reasoning_ = reasoning;
    }
    std::fwrite(e.text.data(), 1, e.text.size(), stdout);
    std::fflush(stdout);
    printed_ = true;
}

void StreamPrinter::finish() {
    if (in_reasoning_) std::fputs(tty_ ? "\033[0m" : "\n</think>", stdout);
    in_reasoning_ = false;
    std::fputs("\n", stdout);
}

// The prompt as token ids: a user message in the model's chat template, or (--raw) the text
// as-is with special tokens recognised and BOS as the vocabulary asks.
std::vector<int32_t> prompt_tokens(const Model& model, const std::string& text, bool raw, bool& opens_think) {
    const Tokenizer& tok = model_tokenizer(model);
    if (raw) {
        std::string trimmed = text;
        while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
        opens_think = trimmed.size() >= 7 && trimmed.compare(trimmed.size() - 7, 7, "<think>") == 0;
        return tok.encode(text, /*allow_special=*/true, /*add_bos=*/true);
    }
    ChatTemplateKind kind = model_chat_template(model);
    if (kind == ChatTemplateKind::Unsupported)
        throw CommandError(model_chat_template_error(model) + " (use --raw to send text as-is)");
    ChatRenderOptions ro;
    ro.think_prefix = kind == ChatTemplateKind::DeepSeekR1;
    opens_think = ro.think_prefix;
    std::vector<int32_t> ids;
    std::string error;
    if (!chat_render_tokens(tok, {{"user", text}}, ro, ids, error)) throw CommandError(error);
    return ids;
}

std::string model_path(const Args& args) {
    if (args.has("model")) return args.get("model");
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("PONDER_DEMO_MODEL")) candidates.emplace_back(env);
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share/ponder/models" / kDemoModelFile);
    candidates.push_back(fs::path(PONDER_RESOURCES_DIR) / "models" / kDemoModelFile);
    for (const fs::path& p : candidates)
        if (fs::is_regular_file(p, ec)) return p.string();
    throw UsageError("no --model given and the bundled demo model (" + std::string(kDemoModelFile) + ") was not found");
}

std::string model_file_name(const Args& args) { return std::filesystem::path(model_path(args)).filename().string(); }

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// --device N or NAME (part of a name, any case) among the Vulkan devices.
ComputeDevice vulkan_device(const std::string& choice, const std::vector<ComputeDevice>& devices) {
    std::vector<const ComputeDevice*> vulkan;
    for (const ComputeDevice& d : devices)
        if (d.backend == "vulkan") vulkan.push_back(&d);
    const bool number = !choice.empty() && std::all_of(choice.begin(), choice.end(), [](char c) { return c >= '0' && c <= '9'; });
    for (const ComputeDevice* d : vulkan)
        if (number ? std::to_string(d->index) == choice : lower(d->name).find(lower(choice)) != std::string::npos) return *d;
    throw CommandError("no Vulkan device " + (number ? choice : "named '" + choice + "'") + " (ponder-cli devices lists " +
                       std::to_string(vulkan.size()) + ")");
}

TensorType cache_type(const Args& args) {
    const std::string cache = args.get("cache-type", "f16");
    if (cache != "f16" && cache != "f32") throw UsageError("--cache-type must be f16 or f32");
    return cache == "f32" ? TensorType::F32 : TensorType::F16;
}

// ModelOptions::devices from --backend, --device and --gpu-layers. With none of them (nor
// --simd, which is the CPU's), the best discrete GPU that holds the model, else the CPU; a plain
// --backend vulkan puts as many layers as fit on the GPU. `why` says what was chosen when
// Ponder chose; n_ctx is the context the choice was made for (0: the user's or the engine's).
DeviceChoice devices_spec(const Args& args) {
    DeviceChoice c;
    const bool chosen = args.has("backend") || args.has("device") || args.has("gpu-layers") || args.has("simd");
    const std::string backend = args.get("backend", "cpu");
    std::string error;
    if (!chosen) {
        if (!choose_devices(model_path(args), list_devices().devices, parse_int(args, "ctx", 0), cache_type(args), c, error))
            throw CommandError(error);
        if (c.devices == "cpu") c.n_ctx = 0;  // the CPU session sizes its own context from RAM
        return c;
    }
    if (backend.find_first_of(":+#") != std::string::npos) {
        if (args.has("device") || args.has("gpu-layers"))
            throw UsageError("--device and --gpu-layers go with a plain --backend vulkan, not a device spec");
        c.devices = backend;
        return c;
    }
    if (backend == "cpu") {
        if (args.has("device") || args.has("gpu-layers"))
            throw UsageError("--device and --gpu-layers need a GPU backend (--backend vulkan)");
        c.devices = backend;
        return c;
    }
    if (backend != "vulkan") {  // the engine names what it does not know
        c.devices = backend;
        return c;
    }
    const std::vector<ComputeDevice> devices = list_devices().devices;
    const bool any = std::any_of(devices.begin(), devices.end(), [](const ComputeDevice& d) { return d.backend == "vulkan"; });
    if (!any && !args.has("device")) {  // the engine says why: no driver, a build without Vulkan
        c.devices = backend;
        return c;
    }
    const ComputeDevice gpu = vulkan_device(args.get("device", "0"), devices);
    const std::string spec = backend + "#" + std::to_string(gpu.index);
    if (!gpu.unusable.empty()) {  // the engine refuses it with the reason
        c.devices = spec;
        return c;
    }
    if (args.has("gpu-layers")) {
        const int layers = parse_int(args, "gpu-layers", 0);
        if (layers < 0) throw UsageError("--gpu-layers must be 0 or more");
        if (!layers_on_gpu(model_path(args), gpu, layers, parse_int(args, "ctx", 0), cache_type(args), c, error))
            throw CommandError(error);
        return c;
    }
    if (!fit_on_gpu(model_path(args), gpu, parse_int(args, "ctx", 0), cache_type(args), c, error)) throw CommandError(error);
    return c;
}

} // namespace

Loaded load_model_and_session(const Args& args, bool quiet) {
    ModelOptions mo;
    mo.n_threads = parse_int(args, "threads", 0);
    const DeviceChoice choice = devices_spec(args);
    mo.devices = choice.devices;
    std::string simd = args.get("simd");
    if (simd == "exact") mo.reference_math = true;  // the CPU's slow reference math, for checks
    else if (!simd.empty()) mo.simd = simd.c_str();
    if (mo.n_threads < 0) throw UsageError("--threads must be positive");
    std::string error;
    Loaded l;
    l.model = model_load(model_path(args), mo, error);
    if (!l.model) throw CommandError(error);
    SessionOptions so;
    so.n_ctx = parse_int(args, "ctx", 0);
    if (so.n_ctx < 0) throw UsageError("--ctx must be positive");
    if (so.n_ctx == 0 && choice.devices != "cpu") so.n_ctx = static_cast<int>(choice.n_ctx);  // what fits the GPU
    so.kv_type = cache_type(args);
    l.session = Session::create(l.model, so, error);
    if (!l.session) throw CommandError(error);
    if (!quiet) {
        if (!choice.why.empty()) std::fprintf(stderr, "ponder: runs on %s\n", choice.why.c_str());
        const ModelHparams& hp = model_hparams(*l.model);
        std::fprintf(stderr, "ponder: %s, %s, %lld layers, context %d, %s\n", model_path(args).c_str(), hp.arch.c_str(),
                     static_cast<long long>(hp.n_layer), l.session->n_ctx(), model_backend_description(*l.model).c_str());
    }
    return l;
}

} // namespace ponder::cli
