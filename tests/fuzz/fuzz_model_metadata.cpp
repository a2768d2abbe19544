// libFuzzer target: a model's metadata as the engine reads it before loading anything (the
// hyperparameters, every architecture's own keys, the expert counts, groups and MLA ranks) and
// the placement planner over its tensor infos. For any bytes: no crash, leak, undefined
// behaviour or huge allocation; a refusal says why; what is accepted is consistent enough for
// the forward and the cache (the checks below are the invariants the engine relies on).
#include "ponder/engine.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"
#include "ponder/plan.h"

#include <cstdlib>

using namespace ponder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string error;
    auto f = gguf_parse(data, size, error);
    if (!f) return 0;
    ModelSummary s;
    if (!model_summary_read(*f, s, error)) {
        if (error.empty()) std::abort();
        return 0;
    }
    const ModelHparams& hp = s.hp;
    if (hp.n_layer <= 0 || hp.n_layer > 1024 || hp.n_embd <= 0 || hp.n_head <= 0 || hp.n_head % hp.n_head_kv)
        std::abort();
    if (hp.arch == "deepseek2" &&
        (hp.kv_lora_rank <= 0 || hp.n_expert_used > hp.n_expert || hp.n_layer_dense_lead > hp.n_layer ||
         (hp.n_expert > 0 && (hp.n_expert % hp.n_expert_groups ||
                              hp.n_expert_used > hp.n_group_used * (hp.n_expert / hp.n_expert_groups)))))
        std::abort();
    (void)kv_bytes_per_token(hp, TensorType::F16);
    for (const char* devices : {"cpu", "cuda:1GiB+cpu:2GiB", "2xvulkan:64MiB+cpu"}) {
        PlanOptions o;
        o.devices = devices;
        ModelPlan p;
        if (!plan_model(*f, o, p, error)) {
            if (error.empty()) std::abort();
            continue;
        }
        if (p.fits ? !p.why.empty() || p.tokens_per_s < 0 : p.why.empty() || p.shortfall_bytes == 0) std::abort();
        (void)p.text();
    }
    return 0;
}
