// The download catalogue (resources/catalogue/*.json): GGUF builds of the R1 distills that
// people use, with where to fetch them and what is known about each file.
#pragma once

#include <QList>
#include <QString>
#include <QUrl>

namespace ponder::app {

// One file to download.
struct CatalogueFile {
    QString fileName;        // saved as <models dir>/<fileName>
    QUrl url;                // https only
    qint64 approxSize = 0;   // bytes, approximate
    QString sha256;          // lowercase hex when pinned; empty when not
};

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
    // A split set (NAME-00001-of-0000N.gguf ... as on Hugging Face for the largest models): its N
    // files in order, all downloaded before the model is usable. Then fileName and url are the
    // first file's (the library lists the set there) and approxSize is the sum. Empty for a
    // model in one file (the fields above).
    QList<CatalogueFile> splitFiles;

    // What to download: the split set's files, or the one file.
    QList<CatalogueFile> files() const;
};

// Parses catalogue JSON ({"version": 1, "models": [...]}); false + error naming the entry and
// field when something is missing or malformed (non-https URL, a file name with a path, a
// sha256 that is not 64 hex digits, a duplicate id). An entry either names one file
// (fileName, url, approxSizeBytes, sha256) or a split set: "files": [{those four}, ...], two or
// more, named NAME-00001-of-0000N.gguf ... NAME-0000N-of-0000N.gguf in that order.
bool parseCatalogue(const QByteArray& json, QList<CatalogueEntry>& out, QString& error);
bool loadCatalogue(const QString& path, QList<CatalogueEntry>& out, QString& error);

} // namespace ponder::app
