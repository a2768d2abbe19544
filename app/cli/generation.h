// Shared by ponder-cli run, chat and bench: loading a model and session from the common flags.
#pragma once

#include "args.h"
#include "ponder/engine.h"

#include <memory>
#include <string>

namespace ponder::cli {

// Flags every command that runs a model accepts.
inline const std::set<std::string> kModelOptions = {"model", "threads", "ctx", "backend", "device", "gpu-layers",
                                                    "simd", "cache-type"};
inline const std::set<std::string> kSamplerOptions = {"temp", "top-k", "top-p", "min-p", "repeat-penalty",
                                                      "repeat-last-n", "seed"};

// Reasoning control (ponder/thinking.h): --think-budget N, --think-min N, --max-waits N,
// --think-closing TEXT, --wait-text TEXT, --max-answer-tokens N, and the flags --loop-stop /
// --no-loop-check.
inline const std::set<std::string> kThinkingOptions = {"think-budget", "think-min", "max-waits", "think-closing",
                                                       "wait-text", "max-answer-tokens"};
inline const std::set<std::string> kThinkingFlags = {"loop-stop", "no-loop-check"};
ThinkingOptions thinking_from_args(const Args& args);

struct Loaded {
    std::shared_ptr<Model> model;
    std::unique_ptr<Session> session;
};

// The bundled demo model, used when --model is not given: $PONDER_DEMO_MODEL, then the installed
// copy (<prefix>/share/ponder/models), then the source tree's resources/ (running from a build).
inline constexpr const char* kDemoModelFile = "ponder-demo.gguf";
std::string model_path(const Args& args);
std::string model_file_name(const Args& args);  // model_path's last component, as conversations record it

// Loads --model (or the demo model) with --threads/--backend and creates a session with --ctx; logs to stderr.
Loaded load_model_and_session(const Args& args, bool quiet);
SamplerParams sampler_from_args(const Args& args);

// The prompt as token ids: a user message in the model's chat template, or (raw) the text as-is
// with special tokens recognised and BOS as the vocabulary asks. Sets opens_think when the prompt
// ends inside an opened "<think>".
std::vector<int32_t> prompt_tokens(const Model& model, const std::string& text, bool raw, bool& opens_think);

// Streams reasoning and answer pieces to stdout: reasoning dimmed on a terminal, fenced by
// <think> tags otherwise.
class StreamPrinter {
public:
    StreamPrinter();
    void piece(const Event& e);  // Reasoning / Answer pieces, and Forced notes; others are ignored
    void finish();               // closes an open reasoning block and ends the line
    bool printed() const { return printed_; }

private:
    bool tty_, in_reasoning_ = false, printed_ = false;
};
int parse_int(const Args& args, const std::string& name, int def);
double parse_double(const Args& args, const std::string& name, double def);

} // namespace ponder::cli
