// ponder/plan.h: the placement planner over a file's tensor infos, with the KV cache at a
// context, a working reserve per GPU, bytes read per token and a bandwidth-bound prediction.
#include "ponder/plan.h"

#include "placement.h"
#include "ponder/engine.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"

#include <algorithm>
#include <cstdio>

namespace ponder {

namespace {

std::string gib(uint64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / (1ull << 30));
    return buf;
}

bool is_routed_expert(std::string_view name) { return name.find("_exps.") != std::string_view::npos; }

// The devices of one placement, with what each reads per token.
void fill_devices(const Placement& p, const ModelFootprint& f, const PlanExtras& x, const ModelPlan& plan,
                  const PlanOptions& o, std::vector<PlannedDevice>& out) {
    out.clear();
    const double chosen = plan.n_expert > 0 ? static_cast<double>(plan.n_expert_used) / static_cast<double>(plan.n_expert) : 1.0;
    for (size_t d = 0; d < p.devices.size(); d++) {
        const DeviceSpec& spec = p.devices[d];
        PlannedDevice pd;
        pd.name = device_name(spec);
        pd.kind = spec.kind;
        pd.budget = spec.budget;
        pd.bandwidth = spec.bandwidth_or_default();
        pd.holds = p.parts_on(static_cast<int>(d));
        pd.weight_bytes = p.bytes[d];
        pd.kv_bytes = p.kv_bytes[d];
        pd.reserve_bytes = (!spec.is_cpu() && (p.bytes[d] || p.kv_bytes[d])) ? o.reserve_gpu : 0;
        double read = 0;
        if (p.input == static_cast<int>(d)) read += static_cast<double>(f.input_row);
        for (size_t l = 0; l < p.layers.size(); l++) {
            const double routed = static_cast<double>(f.routed[l]);
            if (p.layers[l] == static_cast<int>(d))
                read += static_cast<double>(f.layers[l]) - routed + static_cast<double>(x.kv_per_layer);
            if (p.experts[l] == static_cast<int>(d)) read += routed * chosen;
        }
        if (p.output == static_cast<int>(d)) read += static_cast<double>(f.output);
        pd.read_per_token = static_cast<uint64_t>(read);
        out.push_back(pd);
    }
}

} // namespace

void count_params(const GgufFile& file, int64_t n_expert, int64_t n_expert_used, uint64_t& total, uint64_t& active) {
    total = 0;
    double act = 0;
    for (const GgufTensor& t : file.tensors()) {
        const auto n = static_cast<uint64_t>(t.n_elements());
        total += n;
        act += is_routed_expert(t.name) && n_expert > 0
                   ? static_cast<double>(n) * static_cast<double>(n_expert_used) / static_cast<double>(n_expert)
                   : static_cast<double>(n);
    }
    active = static_cast<uint64_t>(act);
}

