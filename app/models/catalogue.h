// The download catalogue (resources/catalogue/*.json): GGUF builds of the R1 distills that
// people use, with where to fetch them and what is known about each file.
#pragma once

#include <QList>
#include <QString>
#include <QUrl>

namespace ponder::app {

struct CatalogueEntry {
    QString id;              // stable key: "r1-distill-qwen-7b-q4_k_m"
    QString name;            // "DeepSeek-R1-Distill-Qwen-7B"
    QString architecture;    // "qwen2" / "llama"
    QString parameters;      // "7B"
    QString quantization;    // "Q4_K_M"
    QString fileName;        // saved as <models dir>/<fileName>
    QUrl url;                // https only
    qint64 approxSize = 0;   // bytes, approximate (for display and the first disk check);
                             // the server's Content-Length is what counts
    QString sha256;          // lowercase hex when pinned in the catalogue; empty when not
    QString license;
    // F16 KV cache bytes per token of context, from the architecture (n_layer * n_head_kv *
    // (head_dim_k + head_dim_v) * 2 bytes; see memory_estimate.h); 0 when the catalogue does not
    // say. With the file size it tells, before the download, whether the model fits the machine.
    quint64 kvBytesPerToken = 0;
};

// Parses catalogue JSON ({"version": 1, "models": [...]}); false + error naming the entry and
// field when something is missing or malformed (non-https URL, a file name with a path, a
// sha256 that is not 64 hex digits, a duplicate id).
bool parseCatalogue(const QByteArray& json, QList<CatalogueEntry>& out, QString& error);
bool loadCatalogue(const QString& path, QList<CatalogueEntry>& out, QString& error);

} // namespace ponder::app
