#include "models/memory_estimate.h"

#include "ponder/engine.h"
#include "ponder/model_info.h"

#include <QFile>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <sched.h>

namespace ponder::app {

quint64 kvCacheBytesPerToken(const ponder::ModelHparams& hp) {
    constexpr quint64 kF16 = 2;
    const auto layers = static_cast<quint64>(std::max<int64_t>(hp.n_layer, 0));
    if (hp.arch == "deepseek2" && hp.kv_lora_rank > 0)
        return layers * static_cast<quint64>(hp.kv_lora_rank + hp.n_rot) * kF16;
    return layers * static_cast<quint64>(hp.n_head_kv) * static_cast<quint64>(hp.head_dim_k + hp.head_dim_v) * kF16;
}

quint64 memoryNeededBytes(qint64 fileSize, quint64 kvBytesPerToken, qint64 nCtx) {
    return static_cast<quint64>(std::max<qint64>(fileSize, 0)) +
           kvBytesPerToken * static_cast<quint64>(std::max<qint64>(nCtx, 0));
}

SystemMemory parseMeminfo(const QByteArray& text) {
    SystemMemory m;
    for (const QByteArray& line : text.split('\n')) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() < 2) continue;
        const qint64 bytes = parts[1].toLongLong() * 1024;
        if (parts[0] == "MemTotal:") m.total = bytes;
        else if (parts[0] == "MemAvailable:") m.available = bytes;
    }
    return m;
}

SystemMemory readSystemMemory() {
    QFile f(QStringLiteral("/proc/meminfo"));
    SystemMemory m;
    if (f.open(QIODevice::ReadOnly)) m = parseMeminfo(f.readAll());
    const uint64_t avail = ponder::available_memory_bytes();
    if (avail != UINT64_MAX) m.available = static_cast<qint64>(avail);
    // With the override for tests, or /proc missing, keep total >= available.
    if (qEnvironmentVariableIsSet("PONDER_MEM_AVAILABLE") || m.total < m.available) m.total = m.available;
    return m;
}

MemoryFit memoryFit(quint64 needed, const SystemMemory& memory) {
    if (needed <= static_cast<quint64>(std::max<qint64>(memory.available, 0))) return MemoryFit::Fits;
    if (needed <= static_cast<quint64>(std::max<qint64>(memory.total, 0))) return MemoryFit::Tight;
    return MemoryFit::TooBig;
}

int parsePhysicalCores(const QByteArray& cpuinfo) {
    QSet<QByteArray> cores;
    QByteArray physical = "0";
    for (const QByteArray& line : cpuinfo.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0) continue;
        const QByteArray key = line.left(colon).trimmed(), value = line.mid(colon + 1).trimmed();
        if (key == "physical id") physical = value;
        else if (key == "core id") cores.insert(physical + '/' + value);
    }
    return static_cast<int>(cores.size());
}

int physicalCoreCount() {
    int logical = QThread::idealThreadCount();
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) logical = CPU_COUNT(&set);
    QFile f(QStringLiteral("/proc/cpuinfo"));
    const int physical = f.open(QIODevice::ReadOnly) ? parsePhysicalCores(f.readAll()) : 0;
    return std::max(1, physical > 0 ? std::min(physical, logical) : logical);
}

} // namespace ponder::app
