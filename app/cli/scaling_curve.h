// ponder-cli's side of the test-time-scaling curve (eval --think-budgets): the budget list it
// takes, the table it prints and the SVG it writes (the drawing is app/eval/scaling_plot.h's).
#pragma once

#include "eval/scaling_plot.h"

#include <string>
#include <vector>

namespace ponder::cli {

using eval::CurvePoint;

// "0,64,128,unlimited" -> {0, 64, 128, -1}; throws UsageError naming `option` on anything else.
std::vector<int> parse_budget_list(const std::string& text, const std::string& option = "--think-budgets");
void print_curve(const std::vector<CurvePoint>& curve);
// Throws UsageError unless `path` names an SVG file.
void check_plot_path(const std::string& path);
// Throws CommandError when the file cannot be written.
void write_curve_plot(const std::string& path, const std::vector<CurvePoint>& curve, const std::string& suite_name,
                      int n_problems);

} // namespace ponder::cli
