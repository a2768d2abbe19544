#include "scaling_curve.h"

#include "args.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace ponder::cli {

std::vector<int> parse_budget_list(const std::string& text, const std::string& option) {
    std::vector<int> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item == "unlimited" || item == "inf" || item == "-1") {
            out.push_back(-1);
            continue;
        }
        size_t used = 0;
        long long v = -2;
        try {
            v = std::stoll(item, &used);
        } catch (const std::exception&) {
        }
        if (used != item.size() || v < 0 || v > 1'000'000)
            throw UsageError(option + " takes token counts and 'unlimited', comma-separated; got '" + item + "'");
        out.push_back(static_cast<int>(v));
    }
    if (out.empty()) throw UsageError(option + " needs at least one budget");
    return out;
}

void print_curve(const std::vector<CurvePoint>& curve) {
    std::printf("%-14s %9s %9s %18s %16s\n", "think budget", "accuracy", "pass@1", "reasoning tokens", "thoughts ended");
    for (const CurvePoint& p : curve)
        std::printf("%-14s %8.1f%% %8.1f%% %18.1f %16lld\n", eval::budget_name(p.think_budget).c_str(), 100.0 * p.accuracy,
                    100.0 * p.pass_at_1, p.mean_reasoning_tokens, p.thoughts_ended);
}

void check_plot_path(const std::string& path) {
    const size_t dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (ext != "svg" && ext != "SVG") throw UsageError("--plot writes SVG: give a file name ending in .svg");
}

void write_curve_plot(const std::string& path, const std::vector<CurvePoint>& curve, const std::string& suite_name,
                      int n_problems) {
    check_plot_path(path);
    const std::string svg = eval::curve_svg(curve, eval::curve_title(suite_name, n_problems));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(svg.data(), static_cast<std::streamsize>(svg.size())) || !out.flush())
        throw CommandError("cannot write the plot to '" + path + "'");
}

} // namespace ponder::cli
