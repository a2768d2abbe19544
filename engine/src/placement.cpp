#include "placement.h"

#include "ponder/engine.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace ponder {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

bool parse_uint(std::string_view s, uint64_t& v) {
    if (s.empty()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size();
}

std::string human_bytes(uint64_t b) {
    char buf[32];
    if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / (1ull << 30));
    else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1ull << 20));
    return buf;
}

// "3.35TB/s", "90GB/s", "500MB/s": bytes per second (decimal units, as memory is rated).
bool parse_bandwidth(std::string_view text, double& out) {
    text = trim(text);
    static const struct { std::string_view suffix; double mul; } units[] = {{"TB/s", 1e12}, {"GB/s", 1e9}, {"MB/s", 1e6}};
    for (const auto& u : units) {
        if (text.size() <= u.suffix.size() || text.substr(text.size() - u.suffix.size()) != u.suffix) continue;
        const std::string number(trim(text.substr(0, text.size() - u.suffix.size())));
        char* end = nullptr;
        const double v = std::strtod(number.c_str(), &end);
        if (number.empty() || end != number.c_str() + number.size() || !(v > 0) || v > 1e6) return false;
        out = v * u.mul;
        return true;
    }
    return false;
}

} // namespace

double DeviceSpec::bandwidth_or_default() const {
    if (bandwidth > 0) return bandwidth;
    // Round figures for what people own, documented in docs/planning.md; `@` overrides them.
    if (kind == "cuda") return 2.0e12;    // H100 PCIe ~2.0 TB/s (SXM 3.35, H200 4.8, RTX 4090 1.0)
    if (kind == "vulkan") return 0.5e12;  // a mid-range discrete GPU
    return 0.1e12;                        // a workstation's multi-channel DDR5 (a desktop: 60-90 GB/s)
}

std::string device_name(const DeviceSpec& d) {
    std::string s = d.kind;
    if (d.index >= 0) s += "#" + std::to_string(d.index);
    if (d.budget) s += ":" + human_bytes(d.budget);
    return s;
}

bool parse_byte_size(std::string_view text, uint64_t& bytes) {
    text = trim(text);
    static const struct { std::string_view suffix; uint64_t mul; } units[] = {
        {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}, {"GB", 1000000000ull}, {"MB", 1000000ull},
        {"KB", 1000ull}, {"B", 1}};
    uint64_t mul = 1;
    for (const auto& u : units)
        if (text.size() > u.suffix.size() && text.substr(text.size() - u.suffix.size()) == u.suffix) {
            mul = u.mul;
            text.remove_suffix(u.suffix.size());
            break;
        }
    uint64_t v = 0;
    if (!parse_uint(trim(text), v) || v > UINT64_MAX / mul) return false;
    bytes = v * mul;
    return true;
}

bool parse_device_spec(std::string_view spec, std::vector<DeviceSpec>& out, std::string& error) {
    out.clear();
    const std::string_view whole = spec;
    while (true) {
        const size_t plus = spec.find('+');
        std::string_view term = trim(spec.substr(0, plus));
        auto bad = [&](const std::string& why) {
            error = "device spec '" + std::string(whole) + "': " + why +
                    " (terms are [N x]KIND[#INDEX][:BUDGET][@BANDWIDTH] joined by '+', e.g. cpu or 2xcuda:80GiB+cpu:256GiB)";
            return false;
        };
        uint64_t count = 1;
        if (const size_t x = term.find('x'); x != std::string_view::npos && x > 0 && parse_uint(trim(term.substr(0, x)), count)) {
            if (count < 1 || count > 64) return bad("a device count must be 1 to 64");
            term = trim(term.substr(x + 1));
        }
        DeviceSpec d;
        if (const size_t at = term.find('@'); at != std::string_view::npos) {
            if (!parse_bandwidth(term.substr(at + 1), d.bandwidth))
                return bad("'" + std::string(term.substr(at + 1)) + "' is not a bandwidth like 3.35TB/s or 90GB/s");
            term = term.substr(0, at);
        }
        if (const size_t colon = term.find(':'); colon != std::string_view::npos) {
            if (!parse_byte_size(term.substr(colon + 1), d.budget) || d.budget == 0)
                return bad("'" + std::string(term.substr(colon + 1)) + "' is not a size like 24GiB or 512MiB");
            term = term.substr(0, colon);
        }
        if (const size_t hash = term.find('#'); hash != std::string_view::npos) {
            uint64_t index = 0;
            if (!parse_uint(term.substr(hash + 1), index) || index > 1024) return bad("a device index must be a number");
            d.index = static_cast<int>(index);
            term = term.substr(0, hash);
        }
        d.kind = std::string(trim(term));
        if (d.kind.empty()) return bad("empty term");
        for (uint64_t i = 0; i < count; i++) out.push_back(d);
        if (plus == std::string_view::npos) break;
        spec = spec.substr(plus + 1);
    }
    return true;
}

