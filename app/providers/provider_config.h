// A configured remote provider (DeepSeek's platform, a vLLM / SGLang / Ollama / LM Studio server,
// any OpenAI-compatible endpoint) and what the app sends to each of its models. Everything here is
// non-secret and kept in the profile's INI file; the API key lives in a SecretStore, by provider id.
#pragma once

#include "chat/remote_worker.h"

#include <QList>
#include <QString>
#include <optional>

namespace ponder::app {

// Whether a model's inline text starts inside an already opened "<think>" (R1 and its distills
// with the current chat template). Auto guesses from the model's name.
enum class ThinkStart { Auto, Inside, Outside };
QString thinkStartText(ThinkStart t);  // "auto", "inside", "outside" (the INI's and QML's words)
ThinkStart thinkStartFromText(const QString& text);

struct ProviderModel {
    QString id;  // the server's model id ("deepseek-reasoner", "deepseek-r1:7b", ...)
    // Whether temperature and top-p are sent; unset: yes for R1-like models (DeepSeek's advice),
    // no for others (the server's own defaults apply).
    std::optional<bool> sendSampling;
    double temperature = 0.6;  // DeepSeek's recommendation for R1: 0.5-0.7, 0.6 advised
    double topP = 0.95;
    int maxTokens = 0;         // 0: not sent (the server's limit)
    ThinkStart thinkStart = ThinkStart::Auto;

    bool operator==(const ProviderModel&) const = default;
};

struct ProviderConfig {
    QString id;        // stable (a uuid), keys the keychain entry and the chat's choice
    QString presetId;  // remote::provider_presets() id
    QString name;      // shown to people ("DeepSeek", "Lab vLLM")
    QString baseUrl;
    QList<ProviderModel> models;

    bool operator==(const ProviderConfig&) const = default;

    // The preset's entry, or "custom"'s when the id is unknown (a newer app's preset).
    QString presetName() const;
    bool needsKey() const;  // requests without a key are certain to be refused
    int indexOfModel(const QString& modelId) const;  // -1 when absent
    // The endpoint without a key (for checks and warnings while editing).
    ponder::remote::RemoteEndpoint endpoint(const QString& apiKey = {}) const;
};

// A new provider filled from a preset: its name, usual address and known models.
ProviderConfig providerFromPreset(const QString& presetId);
// A model entry with the defaults for its name.
ProviderModel defaultModelSettings(const QString& modelId);

// Whether this model's requests carry no sampling fields at all (DeepSeek's reasoner ignores
// them), so the editor shows that instead of fields that do nothing.
bool samplingIgnored(const ProviderConfig& provider, const ProviderModel& model);
bool sendsSampling(const ProviderConfig& provider, const ProviderModel& model);
bool startsInsideThought(const ProviderModel& model);

// Where the next answers come from when the user picks `model` of `provider`; the key is the one
// read from the SecretStore (kept in memory only).
RemoteTarget makeRemoteTarget(const ProviderConfig& provider, const ProviderModel& model, const QString& apiKey);
// "DeepSeek · deepseek-reasoner"
QString remoteModelLabel(const ProviderConfig& provider, const QString& modelId);

} // namespace ponder::app
