// The test-time-scaling curve: accuracy against the mean number of reasoning tokens, one point per
// thinking budget. Written by `ponder-cli eval --think-budgets` (JSON, SVG) and shown by the app
// from that JSON, with the same drawing. Plain C++, no Qt.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ponder::eval {

struct CurvePoint {
    int think_budget = -1;  // -1: unlimited
    double accuracy = 0, pass_at_1 = 0;
    double mean_reasoning_tokens = 0, mean_answer_tokens = 0;
    long long thoughts_ended = 0, loops = 0;
};

std::string budget_name(int budget);  // "unlimited" for -1
// The "curve" list of eval's JSON, and back (false + error on anything else).
nlohmann::ordered_json curve_json(const std::vector<CurvePoint>& curve);
bool curve_from_json(const nlohmann::json& list, std::vector<CurvePoint>& out, std::string& error);
// An SVG a person would rather look at than read: accuracy (0-100 %) against mean reasoning
// tokens, each point labelled with its budget.
std::string curve_svg(const std::vector<CurvePoint>& curve, const std::string& title);
std::string curve_title(const std::string& suite_name, int n_problems);

} // namespace ponder::eval