ModelFootprint model_footprint(const GgufFile& file, int64_t n_layer) {
    ModelFootprint f;
    f.layers.assign(static_cast<size_t>(n_layer > 0 ? n_layer : 0), 0);
    f.routed.assign(f.layers.size(), 0);
    for (const GgufTensor& t : file.tensors()) {
        const std::string_view name = t.name;
        if (name.substr(0, 4) == "blk.") {
            uint64_t layer = 0;
            const size_t dot = name.find('.', 4);
            if (dot != std::string_view::npos && parse_uint(name.substr(4, dot - 4), layer) && layer < f.layers.size()) {
                f.layers[layer] += t.nbytes;
                if (name.find("_exps.") != std::string_view::npos) f.routed[layer] += t.nbytes;
                continue;
            }
        }
        if (name.substr(0, 11) == "token_embd.") {
            f.input += t.nbytes;
            if (t.n_dims >= 2 && t.ne[1] > 0) f.input_row += t.nbytes / static_cast<uint64_t>(t.ne[1]);
        } else {
            f.output += t.nbytes;
        }
    }
    return f;
}

namespace {

// Packs parts onto devices in a fixed order, each device filled before the next is used.
struct Packer {
    const std::vector<DeviceSpec>& devices;
    const PlanExtras& extras;
    std::vector<uint64_t> caps;     // per device, 0 or its cumulative share of the chain (balancing)
    std::vector<uint64_t> used;     // weights + KV + reserve per device
    Placement& p;
    std::string failed;             // what did not fit
    uint64_t failed_bytes = 0;

    uint64_t room(size_t d) const {
        if (!devices[d].budget) return UINT64_MAX;
        return devices[d].budget > used[d] ? devices[d].budget - used[d] : 0;
    }
    // Puts `weights` (+ `kv`) on the first device from `*cursor` in `order` with room for it.
    int place(const std::vector<size_t>& order, size_t* cursor, uint64_t weights, uint64_t kv, const std::string& what) {
        for (; *cursor < order.size(); ++*cursor) {
            const size_t d = order[*cursor];
            if (caps[d]) {  // balancing: on to the next once this one is nearer its share with the part than without
                uint64_t upto = 0;
                for (size_t i = 0; i <= *cursor; i++) upto += used[order[i]];
                if (upto + (weights + kv) / 2 > caps[d]) continue;
            }
            const uint64_t reserve = (used[d] == 0 && !devices[d].is_cpu()) ? extras.reserve_gpu : 0;
            if (weights + kv + reserve > room(d)) continue;
            used[d] += weights + kv + reserve;
            p.bytes[d] += weights;
            p.kv_bytes[d] += kv;
            return static_cast<int>(d);
        }
        failed = what;
        failed_bytes = weights + kv;
        return -1;
    }
};

// Bytes missing for the whole model: what it needs (with a reserve per GPU) beyond what the
// budgets offer; when the total would fit but whole parts cannot be split, what the part that
// did not fit lacks on the device with the most room.
uint64_t shortfall_of(const Packer& k, const std::vector<DeviceSpec>& devices, const ModelFootprint& f, const PlanExtras& x) {
    uint64_t need = f.input + f.output, have = 0;
    for (size_t l = 0; l < f.layers.size(); l++) need += f.layers[l] + x.kv_per_layer;
    for (const DeviceSpec& d : devices) {
        have += d.budget;
        if (!d.is_cpu()) need += x.reserve_gpu;
    }
    if (need > have) return need - have;
    uint64_t best = 0;
    for (size_t d = 0; d < devices.size(); d++) best = std::max(best, k.room(d));
    return k.failed_bytes > best ? k.failed_bytes - best : 1;
}

} // namespace

