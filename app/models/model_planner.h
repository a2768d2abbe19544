// Where a model would go, for the Models page: the engine's planner (ponder/plan.h) run on the
// model's header (a split set opens as one model; a header-only or sparse file plans like the
// real one), for this computer or for a device spec the user types ("cuda:24GiB+cpu:512GiB"),
// at the context the model's settings choose.
//
// One ModelPlanner per card, created in QML: set path, contextLength, memoryAvailable (and
// devices to plan another machine); the plan follows on a worker thread (opening a GGUF maps
// every file of a set, which can wait on a slow disk) and arrives as the read-only properties,
// already in words. Any change of the inputs plans again; the last plan stays shown meanwhile.
#pragma once

#include "ponder/plan.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

// The outcome of planning one file: the plan, or why there is none (a bad device spec, a file
// the engine cannot read).
struct PlanOutcome {
    bool ok = false;
    QString error;
    ponder::ModelPlan plan;
};

// Opens `path` (the whole set for a split file) and plans it. Blocking: call it off the GUI thread.
PlanOutcome planModelFile(const QString& path, const ponder::PlanOptions& options);

// This computer as a device spec: its CPU with the RAM available now, rounded down to 256 MiB
// so the figure does not change (and re-plan) with every megabyte ("cpu:7936MiB").
QString machineDeviceSpec(qint64 availableBytes);

class ModelPlanner : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // Inputs.
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY inputsChanged)            // empty: no plan
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY inputsChanged)  // 0: engine default
    Q_PROPERTY(double memoryAvailable READ memoryAvailable WRITE setMemoryAvailable NOTIFY inputsChanged)  // bytes; 0: read now
    Q_PROPERTY(QString devices READ devices WRITE setDevices NOTIFY inputsChanged)   // empty: this computer
    Q_PROPERTY(QString machineDevices READ machineDevices NOTIFY inputsChanged)      // this computer's spec
    Q_PROPERTY(QString plannedDevices READ plannedDevices NOTIFY planChanged)        // the spec of the plan shown
    // The plan, in words.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(bool ready READ ready NOTIFY planChanged)          // a plan is shown
    Q_PROPERTY(QString error READ error NOTIFY planChanged)       // no plan: why (bad spec, unreadable file)
    Q_PROPERTY(bool fits READ fits NOTIFY planChanged)
    Q_PROPERTY(QString strategy READ strategy NOTIFY planChanged) // "layers" or "hybrid"
    Q_PROPERTY(QString verdict READ verdict NOTIFY planChanged)   // "Fits this computer", "Does not fit: 372.0 GiB short"
    Q_PROPERTY(QString strategyText READ strategyText NOTIFY planChanged)
    Q_PROPERTY(QString modelText READ modelText NOTIFY planChanged)  // weights, parameters, active per token
    Q_PROPERTY(QString kvText READ kvText NOTIFY planChanged)        // the KV cache at the context
    Q_PROPERTY(QString speedText READ speedText NOTIFY planChanged)  // predicted tokens/s; empty when it does not fit
    Q_PROPERTY(QString why READ why NOTIFY planChanged)              // the engine's reason it does not fit
    // One map per device: name ("cuda:24.0 GiB"), holds ("input, layers 0-60 (routed experts
    // elsewhere), output"), usage ("weights 9.8 GiB + KV cache 2.1 GiB + reserve 1.0 GiB = 12.9 GiB of 24.0 GiB").
    Q_PROPERTY(QVariantList deviceRows READ deviceRows NOTIFY planChanged)
    Q_PROPERTY(double shortfallBytes READ shortfallBytes NOTIFY planChanged)
    Q_PROPERTY(double tokensPerSecond READ tokensPerSecond NOTIFY planChanged)
    Q_PROPERTY(QString planText READ planText NOTIFY planChanged)  // ponder-cli plan's table
public:
    explicit ModelPlanner(QObject* parent = nullptr);

    QString path() const { return m_path; }
    void setPath(const QString& path);
    int contextLength() const { return m_context; }
    void setContextLength(int tokens);
    double memoryAvailable() const { return static_cast<double>(m_memoryAvailable); }
    void setMemoryAvailable(double bytes);
    QString devices() const { return m_devices; }
    void setDevices(const QString& spec);
    QString machineDevices() const;
    QString plannedDevices() const { return m_plannedDevices; }

    bool busy() const { return m_running; }
    bool ready() const { return m_outcome.ok; }
    QString error() const { return m_outcome.error; }
    bool fits() const { return m_outcome.ok && m_outcome.plan.fits; }
    QString strategy() const { return QString::fromStdString(m_outcome.plan.strategy); }
    QString verdict() const;
    QString strategyText() const;
    QString modelText() const;
    QString kvText() const;
    QString speedText() const;
    QString why() const { return QString::fromStdString(m_outcome.plan.why); }
    QVariantList deviceRows() const;
    double shortfallBytes() const { return static_cast<double>(m_outcome.plan.shortfall_bytes); }
    double tokensPerSecond() const { return m_outcome.plan.tokens_per_s; }
    QString planText() const { return m_outcome.ok ? QString::fromStdString(m_outcome.plan.text()) : QString(); }

signals:
    void inputsChanged();
    void planChanged();
    void busyChanged();

private:
    void schedule();
    void start();
    void finished(const PlanOutcome& outcome, const QString& devices, bool forThisComputer);

    QString m_path, m_devices;
    int m_context = 0;
    qint64 m_memoryAvailable = 0;
    QTimer m_debounce;        // coalesces the inputs QML sets one after the other
    bool m_running = false;   // a plan is being made on a worker
    bool m_again = false;     // the inputs changed meanwhile: plan again when it arrives
    PlanOutcome m_outcome;
    QString m_plannedDevices;
    bool m_plannedForThisComputer = true;
};

} // namespace ponder::app
