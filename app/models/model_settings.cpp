#include "models/model_settings.h"

#include <QFileInfo>
#include <QSettings>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>

namespace ponder::app {

int ModelSettings::effectiveContext(qint64 trainedContext) const {
    qint64 n = std::max(contextLength, kMinContext);
    if (trainedContext > 0) n = std::min(n, trainedContext);
    return static_cast<int>(n);
}

ponder::SamplerParams ModelSettings::samplerParams() const {
    ponder::SamplerParams p;
    p.temperature = static_cast<float>(temperature);
    p.top_p = static_cast<float>(topP);
    p.top_k = topK;
    p.min_p = static_cast<float>(minP);
    return p;
}

ponder::ThinkingOptions ModelSettings::thinkingOptions() const {
    ponder::ThinkingOptions t;
    t.budget = thinkBudget;
    t.loop = loopStop ? ponder::LoopPolicy::Stop : ponder::LoopPolicy::Warn;
    return t;
}

ModelSettingsStore::ModelSettingsStore(QSettings* settings, int defaultThreads, QObject* parent)
    : QObject(parent), m_settings(settings), m_defaultThreads(std::max(1, defaultThreads)) {}

int ModelSettingsStore::maxThreads() const { return std::max(m_defaultThreads, QThread::idealThreadCount()); }

ModelSettings ModelSettingsStore::defaults(const QString& modelPath) const {
    ModelSettings s;
    s.threads = modelPath.isEmpty() ? m_defaultThreads : defaultThreadsFor(modelPath);
    return s;
}

int ModelSettingsStore::defaultThreadsFor(const QString& modelPath) const {
    // What the engine itself picks for a tiny model (engine/src/model.cpp): microseconds of work
    // per layer, so waking other threads costs more than it saves.
    const QFileInfo file(modelPath);
    return file.isFile() && file.size() < (qint64{64} << 20) ? 1 : m_defaultThreads;
}

QString ModelSettingsStore::group(const QString& modelPath) const {
    // Paths contain '/', which QSettings reads as nesting: key by an encoding without it.
    return QStringLiteral("modelSettings/") +
           QString::fromLatin1(modelPath.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

ModelSettings ModelSettingsStore::clamped(ModelSettings s) const {
    s.contextLength = std::max(s.contextLength, ModelSettings::kMinContext);
    s.temperature = std::clamp(s.temperature, 0.0, 2.0);
    s.topP = std::clamp(s.topP, 0.0, 1.0);
    s.topK = std::max(s.topK, 0);
    s.minP = std::clamp(s.minP, 0.0, 1.0);
    s.threads = s.threads <= 0 ? m_defaultThreads : std::min(s.threads, maxThreads());
    static const QRegularExpression vulkan(QStringLiteral("^vulkan#[0-9]{1,3}$"));
    if (s.device != QLatin1String("cpu") && s.device != QLatin1String("auto") && !vulkan.match(s.device).hasMatch())
        s.device = QStringLiteral("auto");
    s.gpuLayers = std::clamp(s.gpuLayers, -1, ModelSettings::kMaxGpuLayers);
    s.thinkBudget = std::clamp(s.thinkBudget, -1, ponder::kMaxThinkingBudget);
    return s;
}

ModelSettings ModelSettingsStore::settings(const QString& modelPath) const {
    const ModelSettings d = defaults(modelPath);
    ModelSettings s;
    m_settings->beginGroup(group(modelPath));
    s.contextLength = m_settings->value(QStringLiteral("contextLength"), d.contextLength).toInt();
    s.temperature = m_settings->value(QStringLiteral("temperature"), d.temperature).toDouble();
    s.topP = m_settings->value(QStringLiteral("topP"), d.topP).toDouble();
    s.topK = m_settings->value(QStringLiteral("topK"), d.topK).toInt();
    s.minP = m_settings->value(QStringLiteral("minP"), d.minP).toDouble();
    s.systemPrompt = m_settings->value(QStringLiteral("systemPrompt"), d.systemPrompt).toString();
    s.threads = m_settings->value(QStringLiteral("threads"), d.threads).toInt();
    s.device = m_settings->value(QStringLiteral("device"), d.device).toString();
    s.gpuLayers = m_settings->value(QStringLiteral("gpuLayers"), d.gpuLayers).toInt();
    s.thinkBudget = m_settings->value(QStringLiteral("thinkBudget"), d.thinkBudget).toInt();
    s.loopStop = m_settings->value(QStringLiteral("loopStop"), d.loopStop).toBool();
    m_settings->endGroup();
    return clamped(s);
}

void ModelSettingsStore::setSettings(const QString& modelPath, const ModelSettings& value) {
    const ModelSettings s = clamped(value), d = defaults(modelPath);
    m_settings->beginGroup(group(modelPath));
    m_settings->setValue(QStringLiteral("path"), modelPath);  // for a human reading the file
    // Only what differs from the defaults is written (see the class comment).
    auto put = [&](const QString& key, const QVariant& v, bool isDefault) {
        if (isDefault) m_settings->remove(key);
        else m_settings->setValue(key, v);
    };
    put(QStringLiteral("contextLength"), s.contextLength, s.contextLength == d.contextLength);
    put(QStringLiteral("temperature"), s.temperature, s.temperature == d.temperature);
    put(QStringLiteral("topP"), s.topP, s.topP == d.topP);
    put(QStringLiteral("topK"), s.topK, s.topK == d.topK);
    put(QStringLiteral("minP"), s.minP, s.minP == d.minP);
    put(QStringLiteral("systemPrompt"), s.systemPrompt, s.systemPrompt.isEmpty());
    put(QStringLiteral("threads"), s.threads, s.threads == d.threads);
    put(QStringLiteral("device"), s.device, s.device == d.device);
    put(QStringLiteral("gpuLayers"), s.gpuLayers, s.gpuLayers == d.gpuLayers);
    put(QStringLiteral("thinkBudget"), s.thinkBudget, s.thinkBudget == d.thinkBudget);
    put(QStringLiteral("loopStop"), s.loopStop, s.loopStop == d.loopStop);
    m_settings->endGroup();
    emit settingsChanged(modelPath);
}

void ModelSettingsStore::reset(const QString& modelPath) {
    m_settings->remove(group(modelPath));
    emit settingsChanged(modelPath);
}

} // namespace ponder::app
