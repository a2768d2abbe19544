#include "models/model_planner.h"

#include "models/memory_estimate.h"
#include "models/model_info.h"
#include "ponder/gguf.h"

#include <QFile>
#include <QFutureWatcher>
#include <QLocale>
#include <QThreadPool>
#include <QVariantMap>
#include <QtConcurrent>

#include <algorithm>

namespace ponder::app {

namespace {

QString size(quint64 bytes) { return QLocale().formattedDataSize(static_cast<qint64>(bytes), 1); }

} // namespace

PlanOutcome planModelFile(const QString& path, const ponder::PlanOptions& options) {
    PlanOutcome out;
    std::string error;
    const auto file = ponder::gguf_open(QFile::encodeName(path).toStdString(), error);
    if (!file) {
        out.error = describeModelError(path, QString::fromStdString(error));
        return out;
    }
    if (!ponder::plan_model(*file, options, out.plan, error)) {
        out.error = QString::fromStdString(error);
        return out;
    }
    out.ok = true;
    return out;
}

QString machineDeviceSpec(qint64 availableBytes) {
    constexpr qint64 kStep = 256;  // MiB
    const qint64 mib = std::max<qint64>(availableBytes >> 20, 0) / kStep * kStep;
    return QStringLiteral("cpu:%1MiB").arg(std::max(mib, kStep));
}

ModelPlanner::ModelPlanner(QObject* parent) : QObject(parent) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(0);
    connect(&m_debounce, &QTimer::timeout, this, &ModelPlanner::start);
}

void ModelPlanner::setPath(const QString& path) {
    if (path == m_path) return;
    m_path = path;
    emit inputsChanged();
    schedule();
}

void ModelPlanner::setContextLength(int tokens) {
    if (tokens == m_context) return;
    m_context = tokens;
    emit inputsChanged();
    schedule();
}

void ModelPlanner::setMemoryAvailable(double bytes) {
    const QString before = machineDevices();
    m_memoryAvailable = static_cast<qint64>(bytes);
    if (machineDevices() == before) return;  // within the rounding: the plan stays as it is
    emit inputsChanged();
    if (m_devices.isEmpty()) schedule();
}

void ModelPlanner::setDevices(const QString& spec) {
    const QString s = spec.trimmed();
    if (s == m_devices) return;
    m_devices = s;
    emit inputsChanged();
    schedule();
}

QString ModelPlanner::machineDevices() const {
    return machineDeviceSpec(m_memoryAvailable > 0 ? m_memoryAvailable : readSystemMemory().available);
}

void ModelPlanner::schedule() { m_debounce.start(); }

void ModelPlanner::start() {
    if (m_path.isEmpty()) return;
    if (m_running) {
        m_again = true;
        return;
    }
    ponder::PlanOptions options;
    const bool forThisComputer = m_devices.isEmpty();
    const QString devices = forThisComputer ? machineDevices() : m_devices;
    options.devices = devices.toStdString();
    options.n_ctx = m_context;
    m_running = true;
    m_again = false;
    emit busyChanged();
    auto* watcher = new QFutureWatcher<PlanOutcome>(this);
    connect(watcher, &QFutureWatcher<PlanOutcome>::finished, this, [this, watcher, devices, forThisComputer] {
        watcher->deleteLater();
        finished(watcher->result(), devices, forThisComputer);
    });
    // The job holds no pointer to this object: a card destroyed meanwhile drops the result.
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(),
                                         [path = m_path, options] { return planModelFile(path, options); }));
}

void ModelPlanner::finished(const PlanOutcome& outcome, const QString& devices, bool forThisComputer) {
    m_running = false;
    m_outcome = outcome;
    m_plannedDevices = devices;
    m_plannedForThisComputer = forThisComputer;
    emit planChanged();
    if (m_again) start();
    if (!m_running) emit busyChanged();
}

QString ModelPlanner::verdict() const {
    if (!m_outcome.ok) return {};
    const ponder::ModelPlan& p = m_outcome.plan;
    if (p.fits) return m_plannedForThisComputer ? tr("Fits this computer") : tr("Fits %1").arg(m_plannedDevices);
    if (p.shortfall_bytes == 0)
        return m_plannedForThisComputer ? tr("Does not fit this computer") : tr("Does not fit %1").arg(m_plannedDevices);
    return m_plannedForThisComputer ? tr("Does not fit this computer: %1 short").arg(size(p.shortfall_bytes))
                                    : tr("Does not fit %1: %2 short").arg(m_plannedDevices, size(p.shortfall_bytes));
}

QString ModelPlanner::strategyText() const {
    if (!m_outcome.ok || !m_outcome.plan.fits) return {};
    if (m_outcome.plan.strategy == "hybrid")
        return tr("Hybrid: attention, dense layers, shared experts and the KV cache on the GPU; the routed experts in RAM.");
    return tr("Layer split: each layer, with its experts and its KV cache, on one device, in order.");
}

QString ModelPlanner::modelText() const {
    if (!m_outcome.ok) return {};
    const ponder::ModelPlan& p = m_outcome.plan;
    QString text = tr("%1 of weights · %2 parameters").arg(size(p.weight_bytes), formatParameterCount(p.n_params));
    if (p.n_expert > 0)
        text += QLatin1String(", ") + tr("%1 active per token (%2 of %3 experts)")
                                          .arg(formatParameterCount(p.n_params_active))
                                          .arg(p.n_expert_used)
                                          .arg(p.n_expert);
    return text;
}

QString ModelPlanner::kvText() const {
    if (!m_outcome.ok) return {};
    const ponder::ModelPlan& p = m_outcome.plan;
    return tr("KV cache %1 at %2 tokens (%3 per token)")
        .arg(size(p.kv_bytes_per_token * static_cast<quint64>(std::max<int64_t>(p.n_ctx, 0))),
             QLocale().toString(static_cast<qlonglong>(p.n_ctx)), size(p.kv_bytes_per_token));
}

QString ModelPlanner::speedText() const {
    if (!fits() || m_outcome.plan.tokens_per_s <= 0) return {};
    return tr("Predicted: at most %1 tokens/s while generating at a full context (an upper bound from memory bandwidth)")
        .arg(QLocale().toString(m_outcome.plan.tokens_per_s, 'f', 1));
}

QVariantList ModelPlanner::deviceRows() const {
    QVariantList rows;
    if (!fits()) return rows;
    for (const ponder::PlannedDevice& d : m_outcome.plan.devices) {
        QString usage = tr("weights %1 + KV cache %2").arg(size(d.weight_bytes), size(d.kv_bytes));
        if (d.reserve_bytes > 0) usage += QLatin1Char(' ') + tr("+ working memory %1").arg(size(d.reserve_bytes));
        usage += QLatin1String(" = ") + size(d.used());
        if (d.budget > 0) usage += QLatin1Char(' ') + tr("of %1").arg(size(d.budget));
        rows.append(QVariantMap{
            {QStringLiteral("name"), QString::fromStdString(d.name)},
            {QStringLiteral("holds"), QString::fromStdString(d.holds)},
            {QStringLiteral("usage"), usage},
        });
    }
    return rows;
}

} // namespace ponder::app
