#include "conversation_saver.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace ponder::cli {

std::unique_ptr<Database> open_database(const Args& args) {
    std::string path = args.has("db") ? args.get("db") : default_database_path();
    std::string error;
    OpenFailure why = OpenFailure::None;
    auto db = Database::open(path, error, &why);
    if (db) return db;
    if (why == OpenFailure::Corrupt)
        error += " (ponder-cli history move-aside" + (args.has("db") ? " --db " + path : std::string()) +
                 " renames it, so a new one can start)";
    throw CommandError(error);
}

std::unique_ptr<ConversationSaver> ConversationSaver::from_args(const Args& args) {
    if (!args.has("db") && !args.has("save")) return nullptr;
    return std::unique_ptr<ConversationSaver>(new ConversationSaver(open_database(args)));
}

void ConversationSaver::begin_turn(const std::string& question, const std::string& model) {
    std::string error;
    if (!conversation_ && !(conversation_ = store_.create_conversation(title_from_text(question), settings_, error)))
        throw CommandError(error);
    int64_t user = store_.append_user_message(conversation_, question, error);
    answer_ = user ? store_.begin_assistant_message(conversation_, user, model, error) : 0;
    if (!answer_) throw CommandError(error);
    writer_ = std::make_unique<StreamingWriter>(*db_, answer_);
}

void ConversationSaver::piece(const Event& e) {
    if (!writer_) return;
    if (e.kind == EventKind::Reasoning) writer_->add_reasoning(e.text);
    else if (e.kind == EventKind::Answer) writer_->add_content(e.text);
}

void ConversationSaver::finish(const GenerateResult& r) {
    if (!writer_) return;
    MessageState state = r.reason == StopReason::Cancelled ? MessageState::Cancelled
                         : r.reason == StopReason::Error   ? MessageState::Error
                                                           : MessageState::Complete;
    const GenerationStats& st = r.stats;
    MessageStats stats;
    if (!r.forced.empty()) stats.forced_thinking = forced_actions_to_json(r.forced);
    stats.prompt_tokens = st.prompt_tokens;
    stats.generated_tokens = st.generated_tokens;
    if (st.prompt_ms > 0) stats.prompt_tokens_per_s = 1000.0 * st.prompt_evaluated / st.prompt_ms;
    if (st.generation_ms > 0) stats.generation_tokens_per_s = 1000.0 * st.generated_tokens / st.generation_ms;
    std::string error;
    bool ok = writer_->finish(state, stats, r.error, error);
    writer_.reset();
    if (!ok) throw CommandError("the answer was not saved: " + error);
}

namespace {
// 0.6f as 0.6, not 0.6000000238418579.
double tidy(float x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(x));
    return std::strtod(buf, nullptr);
}
} // namespace

std::string sampling_json(const SamplerParams& p) {
    nlohmann::ordered_json j;
    j["temperature"] = tidy(p.temperature);
    j["top_k"] = p.top_k;
    j["top_p"] = tidy(p.top_p);
    j["min_p"] = tidy(p.min_p);
    j["repeat_penalty"] = tidy(p.repeat_penalty);
    j["repeat_last_n"] = p.repeat_last_n;
    j["seed"] = p.seed;
    return j.dump();
}

} // namespace ponder::cli