bool plan_model(const GgufFile& file, const PlanOptions& o, ModelPlan& plan, std::string& error) {
    ModelHparams hp;
    if (!model_hparams_read(file, hp, error)) return false;
    std::vector<DeviceSpec> devices;
    if (!parse_device_spec(o.devices, devices, error)) return false;
    for (const DeviceSpec& d : devices) {
        if (d.kind != "cpu" && d.kind != "vulkan" && d.kind != "cuda") {
            error = "device kind '" + d.kind + "' is not one of cpu, vulkan, cuda";
            return false;
        }
        if (!d.is_cpu() && !d.budget) {
            error = "give the memory of each " + d.kind + " device (e.g. " + d.kind + ":80GiB): the plan reads no device";
            return false;
        }
    }
    if (o.strategy != "auto" && o.strategy != "layers" && o.strategy != "hybrid") {
        error = "strategy '" + o.strategy + "' is not one of auto, layers, hybrid";
        return false;
    }
    plan = ModelPlan{};
    plan.model = std::string(file.get_string("general.name"));
    if (plan.model.empty()) plan.model = hp.arch;
    plan.arch = hp.arch;
    plan.n_layer = hp.n_layer;
    plan.n_expert = hp.n_expert;
    plan.n_expert_used = hp.n_expert_used;
    plan.n_ctx = o.n_ctx > 0 ? o.n_ctx : std::min<int64_t>(hp.n_ctx_train > 0 ? hp.n_ctx_train : 4096, 32768);
    plan.kv_bytes_per_token = kv_bytes_per_token(hp, o.kv_type);
    count_params(file, hp.n_expert, hp.n_expert_used, plan.n_params, plan.n_params_active);

    const ModelFootprint f = model_footprint(file, hp.n_layer);
    plan.weight_bytes = f.input + f.output;
    double active = static_cast<double>(f.input_row + f.output);
    for (size_t l = 0; l < f.layers.size(); l++) {
        plan.weight_bytes += f.layers[l];
        active += static_cast<double>(f.layers[l] - f.routed[l]) +
                  (hp.n_expert > 0 ? static_cast<double>(f.routed[l]) * static_cast<double>(hp.n_expert_used) /
                                         static_cast<double>(hp.n_expert)
                                   : 0.0);
    }
    plan.active_bytes_per_token = static_cast<uint64_t>(active);

    PlanExtras x;
    x.kv_per_layer = hp.n_layer > 0 ? plan.kv_bytes_per_token / static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(plan.n_ctx) : 0;
    x.reserve_gpu = o.reserve_gpu;
    const bool has_cpu = std::any_of(devices.begin(), devices.end(), [](const DeviceSpec& d) { return d.is_cpu(); });
    const bool has_gpu = std::any_of(devices.begin(), devices.end(), [](const DeviceSpec& d) { return !d.is_cpu(); });
    const bool moe = std::any_of(f.routed.begin(), f.routed.end(), [](uint64_t b) { return b > 0; });
    std::vector<std::string> tries;
    if (o.strategy != "hybrid") tries.push_back("layers");
    if (o.strategy == "hybrid" || (o.strategy == "auto" && moe && has_cpu && has_gpu)) tries.push_back("hybrid");

    bool first = true;
    for (const std::string& strategy : tries) {
        x.hybrid = strategy == "hybrid";
        Placement p;
        std::string why;
        uint64_t shortfall = 0;
        ModelPlan candidate = plan;
        candidate.strategy = strategy;
        if (plan_placement(devices, f, x, p, why, &shortfall)) {
            candidate.fits = true;
            fill_devices(p, f, x, candidate, o, candidate.devices);
            double seconds = 0;
            for (const PlannedDevice& d : candidate.devices)
                seconds += static_cast<double>(d.read_per_token) / d.bandwidth;
            candidate.tokens_per_s = seconds > 0 ? 1.0 / seconds : 0;
        } else if (x.hybrid && why.find("needs a GPU term") != std::string::npos) {
            error = why;
            return false;
        } else {
            candidate.why = why;
            candidate.shortfall_bytes = shortfall;
        }
        // Keep the fastest that fits; while nothing fits, the try that misses by least.
        const bool better = first || (candidate.fits && (!plan.fits || candidate.tokens_per_s > plan.tokens_per_s)) ||
                            (!candidate.fits && !plan.fits && candidate.shortfall_bytes < plan.shortfall_bytes);
        if (better) plan = std::move(candidate);
        first = false;
    }
    return true;
}

std::string ModelPlan::text() const {
    std::string s;
    char line[512];
    std::snprintf(line, sizeof line, "%s (%s, %lld layers", model.c_str(), arch.c_str(), static_cast<long long>(n_layer));
    s += line;
    if (n_expert > 0) {
        std::snprintf(line, sizeof line, ", %lld experts, %lld per token", static_cast<long long>(n_expert),
                      static_cast<long long>(n_expert_used));
        s += line;
    }
    std::snprintf(line, sizeof line,
                  ")\n  weights %s; %.1fB parameters, %.1fB active per token (%s read per token)\n"
                  "  KV cache %.1f KiB per token: %s at %lld tokens\n",
                  gib(weight_bytes).c_str(), static_cast<double>(n_params) / 1e9,
                  static_cast<double>(n_params_active) / 1e9, gib(active_bytes_per_token).c_str(),
                  static_cast<double>(kv_bytes_per_token) / 1024.0,
                  gib(kv_bytes_per_token * static_cast<uint64_t>(n_ctx)).c_str(), static_cast<long long>(n_ctx));
    s += line;
    if (!fits) {
        s += "does not fit (" + strategy + " strategy tried";
        s += strategy == "hybrid" ? ", the best try" : "";
        s += "): " + why + "\n";
        return s;
    }
    s += strategy == "hybrid"
             ? "strategy: hybrid (attention, dense layers, shared experts and KV on the GPUs; routed experts in RAM)\n"
             : "strategy: layer split (each layer with its experts and KV on one device, in order)\n";
    for (const PlannedDevice& d : devices) {
        std::snprintf(line, sizeof line, "  %-18s %s\n  %-18s weights %s + KV %s + reserve %s = %s%s%s; reads %s per token at %.0f GB/s\n",
                      d.name.c_str(), d.holds.c_str(), "", gib(d.weight_bytes).c_str(), gib(d.kv_bytes).c_str(),
                      gib(d.reserve_bytes).c_str(), gib(d.used()).c_str(), d.budget ? " of " : "",
                      d.budget ? gib(d.budget).c_str() : "", gib(d.read_per_token).c_str(), d.bandwidth / 1e9);
        s += line;
    }
    std::snprintf(line, sizeof line, "predicted: at most %.1f tokens/s generating at a full context (memory bandwidth bound)\n",
                  tokens_per_s);
    s += line;
    return s;
}

} // namespace ponder
