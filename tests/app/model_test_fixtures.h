// Small GGUF files for the models tests, written with the engine's GgufWriter: a loadable tiny
// qwen2/llama model (byte-level vocabulary, zero weights), header-only files shaped like real
// R1 distills, and broken files (truncated, wrong magic, unknown tensor type); through the
// engine's test tools, a tiny deepseek2 model, full R1's sparse header and split sets.
#pragma once

#include "ponder/tensor_types.h"

#include <QByteArray>
#include <QString>
#include <cstdint>

namespace ponder::test {

struct TinyModelSpec {
    std::string arch = "qwen2";
    int nLayer = 2, nEmbd = 64, nHead = 4, nHeadKv = 2, nFf = 128, nCtx = 2048;
    ponder::TensorType weightType = ponder::TensorType::F32;  // of the 2-D matrices
    qint64 paddingBytes = 0;   // an extra tensor the loader ignores, to make the file bigger
    int64_t fileType = -1;     // general.file_type; -1: not written
    int splitCount = 0;        // split.count when > 0
};

// Writes a model ponder::model_load accepts (for F32/F16/Q8_0 weights); false + error otherwise.
bool writeTinyModel(const QString& path, const TinyModelSpec& spec, QString* error = nullptr);

// Only the header keys of a real configuration (no weights, one tiny tensor): enough for
// readModelMetadata, not loadable.
bool writeHeaderOnlyModel(const QString& path, const std::string& arch, int nLayer, int nEmbd, int nHead, int nHeadKv,
                          int nCtx, QString* error = nullptr);

// A GGUF whose only tensor has type id `typeId` (e.g. 99, which no GGUF reader knows).
bool writeUnknownTypeModel(const QString& path, uint32_t typeId);

// The engine's test tools (tests/tools/make_model.h), for the full-R1 and split-set tests:
// a tiny runnable deepseek2 model (MLA, 8 routed experts, the byte-level vocabulary below);
// DeepSeek-R1's full-size header with its data left as a hole (~404 GB apparent, ~3 MB on disk:
// write it into a temporary folder, which deletes it); a model rewritten as a split set
// (`firstPath` NAME-00001-of-0000N.gguf), as llama.cpp's gguf-split does.
bool writeTinyDeepseek2(const QString& path, QString* error = nullptr);
bool writeR1Header(const QString& path, QString* error = nullptr);
bool splitModel(const QString& model, const QString& firstPath, int files, QString* error = nullptr);

bool writeBytes(const QString& path, const QByteArray& bytes);
bool truncateFile(const QString& path, qint64 size);

} // namespace ponder::test
