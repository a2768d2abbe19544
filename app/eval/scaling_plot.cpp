#include "eval/scaling_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ponder::eval {

std::string budget_name(int budget) { return budget < 0 ? "unlimited" : std::to_string(budget); }

nlohmann::ordered_json curve_json(const std::vector<CurvePoint>& curve) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const CurvePoint& p : curve) {
        nlohmann::ordered_json o;
        o["think_budget"] = p.think_budget < 0 ? nlohmann::ordered_json("unlimited") : nlohmann::ordered_json(p.think_budget);
        o["accuracy"] = p.accuracy;
        o["pass_at_1"] = p.pass_at_1;
        o["mean_reasoning_tokens"] = p.mean_reasoning_tokens;
        o["mean_answer_tokens"] = p.mean_answer_tokens;
        o["thoughts_ended"] = p.thoughts_ended;
        o["loops_detected"] = p.loops;
        list.push_back(std::move(o));
    }
    return list;
}

bool curve_from_json(const nlohmann::json& list, std::vector<CurvePoint>& out, std::string& error) {
    out.clear();
    if (!list.is_array() || list.empty()) {
        error = "no \"curve\" list: write one with ponder-cli eval --think-budgets ... --json";
        return false;
    }
    for (const auto& o : list) {
        if (!o.is_object() || !o.contains("think_budget") || !o.contains("pass_at_1") || !o.contains("mean_reasoning_tokens") ||
            !o["pass_at_1"].is_number() || !o["mean_reasoning_tokens"].is_number()) {
            error = "a curve point needs think_budget, pass_at_1 and mean_reasoning_tokens";
            return false;
        }
        CurvePoint p;
        const auto& b = o["think_budget"];
        if (b.is_string() && b.get<std::string>() == "unlimited") p.think_budget = -1;
        else if (b.is_number_integer() && b.get<long long>() >= 0 && b.get<long long>() <= 1 << 20) p.think_budget = b.get<int>();
        else {
            error = "think_budget must be a token count or \"unlimited\"";
            return false;
        }
        const double pass = o["pass_at_1"].get<double>(), tokens = o["mean_reasoning_tokens"].get<double>();
        if (!std::isfinite(pass) || !std::isfinite(tokens) || tokens > 1e9) {
            error = "a curve point has an impossible value";
            return false;
        }
        p.pass_at_1 = std::clamp(pass, 0.0, 1.0);
        p.accuracy = o.contains("accuracy") && o["accuracy"].is_number() ? o["accuracy"].get<double>() : p.pass_at_1;
        p.mean_reasoning_tokens = std::max(0.0, tokens);
        if (o.contains("mean_answer_tokens") && o["mean_answer_tokens"].is_number())
            p.mean_answer_tokens = o["mean_answer_tokens"].get<double>();
        if (o.contains("thoughts_ended") && o["thoughts_ended"].is_number_integer()) p.thoughts_ended = o["thoughts_ended"].get<long long>();
        if (o.contains("loops_detected") && o["loops_detected"].is_number_integer()) p.loops = o["loops_detected"].get<long long>();
        out.push_back(p);
    }
    return true;
}

std::string curve_title(const std::string& suite_name, int n_problems) {
    const std::string name = suite_name.substr(suite_name.find_last_of('/') + 1);
    return "Accuracy against thinking: " + name + " (" + std::to_string(n_problems) + " problems)";
}

namespace {
// A round step giving about `target` intervals over [0, max]: 1, 2 or 5 times a power of ten.
double nice_step(double max, int target) {
    const double raw = std::max(max, 1.0) / target;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag) return m * mag;
    return 10 * mag;
}

std::string escape_xml(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
} // namespace

