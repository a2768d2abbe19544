#include "remote/provider_presets.h"

#include <algorithm>
#include <cctype>

namespace ponder::remote {

const std::vector<ProviderPreset>& provider_presets() {
    static const std::vector<ProviderPreset> presets = {
        {"deepseek", "DeepSeek", "https://api.deepseek.com", true, "DEEPSEEK_API_KEY",
         {"deepseek-reasoner", "deepseek-chat"}, false,
         "Full DeepSeek-R1 on DeepSeek's platform; create a key at platform.deepseek.com."},
        {"vllm", "vLLM", "http://localhost:8000/v1", false, "VLLM_API_KEY", {}, true,
         "vllm serve deepseek-ai/DeepSeek-R1 --tensor-parallel-size 8 --reasoning-parser deepseek_r1",
         "thinking_token_budget"},
        {"sglang", "SGLang", "http://localhost:30000/v1", false, "SGLANG_API_KEY", {}, true,
         "python3 -m sglang.launch_server --model-path deepseek-ai/DeepSeek-R1 --tp 8 --reasoning-parser deepseek-r1"},
        {"ollama", "Ollama", "http://localhost:11434/v1", false, "", {}, false,
         "ollama serve, then ollama pull deepseek-r1:7b"},
        {"lmstudio", "LM Studio", "http://localhost:1234/v1", false, "", {}, false,
         "Start the local server in LM Studio's Developer tab."},
        {"custom", "OpenAI-compatible server", "", false, "", {}, false,
         "Any server that speaks OpenAI's /v1/chat/completions."},
    };
    return presets;
}

const ProviderPreset* find_preset(std::string_view id) {
    for (const ProviderPreset& p : provider_presets())
        if (p.id == id) return &p;
    return nullptr;
}

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}
} // namespace

bool model_rejects_sampling(std::string_view preset_id, std::string_view model) {
    // DeepSeek's docs: deepseek-reasoner accepts temperature/top_p/presence/frequency penalties
    // but ignores them, and answers logprobs/top_logprobs with an error.
    return preset_id == "deepseek" && lower(model).find("reasoner") != std::string::npos;
}

bool model_starts_in_thought(std::string_view model) {
    std::string m = lower(model);
    for (const char* marker : {"r1", "reasoner", "think", "qwq", "ponder"})
        if (m.find(marker) != std::string::npos) return true;
    return false;
}

} // namespace ponder::remote
