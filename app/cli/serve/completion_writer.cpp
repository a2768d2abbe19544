#include "completion_writer.h"

#include "http_response.h"

#include <nlohmann/json.hpp>

namespace ponder::serve {

using ojson = nlohmann::ordered_json;

namespace {

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

ojson usage_json(const CompletionSummary& s) {
    return ojson{{"prompt_tokens", s.prompt_tokens},
                 {"completion_tokens", s.completion_tokens},
                 {"total_tokens", s.prompt_tokens + s.completion_tokens},
                 {"prompt_tokens_details", {{"cached_tokens", s.cached_tokens}}},
                 {"completion_tokens_details", {{"reasoning_tokens", s.reasoning_tokens}}}};
}

// A chat.completion.chunk with one choice carrying `delta` (and a finish reason at the end).
ojson chunk(const CompletionInfo& info, ojson delta, const char* finish_reason) {
    ojson c{{"id", info.id}, {"object", "chat.completion.chunk"}, {"created", info.created}, {"model", info.model}};
    ojson choice{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}};
    choice["finish_reason"] = finish_reason ? ojson(finish_reason) : ojson(nullptr);
    c["choices"] = ojson::array({std::move(choice)});
    return c;
}

// One of the engine's actions on the thought, for clients: machine-readable and a sentence.
ojson forced_json(const ForcedAction& a) {
    ojson o{{"kind", forced_kind_name(a.kind)}, {"at_token", a.at_token}, {"description", describe(a)}};
    if (a.kind == ForcedKind::LoopDetected) o["span"] = a.span;
    return o;
}

} // namespace

CompletionWriter::CompletionWriter(CompletionInfo info) : info_(std::move(info)), answer_stop_(info_.stop) {
    summary_.prompt_tokens = info_.prompt_tokens;
}

std::string CompletionWriter::data_event(const std::string& json_text) const {
    return sse_piece("data: " + json_text + "\n\n", info_.chunked);
}

std::string CompletionWriter::start() {
    if (!info_.stream) return {};
    return data_event(dump(chunk(info_, {{"role", "assistant"}, {"content", nullptr}, {"reasoning_content", ""}}, nullptr)));
}

std::string CompletionWriter::on_event(const Event& e) {
    if (e.kind == EventKind::Forced) {
        forced_.push_back(e.forced);
        if (!info_.stream) return {};
        // In the stream where it happened, so a client can mark the thought at that point.
        return data_event(dump(chunk(info_, {{"forced_thinking", ojson::array({forced_json(e.forced)})}}, nullptr)));
    }
    if (e.kind == EventKind::Reasoning) {
        reasoning_ += e.text;
        if (!info_.stream) return {};
        return data_event(dump(chunk(info_, {{"content", nullptr}, {"reasoning_content", e.text}}, nullptr)));
    }
    if (e.kind == EventKind::Answer && !answer_stop_.stopped()) {
        std::string text = answer_stop_.push(e.text);
        answer_ += text;
        if (!info_.stream || text.empty()) return {};
        return data_event(dump(chunk(info_, {{"content", text}, {"reasoning_content", nullptr}}, nullptr)));
    }
    return {};
}

std::string CompletionWriter::finish(const GenerateResult& r) {
    std::string out;
    std::string tail = answer_stop_.flush();  // text held back for a stop string that never completed
    answer_ += tail;
    if (info_.stream && !tail.empty())
        out += data_event(dump(chunk(info_, {{"content", tail}, {"reasoning_content", nullptr}}, nullptr)));

    summary_.completion_tokens = r.stats.generated_tokens;
    summary_.reasoning_tokens = r.stats.reasoning_tokens;
    summary_.cached_tokens = r.stats.prompt_evaluated > 0 ? info_.prompt_tokens - r.stats.prompt_evaluated : 0;
    const char* finish = "stop";
    if (answer_stop_.stopped() || r.reason == StopReason::Eos) finish = "stop";
    else if (r.reason == StopReason::Length || r.reason == StopReason::ContextFull) finish = "length";
    else if (r.reason == StopReason::Cancelled) summary_.finish_reason = "cancelled";
    else if (r.reason == StopReason::Error) summary_.finish_reason = "error";
    if (summary_.finish_reason.empty()) summary_.finish_reason = finish;

    if (r.reason == StopReason::Error && !answer_stop_.stopped()) {
        ApiError e{500, "server_error", "generation_failed", "Generation failed: " + r.error + "."};
        summary_.status = 500;
        if (!info_.stream) return http_error_response(e, info_.keep_alive);
        return out + data_event(error_json(e)) + sse_piece("data: [DONE]\n\n", info_.chunked) + sse_end(info_.chunked);
    }
    if (info_.stream) {
        out += data_event(dump(chunk(info_, ojson::object(), finish)));
        if (info_.include_usage) {
            ojson u{{"id", info_.id}, {"object", "chat.completion.chunk"}, {"created", info_.created}, {"model", info_.model},
                    {"choices", ojson::array()}, {"usage", usage_json(summary_)}};
            out += data_event(dump(u));
        }
        return out + sse_piece("data: [DONE]\n\n", info_.chunked) + sse_end(info_.chunked);
    }
    ojson message{{"role", "assistant"}, {"content", answer_}, {"reasoning_content", reasoning_}};
    if (!forced_.empty()) {
        ojson list = ojson::array();
        for (const ForcedAction& a : forced_) list.push_back(forced_json(a));
        message["forced_thinking"] = std::move(list);
    }
    ojson body{{"id", info_.id}, {"object", "chat.completion"}, {"created", info_.created}, {"model", info_.model}};
    body["choices"] = ojson::array({ojson{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr}, {"finish_reason", finish}}});
    body["usage"] = usage_json(summary_);
    return http_response(200, "application/json", dump(body) + "\n", info_.keep_alive);
}

} // namespace ponder::serve
