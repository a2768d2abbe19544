// Every architecture the engine knows, in one place (see arch.h).
#include "arch.h"

namespace ponder {

extern const Architecture kLlamaArchitecture;     // arch/llama.cpp
extern const Architecture kQwen2Architecture;     // arch/llama.cpp (same forward, other flags)
extern const Architecture kDeepseek2Architecture; // arch/deepseek2.cpp (hyperparameters only, for now)

namespace {
const Architecture* const kArchitectures[] = {&kQwen2Architecture, &kLlamaArchitecture, &kDeepseek2Architecture};
} // namespace

const Architecture* find_architecture(std::string_view name) {
    for (const Architecture* a : kArchitectures)
        if (a->name == name) return a;
    return nullptr;
}

std::string architecture_names(bool runnable_only) {
    std::string s;
    for (const Architecture* a : kArchitectures)
        if (!runnable_only || a->runnable()) s += (s.empty() ? "" : ", ") + std::string(a->name);
    return s;
}

} // namespace ponder
