// Per-model settings (context length, sampling, system prompt, threads, device), remembered per model
// path in QSettings. Defaults follow DeepSeek's recommendation for R1 and its distills.
#pragma once

#include "ponder/sampler.h"
#include "ponder/thinking.h"

#include <QHash>
#include <QObject>
#include <QString>

class QSettings;

namespace ponder::app {

struct ModelSettings {
    // 8192 tokens: R1 thinks at length (DeepSeek evaluated with up to 32768 generated tokens),
    // 4096 cuts many maths answers short; capped by the model's trained context when used.
    int contextLength = 8192;
    double temperature = 0.6;   // DeepSeek: 0.5-0.7, 0.6 recommended (lower repeats, higher rambles)
    double topP = 0.95;         // DeepSeek's recommendation
    int topK = 0;               // 0 = off (DeepSeek gives none)
    double minP = 0.0;          // 0 = off
    // Empty by default: DeepSeek recommends no system prompt for R1; instructions belong in the
    // user turn. When set, the chat side puts this text at the start of the first user message.
    QString systemPrompt;
    int threads = 0;            // 0 = the model's default (defaultThreadsFor), resolved by the store
    // Where the model runs: "auto" (the best discrete GPU that holds it at this context, else the
    // CPU: ponder::choose_devices), "cpu", or "vulkan#N" (Vulkan device N of ponder/devices.h).
    QString device = QStringLiteral("auto");
    // With a GPU named in `device`: layers on it (the rest on the CPU), -1 as many as fit.
    int gpuLayers = -1;
    static constexpr int kMaxGpuLayers = 999;
    // Reasoning control (ponder/thinking.h): tokens of thought before the engine ends it and the
    // model answers (-1: no budget, R1's own length), and whether a detected loop ends the thought
    // (true) or only warns.
    int thinkBudget = -1;
    bool loopStop = false;

    static constexpr int kMinContext = 256;

    // The context to allocate for a model trained on `trainedContext` tokens (0 = unknown).
    int effectiveContext(qint64 trainedContext) const;
    ponder::SamplerParams samplerParams() const;
    ponder::ThinkingOptions thinkingOptions() const;
    bool operator==(const ModelSettings&) const = default;
};

// Reads and writes ModelSettings keyed by model path. Unset values keep their defaults, so a
// later change of a default reaches every model the user did not customise.
class ModelSettingsStore : public QObject {
    Q_OBJECT
public:
    // `settings` is the caller's and must outlive the store; `defaultThreads` is what threads = 0
    // means (physicalCoreCount() in the app).
    ModelSettingsStore(QSettings* settings, int defaultThreads, QObject* parent = nullptr);

    // The defaults for `modelPath` (for no path: a model of ordinary size).
    ModelSettings defaults(const QString& modelPath = {}) const;
    // The thread count a model gets unless the user chose one: one for a file under 64 MiB (the
    // bundled demo), the physical cores otherwise. Passed to the engine as is, so the model's
    // settings and the header's "N threads" always agree.
    int defaultThreadsFor(const QString& modelPath) const;
    ModelSettings settings(const QString& modelPath) const;  // threads resolved (never 0)
    void setSettings(const QString& modelPath, const ModelSettings& value);  // clamped to valid ranges
    void reset(const QString& modelPath);
    int defaultThreads() const { return m_defaultThreads; }
    int maxThreads() const;

    // Keeps values in range: temperature 0..2, top-p 0..1, top-k >= 0, min-p 0..1,
    // context >= kMinContext, threads 1..maxThreads(), think budget -1..kMaxThinkingBudget; a device
    // that is not "cpu" or "vulkan#N" becomes "cpu".
    ModelSettings clamped(ModelSettings s) const;

signals:
    void settingsChanged(const QString& modelPath);

private:
    QString group(const QString& modelPath) const;
    QSettings* m_settings;
    int m_defaultThreads;
};

} // namespace ponder::app
