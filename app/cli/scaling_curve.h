// The test-time-scaling curve of `ponder-cli eval --think-budgets`: accuracy against the mean
// number of reasoning tokens, one point per thinking budget; as a table, JSON and an SVG plot.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ponder::cli {

struct CurvePoint {
    int think_budget = -1;  // -1: unlimited
    double accuracy = 0, pass_at_1 = 0;
    double mean_reasoning_tokens = 0, mean_answer_tokens = 0;
    long long thoughts_ended = 0, loops = 0;
};

// "0,64,128,unlimited" -> {0, 64, 128, -1}; throws UsageError on anything else.
std::vector<int> parse_budget_list(const std::string& text);
std::string budget_name(int budget);  // "unlimited" for -1

nlohmann::ordered_json curve_json(const std::vector<CurvePoint>& curve);
void print_curve(const std::vector<CurvePoint>& curve);
// An SVG a person would rather look at than read: accuracy (0-100 %) against mean reasoning
// tokens, each point labelled with its budget. Throws CommandError when the file cannot be written.
void write_curve_plot(const std::string& path, const std::vector<CurvePoint>& curve, const std::string& suite_name,
                      int n_problems);
// Throws UsageError unless `path` names an SVG file.
void check_plot_path(const std::string& path);
std::string curve_svg(const std::vector<CurvePoint>& curve, const std::string& title);

} // namespace ponder::cli
