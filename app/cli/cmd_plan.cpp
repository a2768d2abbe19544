// ponder-cli plan: where a model would go on a machine, from its metadata and tensor infos
// alone (a header-only or sparse file plans like the real one), as a table or JSON.
#include "args.h"
#include "commands.h"

#include "ponder/gguf.h"
#include "ponder/plan.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::cli {

namespace {

nlohmann::ordered_json plan_json(const ModelPlan& p) {
    nlohmann::ordered_json j;
    j["model"] = p.model;
    j["architecture"] = p.arch;
    j["n_layer"] = p.n_layer;
    j["n_expert"] = p.n_expert;
    j["n_expert_used"] = p.n_expert_used;
    j["n_params"] = p.n_params;
    j["n_params_active"] = p.n_params_active;
    j["weight_bytes"] = p.weight_bytes;
    j["active_bytes_per_token"] = p.active_bytes_per_token;
    j["kv_bytes_per_token"] = p.kv_bytes_per_token;
    j["n_ctx"] = p.n_ctx;
    j["strategy"] = p.strategy;
    j["fits"] = p.fits;
    if (!p.fits) {
        j["why"] = p.why;
        j["shortfall_bytes"] = p.shortfall_bytes;
        j["shortfall_gib"] = static_cast<double>(p.shortfall_bytes) / (1ull << 30);
        return j;
    }
    j["devices"] = nlohmann::ordered_json::array();
    for (const PlannedDevice& d : p.devices)
        j["devices"].push_back({{"name", d.name}, {"kind", d.kind}, {"budget_bytes", d.budget},
                                {"holds", d.holds}, {"weight_bytes", d.weight_bytes}, {"kv_bytes", d.kv_bytes},
                                {"reserve_bytes", d.reserve_bytes}, {"used_bytes", d.used()},
                                {"read_bytes_per_token", d.read_per_token}, {"bandwidth_bytes_per_s", d.bandwidth}});
    j["predicted_tokens_per_s"] = p.tokens_per_s;
    return j;
}

} // namespace

int cmd_plan(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {"model", "devices", "ctx", "strategy", "gpu-reserve"});
    const std::string path = args.require("model");
    PlanOptions o;
    o.devices = args.require("devices");
    o.strategy = args.get("strategy", "auto");
    if (args.has("ctx")) {
        try {
            o.n_ctx = std::stoll(args.get("ctx"));
        } catch (const std::exception&) {
            throw UsageError("--ctx takes a number of tokens");
        }
        if (o.n_ctx < 1 || o.n_ctx > (1 << 24)) throw UsageError("--ctx must be between 1 and 16777216 tokens");
    }
    if (args.has("gpu-reserve")) {
        try {
            o.reserve_gpu = std::stoull(args.get("gpu-reserve")) << 20;
        } catch (const std::exception&) {
            throw UsageError("--gpu-reserve takes MiB to keep free on each GPU, e.g. 1024");
        }
    }
    std::string error;
    auto file = gguf_open(path, error);
    if (!file) throw CommandError(error);
    ModelPlan plan;
    if (!plan_model(*file, o, plan, error)) throw CommandError(path + ": " + error);
    if (args.has("json"))
        std::puts(plan_json(plan).dump(2).c_str());
    else
        std::fputs(plan.text().c_str(), stdout);
    if (!plan.fits) std::fprintf(stderr, "ponder-cli: %s: %s\n", path.c_str(), plan.why.c_str());
    return plan.fits ? 0 : 3;
}

} // namespace ponder::cli
