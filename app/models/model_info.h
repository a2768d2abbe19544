// What the app knows about one local model file: where it came from and what its GGUF header
// says (read without loading the weights). Plain values, safe to build on a worker thread.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace ponder::app {

// Where a model in the library came from. Discovered sources belong to another tool: Ponder
// reads those files in place and never copies, moves or deletes them.
enum class ModelSource { Bundled, Added, Downloaded, Ollama, LmStudio, HuggingFace };

QString modelSourceName(ModelSource source);          // "bundled", "added", "Ollama", ...
bool modelSourceFromName(const QString& name, ModelSource& out);
bool isDiscoveredSource(ModelSource source);          // Ollama, LM Studio, Hugging Face

// The GGUF header's summary. `error` is non-empty when the file cannot be used; the other
// fields hold whatever could be read before the problem (at least the file size).
struct ModelMetadata {
    QString architecture;       // general.architecture: "qwen2", "llama", "deepseek2"
    QString generalName;        // general.name (may be empty)
    quint64 parameterCount = 0; // elements of all tensors
    QString quantization;       // "Q4_K_M" (general.file_type) or the dominant tensor type
    qint64 fileSize = 0;        // bytes; also the weights' memory (the engine maps the file)
    qint64 trainedContext = 0;  // <arch>.context_length, tokens
    quint64 kvBytesPerToken = 0;// F16 K and V over all layers, bytes per token of context
    int splitCount = 1;         // files of a split GGUF set (NAME-0000k-of-0000N.gguf); 1 otherwise
    QStringList missingFiles;   // file names of a split set's files that are not on disk
    QString error;              // user-facing reason the file is unusable; empty when fine

    bool ok() const { return error.isEmpty(); }
    QJsonObject toJson() const;
    // false when the JSON was written by another cache format (then re-read the file).
    static bool fromJson(const QJsonObject& json, ModelMetadata& out);
};

struct ModelInfo {
    QString path;               // absolute path as the user or the discovery gave it
    QString canonicalPath;      // symlinks resolved, to notice one file reached two ways
    QString name;               // display name: "org/repo · file", "deepseek-r1:7b", file name
    ModelSource source = ModelSource::Added;
    QString sha256;             // known digest (downloads), empty when never hashed
    ModelMetadata metadata;
    bool metadataRead = false;  // false while the header is read on a worker
    QString loadError;          // the engine's reason the last load failed, if it did
    QDateTime lastUsed;         // when it was last loaded (stored models only); null: never

    QString errorText() const { return loadError.isEmpty() ? metadata.error : loadError; }
};

// Reads a GGUF file's header through the engine (ponder/model_info.h): hyperparameters,
// tensor types and parameter count; never the weights. Blocking (mmap + header parse):
// call it on a worker thread.
ModelMetadata readModelMetadata(const QString& path);

// An engine error ("path: tensor 'x' ... extends past the end of the file") as a sentence a
// user can act on, without the path (the card already shows which file).
QString describeModelError(const QString& path, const QString& engineError);

// "1.5B", "7.6B", "494M", "70.6B": parameter counts as model cards print them.
QString formatParameterCount(quint64 parameters);

// llama.cpp's general.file_type id as the name people use ("Q4_K_M"); empty when unknown.
QString fileTypeName(qint64 fileType);

// The quantization label: general.file_type when present and plausible, else the tensor type
// holding the most bytes (tensorBytes: type name -> bytes).
QString quantizationLabel(qint64 fileType, const QMap<QString, quint64>& tensorBytes);

// True for a shard after the first of a split GGUF ("name-00002-of-00003.gguf"): those are
// part of the first shard's model and are not listed on their own.
bool isLaterSplitShard(const QString& fileName);

// A split GGUF set: NAME-00001-of-0000N.gguf ... NAME-0000N-of-0000N.gguf in one folder, which
// the engine opens as one model from any of its files. The app lists it once, at its first
// file's path (also when that file is the one missing), named NAME, sized as all files together.
struct SplitSet {
    QString firstPath;       // NAME-00001-of-0000N.gguf, in the folder of the file asked about
    QString name;            // NAME, without the -0000k-of-0000N.gguf suffix
    int count = 0;           // N
    QStringList paths;       // all N paths, in order
    QStringList missing;     // file names of those not on disk (or not plain files)
    qint64 presentBytes = 0; // the files that are there, together
};

// The set `path` belongs to, with each file looked up on disk; false when `path` is not named
// like a file of a split set (then it is a model of its own).
bool splitSetOf(const QString& path, SplitSet& out);

// Where a model is listed: a split set's first file for any of its files, else `path` itself.
// Names only, no disk access.
QString modelEntryPath(const QString& path);

// N for a file named like a file of an N-file split set, else 1. Names only, no disk access.
int splitCountOfName(const QString& path);

// How a model file is named in the list: a split set by NAME, any other file by its file name.
QString modelDisplayName(const QString& path);

// Bytes of the model on disk: every present file of a split set, else the file's size.
qint64 modelBytesOnDisk(const QString& path);

// "Missing DeepSeek-R1-Q4_K_M-00004-of-00009.gguf", "Missing 2 of its 9 files: A, B", as the
// card says it for a split set that is not complete.
QString missingFilesText(const SplitSet& set);

} // namespace ponder::app