namespace {

// Shares for the GPUs of the chain when everything the chain holds fits on them: the first k
// GPUs together take parts until they hold the part of the whole their memory is of all the
// GPUs' (cumulative, so rounding to whole layers does not pile up), so that eight 141 GiB
// cards each hold an eighth (room for longer contexts on all) rather than three full and five
// empty. CPUs, and GPUs without a budget, are not capped; nor is anything when the GPUs are too
// small, since then they fill up before the CPU takes the rest.
std::vector<uint64_t> balanced_caps(const std::vector<DeviceSpec>& devices, const std::vector<size_t>& order,
                                    const ModelFootprint& f, const PlanExtras& x) {
    std::vector<uint64_t> caps(devices.size(), 0);
    std::vector<size_t> gpus;
    uint64_t budgets = 0, need = f.input + f.output;
    for (size_t d : order)
        if (!devices[d].is_cpu()) {
            if (!devices[d].budget) return caps;
            gpus.push_back(d);
            budgets += devices[d].budget;
            need += x.reserve_gpu;
        }
    for (size_t l = 0; l < f.layers.size(); l++) need += f.layers[l] - (x.hybrid ? f.routed[l] : 0) + x.kv_per_layer;
    if (gpus.size() < 2 || need > budgets) return caps;
    gpus.pop_back();  // the last one takes the rest, up to its budget
    uint64_t upto = 0;
    for (size_t d : gpus) {
        upto += devices[d].budget;
        caps[d] = static_cast<uint64_t>(static_cast<double>(need) * static_cast<double>(upto) / static_cast<double>(budgets));
    }
    return caps;
}

// One packing pass with the given caps.
bool pack(const std::vector<DeviceSpec>& devices, const ModelFootprint& footprint, const PlanExtras& extras,
          const std::vector<size_t>& order, const std::vector<size_t>& expert_order, const std::vector<uint64_t>& caps,
          Placement& p, std::string& error, uint64_t* shortfall) {
    p = Placement{};
    p.devices = devices;
    p.bytes.assign(devices.size(), 0);
    p.kv_bytes.assign(devices.size(), 0);
    Packer k{devices, extras, caps, std::vector<uint64_t>(devices.size(), 0), p, {}, 0};
    size_t at = 0, expert_at = 0;
    bool ok = (p.input = k.place(order, &at, footprint.input, 0, "the token embeddings")) >= 0;
    for (size_t l = 0; ok && l < footprint.layers.size(); l++) {
        const uint64_t routed = extras.hybrid ? footprint.routed[l] : 0;
        const std::string name = "layer " + std::to_string(l);
        const int d = k.place(order, &at, footprint.layers[l] - routed, extras.kv_per_layer, name);
        const int e = routed ? k.place(expert_order, &expert_at, routed, 0, "the routed experts of " + name) : d;
        ok = d >= 0 && e >= 0;
        p.layers.push_back(d);
        p.experts.push_back(e);
    }
    ok = ok && (p.output = k.place(order, &at, footprint.output, 0, "the output head")) >= 0;
    if (!ok) {
        const uint64_t missing = shortfall_of(k, devices, footprint, extras);
        if (shortfall) *shortfall = missing;
        error = "the model does not fit the devices' budgets: " + k.failed + " (" + human_bytes(k.failed_bytes) +
                ") has no room left; " + human_bytes(missing) + " short";
    }
    return ok;
}

} // namespace