std::string curve_svg(const std::vector<CurvePoint>& curve, const std::string& title) {
    const double W = 760, H = 460, left = 78, right = 36, top = 64, bottom = 70;
    const double pw = W - left - right, ph = H - top - bottom;
    double max_x = 0;
    for (const CurvePoint& p : curve) max_x = std::max(max_x, p.mean_reasoning_tokens);
    const double step = nice_step(max_x * 1.08, 6);
    const double x_max = std::max(step, std::ceil(max_x * 1.08 / step) * step);
    auto X = [&](double v) { return left + pw * v / x_max; };
    auto Y = [&](double acc) { return top + ph * (1.0 - acc); };

    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W << ' '
      << H << "\" font-family=\"Inter, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif\">\n";
    // Sized in numbers, not 100 %: SVG Tiny renderers (Qt's) read no percentages.
    o << "<rect x=\"0\" y=\"0\" width=\"" << W << "\" height=\"" << H << "\" fill=\"#ffffff\"/>\n";
    o << "<text x=\"" << left << "\" y=\"30\" font-size=\"17\" font-weight=\"600\" fill=\"#1f2328\">" << escape_xml(title)
      << "</text>\n";
    o << "<text x=\"" << left << "\" y=\"50\" font-size=\"13\" fill=\"#59636e\">Each point is one thinking budget: "
         "the engine ends the thought there and the model answers.</text>\n";
    // Grid and ticks.
    for (int pct = 0; pct <= 100; pct += 20) {
        const double y = Y(pct / 100.0);
        o << "<line x1=\"" << left << "\" y1=\"" << y << "\" x2=\"" << left + pw << "\" y2=\"" << y
          << "\" stroke=\"#e6e8eb\"/>\n";
        o << "<text x=\"" << left - 10 << "\" y=\"" << y + 4 << "\" font-size=\"12\" fill=\"#59636e\" text-anchor=\"end\">"
          << pct << " %</text>\n";
    }
    for (int tick = 0; tick <= 20 && tick * step <= x_max + step / 2; tick++) {
        const double v = tick * step;
        const double x = X(v);
        o << "<line x1=\"" << x << "\" y1=\"" << top << "\" x2=\"" << x << "\" y2=\"" << top + ph
          << "\" stroke=\"#f0f1f3\"/>\n";
        o << "<text x=\"" << x << "\" y=\"" << top + ph + 20 << "\" font-size=\"12\" fill=\"#59636e\" text-anchor=\"middle\">"
          << fmt("%.0f", v) << "</text>\n";
    }
    o << "<line x1=\"" << left << "\" y1=\"" << top + ph << "\" x2=\"" << left + pw << "\" y2=\"" << top + ph
      << "\" stroke=\"#8c959f\"/>\n";
    o << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << top + ph
      << "\" stroke=\"#8c959f\"/>\n";
    o << "<text x=\"" << left + pw / 2 << "\" y=\"" << H - 22
      << "\" font-size=\"13\" fill=\"#1f2328\" text-anchor=\"middle\">mean reasoning tokens per answer</text>\n";
    o << "<text transform=\"translate(20 " << top + ph / 2
      << ") rotate(-90)\" font-size=\"13\" fill=\"#1f2328\" text-anchor=\"middle\">accuracy (pass@1)</text>\n";
    // The curve, in order of thinking spent.
    std::vector<CurvePoint> sorted = curve;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const CurvePoint& a, const CurvePoint& b) { return a.mean_reasoning_tokens < b.mean_reasoning_tokens; });
    o << "<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"";
    for (const CurvePoint& p : sorted) o << fmt("%.1f", X(p.mean_reasoning_tokens)) << ',' << fmt("%.1f", Y(p.pass_at_1)) << ' ';
    o << "\"/>\n";
    for (size_t i = 0; i < sorted.size(); i++) {
        const CurvePoint& p = sorted[i];
        const double x = X(p.mean_reasoning_tokens), y = Y(p.pass_at_1);
        // Where the curve runs on nearly flat, a label beside the point would sit on the line:
        // it goes above instead.
        const bool flat = i + 1 < sorted.size() &&
                          std::abs(Y(sorted[i + 1].pass_at_1) - y) < 0.5 * (X(sorted[i + 1].mean_reasoning_tokens) - x);
        const std::string label = (p.think_budget < 0 ? std::string("unlimited") : "budget " + std::to_string(p.think_budget)) +
                                  ": " + fmt("%.1f %%", 100.0 * p.pass_at_1);
        // Beside the point, right of it (the curve climbs to the right, so labels stack without
        // touching), or left of it where the right edge is near.
        const bool left_side = x + 9 + 7.0 * static_cast<double>(label.size()) > left + pw;
        o << "<circle cx=\"" << fmt("%.1f", x) << "\" cy=\"" << fmt("%.1f", y)
          << "\" r=\"5\" fill=\"#2563eb\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n";
        const double ly = flat ? y - 10 : y + 4;
        o << "<text x=\"" << fmt("%.1f", left_side ? x - 10 : flat ? x - 4 : x + 10) << "\" y=\"" << fmt("%.1f", std::clamp(ly, top + 12, top + ph - 4))
          << "\" font-size=\"12\" fill=\"#1f2328\" text-anchor=\"" << (left_side ? "end" : "start") << "\">"
          << escape_xml(label) << "</text>\n";
    }
    o << "</svg>\n";
    return o.str();
}

} // namespace ponder::eval
