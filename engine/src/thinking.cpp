#include "ponder/thinking.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ponder {

namespace {
struct KindName {
    ForcedKind kind;
    const char* name;
};
constexpr KindName kKindNames[] = {
    {ForcedKind::BudgetEnd, "budget"},   {ForcedKind::AnswerNow, "answer_now"},
    {ForcedKind::LoopEnd, "loop_end"},   {ForcedKind::Wait, "wait"},
    {ForcedKind::LoopDetected, "loop"},   {ForcedKind::Stopped, "stopped"},
};

// 1234567 -> "1,234,567": what a person reads in the thinking panel.
std::string grouped(int n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); i++) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}
} // namespace

const char* forced_kind_name(ForcedKind k) {
    for (const auto& kn : kKindNames)
        if (kn.kind == k) return kn.name;
    return "unknown";
}

bool forced_kind_from_name(const std::string& name, ForcedKind& out) {
    for (const auto& kn : kKindNames)
        if (name == kn.name) {
            out = kn.kind;
            return true;
        }
    return false;
}

std::string describe(const ForcedAction& a) {
    const std::string at = grouped(a.at_token) + (a.at_token == 1 ? " token" : " tokens");
    switch (a.kind) {
    case ForcedKind::BudgetEnd: return "Thought cut at " + at + " (the thinking budget)";
    case ForcedKind::AnswerNow: return "Thought ended at " + at + ": answer now";
    case ForcedKind::LoopEnd: return "Thought ended at " + at + ": it was going in circles";
    case ForcedKind::Wait: return "Thought extended at " + at + " (\"Wait\": the minimum was not reached)";
    case ForcedKind::Stopped:
        return "Stopped while thinking: this server cannot be asked to answer early, so no answer was produced";
    case ForcedKind::LoopDetected:
        return "Loop detected at " + at + ": the same " + grouped(a.span) + " tokens over and over";
    }
    return "Unknown action at " + at;
}

std::string forced_actions_to_json(const std::vector<ForcedAction>& actions) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ForcedAction& a : actions) {
        nlohmann::ordered_json o{{"kind", forced_kind_name(a.kind)}, {"at", a.at_token}};
        if (a.kind == ForcedKind::LoopDetected) {
            o["span"] = a.span;
            o["first_at"] = a.first_at;
        }
        o["description"] = describe(a);  // so a transcript reads without the engine (exports)
        list.push_back(std::move(o));
    }
    return list.dump();
}

bool forced_actions_from_json(const std::string& text, std::vector<ForcedAction>& out) {
    out.clear();
    const nlohmann::json list = nlohmann::json::parse(text, nullptr, false);
    if (!list.is_array()) return false;
    for (const auto& o : list) {
        if (!o.is_object() || !o.contains("kind") || !o["kind"].is_string() || !o.contains("at") ||
            !o["at"].is_number_integer())
            return false;
        ForcedAction a;
        if (!forced_kind_from_name(o["kind"].get<std::string>(), a.kind)) return false;
        a.at_token = o["at"].get<int>();
        if (o.contains("span") && o["span"].is_number_integer()) a.span = o["span"].get<int>();
        if (o.contains("first_at") && o["first_at"].is_number_integer()) a.first_at = o["first_at"].get<int>();
        out.push_back(a);
    }
    return true;
}

namespace {
constexpr uint64_t kBase = 1000003;  // odd; arithmetic mod 2^64
uint64_t token_value(int32_t t) { return static_cast<uint64_t>(static_cast<uint32_t>(t)) + 1; }
} // namespace

// At least three repeats: with two, the windows' equal spacing says nothing about the text
// between them, and "in a row" could not be checked when the second window arrives.
LoopDetector::LoopDetector(int span, int repeats) : span_(std::max(1, span)), repeats_(std::max(3, repeats)) {}

uint64_t LoopDetector::hash(int from, int to) const {
    return prefix_[static_cast<size_t>(to)] - prefix_[static_cast<size_t>(from)] * power_[static_cast<size_t>(to - from)];
}

// The last `repeats_` counted starts are evenly spaced and the passages between them are the
// same: repeats_ - 1 equal periods, and the window at the last start repeats the first window.
bool LoopDetector::periodic(const std::vector<int>& starts) const {
    const int period = starts[1] - starts[0];
    for (size_t i = 2; i < starts.size(); i++)
        if (starts[i] - starts[i - 1] != period) return false;
    for (size_t i = 1; i + 1 < starts.size(); i++)
        if (hash(starts[i - 1], starts[i]) != hash(starts[i], starts[i + 1])) return false;
    return true;
}

bool LoopDetector::push(int32_t token) {
    tokens_.push_back(token);
    prefix_.push_back(prefix_.back() * kBase + token_value(token));
    power_.push_back(power_.back() * kBase);
    const int n = static_cast<int>(tokens_.size());
    if (found_ || n < span_) return false;
    const int start = n - span_;
    std::vector<int>& starts = seen_[hash(start, n)];
    // An overlapping repeat (a cycle shorter than the span) counts once the last counted
    // occurrence is a whole span behind.
    if (!starts.empty() && start - starts.back() < span_) return false;
    starts.push_back(start);
    if (static_cast<int>(starts.size()) > repeats_) starts.erase(starts.begin());
    if (static_cast<int>(starts.size()) < repeats_ || !periodic(starts)) return false;
    // Confirmed token by token: the region from the first start to the end is periodic.
    const int first = starts.front(), period = starts[1] - starts[0];
    for (int i = first + period; i < n; i++)
        if (tokens_[static_cast<size_t>(i)] != tokens_[static_cast<size_t>(i - period)]) return false;
    found_ = true;
    loop_start_ = first;
    period_ = period;
    return true;
}

} // namespace ponder
