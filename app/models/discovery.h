// Finding GGUF models on disk: a folder the user picks, and the stores of other local tools
// (Ollama, LM Studio, the Hugging Face hub cache). Pure functions over the file system, so the
// tests run them against fake trees; they only read, never copy or move anything.
#pragma once

#include "models/model_info.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace ponder::app {

struct FoundModel {
    QString path;         // the file to open (for the HF cache: the snapshot symlink)
    QString name;         // "deepseek-r1:7b", "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF · file.gguf"
    ModelSource source = ModelSource::Added;
};

// True when the file starts with the GGUF magic (resolves symlinks; false when unreadable).
bool hasGgufMagic(const QString& path);

// *.gguf files under `folder` (recursively, at most `maxDepth` folders down, symlinked folders
// not followed so a loop cannot trap the scan), with the GGUF magic, without vision projectors
// (mmproj-*). A split set (NAME-0000k-of-0000N.gguf) is one entry at its first file's path,
// named NAME, also when some of its files (the first included) are missing: the library then
// shows which. Sorted by path.
QList<FoundModel> scanFolder(const QString& folder, ModelSource source = ModelSource::Added, int maxDepth = 6);

// Ollama: <root>/manifests/<registry>/<namespace>/<model>/<tag> are JSON manifests; the layer
// with mediaType "application/vnd.ollama.image.model" names the weights blob by digest
// ("sha256:<hex>" is stored as <root>/blobs/sha256-<hex>). Tags sharing one blob become one
// entry named after all of them.
QList<FoundModel> discoverOllama(const QString& root);

// LM Studio: <root>/<publisher>/<repo>/*.gguf (also nested one folder deeper). In these and the
// Hugging Face cache a split set is one entry, as in scanFolder.
QList<FoundModel> discoverLmStudio(const QString& root);

// Hugging Face hub cache: <hub>/models--<org>--<name>/snapshots/<revision>/**.gguf, symlinks
// into ../../blobs. One entry per distinct blob (the same file in two revisions is one model).
QList<FoundModel> discoverHuggingFace(const QString& hubCache);

// Where the other tools keep their models on this machine.
struct DiscoveryRoots {
    QString ollama;           // $OLLAMA_MODELS, else ~/.ollama/models
    QStringList lmStudio;     // ~/.lmstudio/models and the older ~/.cache/lm-studio/models
    QString huggingFace;      // $HF_HUB_CACHE, else ${HF_HOME:-~/.cache/huggingface}/hub

    static DiscoveryRoots fromEnvironment(const QString& home, const QProcessEnvironment& env);
    static DiscoveryRoots forThisUser();
};

// All three, deduplicated by the file they resolve to (an LM Studio folder may symlink to
// the HF cache): the first found wins, in the order Ollama, LM Studio, Hugging Face.
QList<FoundModel> discoverAll(const DiscoveryRoots& roots);

} // namespace ponder::app
