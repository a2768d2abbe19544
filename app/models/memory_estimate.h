// How much memory a model needs (weights + KV cache at a chosen context) against what this
// machine has, and the machine facts the estimate and the thread default need.
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace ponder {
struct ModelHparams;
}

namespace ponder::app {

// Bytes of F16 KV cache per token of context, all layers. Plain attention stores K and V per
// KV head: n_layer * n_head_kv * (head_dim_k + head_dim_v) * 2 bytes. DeepSeek-V3/R1's MLA
// stores one compressed latent (kv_lora_rank) plus the shared RoPE key per layer instead.
quint64 kvCacheBytesPerToken(const ponder::ModelHparams& hp);

// Weights are the mapped file (the engine computes from the mapping without copies), plus the
// KV cache for nCtx tokens. Compute scratch (a few MiB to a few hundred) is not included.
quint64 memoryNeededBytes(qint64 fileSize, quint64 kvBytesPerToken, qint64 nCtx);

struct SystemMemory {
    qint64 total = 0;      // MemTotal
    qint64 available = 0;  // MemAvailable: what can be used without swapping
};

// Parses /proc/meminfo text (values in kB).
SystemMemory parseMeminfo(const QByteArray& text);
// This machine now: MemTotal from /proc/meminfo; available as the engine sees it
// (ponder::available_memory_bytes, so PONDER_MEM_AVAILABLE overrides both the same way).
SystemMemory readSystemMemory();

// Whether a model fits: in what is free now, only in the machine's total (close programs
// first), or not at all.
enum class MemoryFit { Fits, Tight, TooBig };
MemoryFit memoryFit(quint64 needed, const SystemMemory& memory);

// Physical cores from /proc/cpuinfo text (distinct physical id + core id pairs); 0 when the
// text does not say (then fall back to the logical count).
int parsePhysicalCores(const QByteArray& cpuinfo);
// Physical cores of this machine, capped by the CPUs this process may use. Token generation is
// memory-bound and hyperthreads sharing a core only add contention, hence the default.
int physicalCoreCount();

} // namespace ponder::app
