#include "remote_generation.h"

#include "generation.h"
#include "remote/provider_presets.h"
#include "remote/remote_chat.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <cstdlib>

namespace ponder::cli {

namespace {

std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted.store(true); }

// Qt Network needs a QCoreApplication; ponder-cli makes one only when it talks to a server.
QCoreApplication& qt_app() {
    static int argc = 1;
    static char name[] = "ponder-cli";
    static char* argv[] = {name, nullptr};
    static QCoreApplication* app = QCoreApplication::instance() ? nullptr : new QCoreApplication(argc, argv);
    return app ? *app : *QCoreApplication::instance();
}

} // namespace

bool is_remote(const Args& args) { return args.has("provider") || args.has("base-url"); }

struct RemoteClient::State {
    QNetworkAccessManager network;
    remote::RemoteEndpoint endpoint;
    remote::RemoteOptions options;
};

RemoteClient::RemoteClient(const Args& args) {
    qt_app();
    s_ = std::make_unique<State>();
    const remote::ProviderPreset* preset = nullptr;
    if (args.has("provider")) {
        preset = remote::find_preset(args.get("provider"));
        if (!preset || preset->id == "custom") {
            std::string names;
            for (const auto& p : remote::provider_presets())
                if (p.id != "custom") names += (names.empty() ? "" : ", ") + p.id;
            throw UsageError("unknown provider '" + args.get("provider") + "' (one of " + names + ", or --base-url URL)");
        }
    }
    provider_ = preset ? preset->id : "custom";
    remote::RemoteEndpoint& e = s_->endpoint;
    e.presetId = QString::fromStdString(provider_);
    e.providerName = preset ? QString::fromStdString(preset->name) : QString();
    e.baseUrl = QString::fromStdString(args.has("base-url") ? args.get("base-url") : preset->base_url);
    if (const QString refused = e.check(); !refused.isEmpty()) throw UsageError(refused.toStdString());

    std::string key_env = args.get("api-key-env", preset ? preset->key_env : "");
    if (args.has("api-key-env")) {
        const char* v = std::getenv(key_env.c_str());
        if (!v || !*v) throw UsageError("--api-key-env " + key_env + ": the variable is not set or empty");
    }
    if (!key_env.empty())
        if (const char* v = std::getenv(key_env.c_str())) e.apiKey = QString::fromUtf8(v);
    if (preset && preset->needs_key && e.apiKey.isEmpty())
        throw UsageError(preset->name + " needs an API key: set " + preset->key_env + " or pass --api-key-env VAR");

    model_ = args.get("model");
    if (model_.empty() && preset && !preset->models.empty()) model_ = preset->models.front();
    if (model_.empty()) throw UsageError("give --model NAME: the server's model id");
    s_->options.inlineThinkOpen = remote::model_starts_in_thought(model_);
    if (const char* t = std::getenv("PONDER_REMOTE_IDLE_TIMEOUT_MS")) s_->options.idleTimeoutMs = std::atoi(t);
    if (const char* t = std::getenv("PONDER_REMOTE_CONNECT_TIMEOUT_MS")) s_->options.connectTimeoutMs = std::atoi(t);
}

RemoteClient::~RemoteClient() = default;

std::string RemoteClient::describe() const {
    return s_->endpoint.displayName().toStdString() + " (" + s_->endpoint.url(QStringLiteral("chat/completions")).toString().toStdString() + ")";
}

RemoteResult RemoteClient::generate(const std::vector<ChatMessage>& messages, const remote::RequestSampling& sampling,
                                    const std::function<void(bool, const std::string&)>& on_piece) {
    remote::ChatRequestSpec spec;
    spec.preset_id = provider_;
    spec.model = model_;
    for (const ChatMessage& m : messages) spec.messages.push_back({m.role, m.content});
    spec.sampling = sampling;

    remote::RemoteChat chat(&s_->network);
    chat.setOptions(s_->options);
    RemoteResult result;
    QEventLoop loop;
    QObject::connect(&chat, &remote::RemoteChat::reasoningDelta, [&](const QString& t) {
        std::string s = t.toStdString();
        result.reasoning += s;
        on_piece(true, s);
    });
    QObject::connect(&chat, &remote::RemoteChat::answerDelta, [&](const QString& t) {
        std::string s = t.toStdString();
        result.answer += s;
        on_piece(false, s);
    });
    QObject::connect(&chat, &remote::RemoteChat::retrying, [](int attempt, int seconds, const QString& why) {
        std::fprintf(stderr, "ponder-cli: %s Retrying in %d s (attempt %d).\n", why.toUtf8().constData(), seconds, attempt + 1);
    });
    QObject::connect(&chat, &remote::RemoteChat::finished, [&](const remote::RemoteOutcome& o) {
        result.reason = o.reason == QLatin1String("stop")        ? StopReason::Eos
                        : o.reason == QLatin1String("length")    ? StopReason::Length
                        : o.reason == QLatin1String("cancelled") ? StopReason::Cancelled
                                                                 : StopReason::Error;
        result.error = o.error.toStdString();
        result.http_status = o.httpStatus;
        result.usage = o.usage;
        result.first_token_ms = static_cast<double>(o.firstTokenMs);
        result.total_ms = static_cast<double>(o.totalMs);
        result.retries = o.retries;
        loop.quit();
    });
    // SIGINT only sets a flag; the event loop looks at it.
    g_interrupted.store(false);
    auto previous = std::signal(SIGINT, on_sigint);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (g_interrupted.exchange(false)) chat.cancel();
    });
    poll.start(50);
    chat.start(s_->endpoint, spec);
    loop.exec();
    std::signal(SIGINT, previous);
    return result;
}

