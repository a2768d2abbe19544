// The kinds of OpenAI-compatible servers Ponder knows, with what each needs: where it usually
// listens, whether it wants a key, which sampling parameters it accepts for which models, and
// whether an R1-style model's text arrives with the thought already opened. Plain C++, no Qt.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ponder::remote {

struct ProviderPreset {
    std::string id;            // "deepseek", "vllm", "sglang", "ollama", "lmstudio", "custom"
    std::string name;          // shown to people
    std::string base_url;      // the usual address (the user can change it)
    bool needs_key;            // a request without a key is certain to be refused
    std::string key_env;       // ponder-cli's default --api-key-env for this preset (may be empty)
    std::vector<std::string> models;  // offered before /v1/models answers (or when it can't)
    // Non-standard sampling fields (top_k, min_p) the server accepts; others get only OpenAI's.
    bool accepts_extended_sampling;
    std::string help;          // one line on how such a server is started or where keys come from
    // The request field that caps the thought in tokens, or empty: vLLM's thinking_token_budget
    // (vLLM with --reasoning-config); DeepSeek's API, SGLang's OpenAI endpoint, Ollama and LM
    // Studio take none for R1 models (docs/reasoning-control.md).
    std::string thinking_budget_field = {};
};

const std::vector<ProviderPreset>& provider_presets();
// The preset with `id`, or nullptr.
const ProviderPreset* find_preset(std::string_view id);

// Whether a model is a reasoner that ignores temperature/top_p and rejects logprobs (DeepSeek's
// deepseek-reasoner), so those must not be sent.
bool model_rejects_sampling(std::string_view preset_id, std::string_view model);

// Whether text from this model, when a server sends the thought inline, starts inside an already
// opened "<think>" (R1 and its distills with the current template). A guess from the name; the
// provider settings can override it.
bool model_starts_in_thought(std::string_view model);

} // namespace ponder::remote
