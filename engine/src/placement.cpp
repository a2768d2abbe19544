#include "placement.h"

#include "ponder/gguf.h"

#include <charconv>
#include <cstdio>

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

std::string device_name(const DeviceSpec& d) {
    std::string s = d.kind;
    if (d.index >= 0) s += "#" + std::to_string(d.index);
    if (d.budget) s += ":" + human_bytes(d.budget);
    return s;
}

} // namespace

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
                    " (terms are [N x]KIND[#INDEX][:BUDGET] joined by '+', e.g. cpu or 2xcpu:1GiB+cpu)";
            return false;
        };
        uint64_t count = 1;
        if (const size_t x = term.find('x'); x != std::string_view::npos && x > 0 && parse_uint(trim(term.substr(0, x)), count)) {
            if (count < 1 || count > 64) return bad("a device count must be 1 to 64");
            term = trim(term.substr(x + 1));
        }
        DeviceSpec d;
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
    for (const GgufTensor& t : file.tensors()) {
        const std::string_view name = t.name;
        if (name.substr(0, 4) == "blk.") {
            uint64_t layer = 0;
            const size_t dot = name.find('.', 4);
            if (dot != std::string_view::npos && parse_uint(name.substr(4, dot - 4), layer) && layer < f.layers.size()) {
                f.layers[layer] += t.nbytes;
                continue;
            }
        }
        (name.substr(0, 11) == "token_embd." ? f.input : f.output) += t.nbytes;
    }
    return f;
}

bool plan_placement(const std::vector<DeviceSpec>& devices, const ModelFootprint& footprint, Placement& out,
                    std::string& error) {
    if (devices.empty()) {
        error = "no device to place the model on";
        return false;
    }
    Placement p;
    p.devices = devices;
    p.bytes.assign(devices.size(), 0);
    size_t d = 0;
    // Puts `bytes` on the current device, moving on to the next while it does not fit.
    auto place = [&](uint64_t bytes, const std::string& what) -> int {
        while (d < devices.size() && devices[d].budget && p.bytes[d] + bytes > devices[d].budget) d++;
        if (d == devices.size()) {
            error = "the model does not fit the devices' budgets: " + what + " (" + human_bytes(bytes) +
                    ") has no room left";
            return -1;
        }
        p.bytes[d] += bytes;
        return static_cast<int>(d);
    };
    if ((p.input = place(footprint.input, "the token embeddings")) < 0) return false;
    for (size_t l = 0; l < footprint.layers.size(); l++) {
        const int at = place(footprint.layers[l], "layer " + std::to_string(l));
        if (at < 0) return false;
        p.layers.push_back(at);
    }
    if ((p.output = place(footprint.output, "the output head")) < 0) return false;
    out = std::move(p);
    return true;
}

std::string Placement::describe() const {
    std::string s;
    for (size_t d = 0; d < devices.size(); d++) {
        std::string parts;
        auto add = [&](const std::string& what) { parts += (parts.empty() ? "" : ", ") + what; };
        if (input == static_cast<int>(d)) add("input");
        for (size_t l = 0; l < layers.size();) {
            if (layers[l] != static_cast<int>(d)) {
                l++;
                continue;
            }
            size_t e = l;
            while (e + 1 < layers.size() && layers[e + 1] == static_cast<int>(d)) e++;
            add(l == e ? "layer " + std::to_string(l) : "layers " + std::to_string(l) + "-" + std::to_string(e));
            l = e + 1;
        }
        if (output == static_cast<int>(d)) add("output");
        if (parts.empty()) parts = "nothing";
        s += (s.empty() ? "" : "; ") + device_name(devices[d]) + ": " + parts + " (" + human_bytes(bytes[d]) + ")";
    }
    return s;
}

} // namespace ponder