remote::RequestSampling remote_sampling_from_args(const Args& args) {
    remote::RequestSampling s;
    if (args.has("temp")) s.temperature = parse_double(args, "temp", 0);
    if (args.has("top-p")) s.top_p = parse_double(args, "top-p", 1);
    if (args.has("min-p")) s.min_p = parse_double(args, "min-p", 0);
    if (args.has("top-k")) s.top_k = parse_int(args, "top-k", 0);
    if (args.has("seed")) s.seed = static_cast<uint64_t>(parse_int(args, "seed", 0));
    if (args.has("n-predict") && parse_int(args, "n-predict", -1) > 0) s.max_tokens = parse_int(args, "n-predict", -1);
    if (args.has("max-tokens") && parse_int(args, "max-tokens", -1) > 0) s.max_tokens = parse_int(args, "max-tokens", -1);
    if (args.has("think-budget")) s.thinking_budget = parse_int(args, "think-budget", -1);
    return s;
}

void check_remote_thinking(const Args& args, const std::string& preset_id) {
    for (const char* local : {"think-min", "max-waits", "think-closing", "wait-text", "max-answer-tokens", "loop-stop", "no-loop-check"})
        if (args.has(local))
            throw UsageError(std::string("--") + local + " steers Ponder's own engine; a server decides how its model thinks");
    if (args.has("think-budget")) check_remote_thinking_budget(preset_id);
}

void check_remote_thinking_budget(const std::string& preset_id) {
    const remote::ProviderPreset* preset = remote::find_preset(preset_id);
    if (!preset || preset->thinking_budget_field.empty())
        throw UsageError("a thinking budget: " + (preset ? preset->name : preset_id) +
                         " takes none for R1 models (vLLM does: --provider vllm)");
}

std::string remote_sampling_json(const remote::RequestSampling& s) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (s.temperature) j["temperature"] = *s.temperature;
    if (s.top_p) j["top_p"] = *s.top_p;
    if (s.top_k) j["top_k"] = *s.top_k;
    if (s.min_p) j["min_p"] = *s.min_p;
    if (s.seed) j["seed"] = *s.seed;
    if (s.max_tokens) j["max_tokens"] = *s.max_tokens;
    return j.dump();
}

nlohmann::ordered_json remote_result_json(const RemoteResult& r, const RemoteClient& client) {
    using nlohmann::ordered_json;
    auto count = [](int64_t v) { return v >= 0 ? ordered_json(v) : ordered_json(nullptr); };
    ordered_json j;
    j["provider"] = client.provider();
    j["model"] = client.model();
    j["reasoning"] = r.reasoning;
    j["answer"] = r.answer;
    j["stop_reason"] = stop_reason_name(r.reason);
    j["timings"] = {{"prompt_tokens", count(r.usage.prompt_tokens)},
                    {"generated_tokens", count(r.usage.completion_tokens)},
                    {"first_token_ms", r.first_token_ms >= 0 ? ordered_json(r.first_token_ms) : ordered_json(nullptr)},
                    {"total_ms", r.total_ms}};
    j["usage"] = {{"prompt_tokens", count(r.usage.prompt_tokens)},
                  {"completion_tokens", count(r.usage.completion_tokens)},
                  {"reasoning_tokens", count(r.usage.reasoning_tokens)},
                  {"cached_prompt_tokens", count(r.usage.cached_prompt_tokens)}};
    if (r.retries) j["retries"] = r.retries;
    if (!r.error.empty()) j["error"] = r.error;
    if (!r.error.empty() && r.http_status) j["http_status"] = r.http_status;
    return j;
}

Event remote_piece_event(bool reasoning, const std::string& text) {
    Event e;
    e.kind = reasoning ? EventKind::Reasoning : EventKind::Answer;
    e.text = text;
    return e;
}

GenerateResult remote_generate_result(const RemoteResult& r) {
    GenerateResult g;
    g.reasoning = r.reasoning;
    g.answer = r.answer;
    g.reason = r.reason;
    g.error = r.error;
    g.stats.prompt_tokens = r.usage.prompt_tokens >= 0 ? static_cast<int>(r.usage.prompt_tokens) : 0;
    g.stats.generated_tokens = r.usage.completion_tokens >= 0 ? static_cast<int>(r.usage.completion_tokens) : 0;
    g.stats.first_token_ms = r.first_token_ms;
    g.stats.generation_ms = r.first_token_ms >= 0 ? r.total_ms - r.first_token_ms : 0;
    return g;
}

} // namespace ponder::cli
