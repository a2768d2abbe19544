#include "providers/provider_config.h"

#include "remote/provider_presets.h"

#include <QCoreApplication>

namespace ponder::app {

namespace {
const ponder::remote::ProviderPreset& presetOrCustom(const QString& presetId) {
    const ponder::remote::ProviderPreset* p = ponder::remote::find_preset(presetId.toStdString());
    return p ? *p : *ponder::remote::find_preset("custom");
}
} // namespace

QString ProviderConfig::presetName() const { return QString::fromStdString(presetOrCustom(presetId).name); }

bool ProviderConfig::needsKey() const { return presetOrCustom(presetId).needs_key; }

int ProviderConfig::indexOfModel(const QString& modelId) const {
    for (int i = 0; i < models.size(); i++)
        if (models[i].id == modelId) return i;
    return -1;
}

ponder::remote::RemoteEndpoint ProviderConfig::endpoint(const QString& apiKey) const {
    ponder::remote::RemoteEndpoint e;
    e.presetId = presetId;
    e.providerName = name;
    e.baseUrl = baseUrl.trimmed();
    e.apiKey = apiKey;
    return e;
}

QString thinkStartText(ThinkStart t) {
    switch (t) {
    case ThinkStart::Inside: return QStringLiteral("inside");
    case ThinkStart::Outside: return QStringLiteral("outside");
    case ThinkStart::Auto: break;
    }
    return QStringLiteral("auto");
}

ThinkStart thinkStartFromText(const QString& text) {
    if (text == QLatin1String("inside")) return ThinkStart::Inside;
    if (text == QLatin1String("outside")) return ThinkStart::Outside;
    return ThinkStart::Auto;
}

ProviderConfig providerFromPreset(const QString& presetId) {
    const ponder::remote::ProviderPreset& p = presetOrCustom(presetId);
    ProviderConfig c;
    c.presetId = QString::fromStdString(p.id);
    c.name = p.id == "custom" ? QCoreApplication::translate("ponder::app::ProviderStore", "My server")
                              : QString::fromStdString(p.name);
    c.baseUrl = QString::fromStdString(p.base_url);
    for (const std::string& m : p.models) c.models << defaultModelSettings(QString::fromStdString(m));
    return c;
}

ProviderModel defaultModelSettings(const QString& modelId) {
    ProviderModel m;
    m.id = modelId.trimmed();
    return m;
}

bool samplingIgnored(const ProviderConfig& provider, const ProviderModel& model) {
    return ponder::remote::model_rejects_sampling(provider.presetId.toStdString(), model.id.toStdString());
}

bool sendsSampling(const ProviderConfig& provider, const ProviderModel& model) {
    if (samplingIgnored(provider, model)) return false;
    // R1 and its distills want 0.6 / 0.95; other models are best left to the server's defaults.
    return model.sendSampling.value_or(ponder::remote::model_starts_in_thought(model.id.toStdString()));
}

bool startsInsideThought(const ProviderModel& model) {
    switch (model.thinkStart) {
    case ThinkStart::Inside: return true;
    case ThinkStart::Outside: return false;
    case ThinkStart::Auto: break;
    }
    return ponder::remote::model_starts_in_thought(model.id.toStdString());
}

RemoteTarget makeRemoteTarget(const ProviderConfig& provider, const ProviderModel& model, const QString& apiKey) {
    RemoteTarget t;
    t.providerId = provider.id;
    t.endpoint = provider.endpoint(apiKey);
    t.model = model.id;
    t.inlineThinkOpen = startsInsideThought(model);
    if (sendsSampling(provider, model)) {
        t.sampling.temperature = model.temperature;
        t.sampling.top_p = model.topP;
    }
    if (model.maxTokens > 0) t.sampling.max_tokens = model.maxTokens;
    return t;
}

QString remoteModelLabel(const ProviderConfig& provider, const QString& modelId) {
    return QStringLiteral("%1 · %2").arg(provider.name, modelId);
}

} // namespace ponder::app