bool plan_placement(const std::vector<DeviceSpec>& devices, const ModelFootprint& footprint, const PlanExtras& extras,
                    Placement& out, std::string& error, uint64_t* shortfall) {
    if (devices.empty()) {
        error = "no device to place the model on";
        return false;
    }
    std::vector<size_t> order, expert_order;
    for (size_t d = 0; d < devices.size(); d++)
        if (!extras.hybrid || !devices[d].is_cpu()) order.push_back(d);
    for (size_t d = 0; extras.hybrid && d < devices.size(); d++)
        if (devices[d].is_cpu()) {
            order.push_back(d);
            expert_order.push_back(d);
        }
    if (extras.hybrid && (expert_order.empty() || devices[order.front()].is_cpu())) {
        error = "the hybrid strategy needs a GPU term and a CPU term (e.g. cuda:24GiB+cpu:512GiB)";
        return false;
    }
    Placement p;
    const std::vector<uint64_t> caps = balanced_caps(devices, order, footprint, extras);
    const bool balanced = std::any_of(caps.begin(), caps.end(), [](uint64_t c) { return c > 0; });
    if (!(balanced && pack(devices, footprint, extras, order, expert_order, caps, p, error, shortfall)) &&
        !pack(devices, footprint, extras, order, expert_order, std::vector<uint64_t>(devices.size(), 0), p, error,
              shortfall))
        return false;
    out = std::move(p);
    return true;
}

namespace {

// "layers 0-13, layer 20": the layers l with `on[l] == d` and `keep(l)`, as ranges.
template <class Keep>
std::string layer_ranges(const std::vector<int>& on, int d, Keep keep) {
    std::string out;
    for (size_t l = 0; l < on.size();) {
        if (on[l] != d || !keep(l)) {
            l++;
            continue;
        }
        size_t e = l;
        while (e + 1 < on.size() && on[e + 1] == d && keep(e + 1)) e++;
        out += (out.empty() ? "" : ", ") +
               (l == e ? "layer " + std::to_string(l) : "layers " + std::to_string(l) + "-" + std::to_string(e));
        l = e + 1;
    }
    return out;
}

} // namespace

std::string Placement::parts_on(int d) const {
    std::string parts;
    auto add = [&](const std::string& what) {
        if (!what.empty()) parts += (parts.empty() ? "" : ", ") + what;
    };
    if (input == d) add("input");
    const bool split = hybrid();
    const std::string own = layer_ranges(layers, d, [](size_t) { return true; });
    add(own.empty() || !split ? own : own + " (routed experts elsewhere)");
    const std::string routed = layer_ranges(experts, d, [&](size_t l) { return experts[l] != layers[l]; });
    add(routed.empty() ? routed : "routed experts of " + routed);
    if (output == d) add("output");
    return parts.empty() ? "nothing" : parts;
}

std::string Placement::describe() const {
    std::string s;
    for (size_t d = 0; d < devices.size(); d++)
        s += (s.empty() ? "" : "; ") + device_name(devices[d]) + ": " + parts_on(static_cast<int>(d)) + " (" +
             human_bytes(bytes[d]) + ")";
    return s;
}

std::string gpu_layers_devices(const std::string& path, const std::string& gpu, int n_gpu_layers, std::string& error) {
    if (n_gpu_layers <= 0) return "cpu";
    std::unique_ptr<GgufFile> file = gguf_open(path, error);
    if (!file) return "";
    ModelHparams hp;
    if (!model_hparams_read(*file, hp, error)) return "";
    if (n_gpu_layers >= hp.n_layer) return gpu;
    // The budget is exactly what the input and those layers weigh; the planner fills the GPU in
    // model order, so the next layer no longer fits and everything after it goes to the CPU.
    const ModelFootprint f = model_footprint(*file, hp.n_layer);
    uint64_t bytes = f.input;
    for (int l = 0; l < n_gpu_layers; l++) bytes += f.layers[static_cast<size_t>(l)];
    return gpu + ":" + std::to_string(bytes) + "+cpu";
}

} // namespace ponder
