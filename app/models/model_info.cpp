#include "models/model_info.h"

#include "models/memory_estimate.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>

#include <algorithm>

namespace ponder::app {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ModelInfo", text); }

// Bumped when ModelMetadata gains or changes a field, so cached JSON from an older app is re-read.
// 2: split sets are one model (fileSize of all files, missingFiles).
constexpr int kMetadataCacheVersion = 2;

std::string encoded(const QString& path) { return QFile::encodeName(path).toStdString(); }

bool splitName(const QString& path, int& index, int& count) {
    return ponder::gguf_split_name(encoded(path), index, count);
}

// "-00001-of-00009.gguf": what a split file's name has after NAME.
constexpr qsizetype kSplitSuffixLength = 20;

// The summary of an opened header. `complete`: every file of the model is there (else the
// parameter count would be a part's). False + m.error when the hyperparameters are unusable.
bool readHeader(const ponder::GgufFile& file, const QString& path, bool complete, ModelMetadata& m) {
    m.architecture = QString::fromStdString(std::string(file.get_string("general.architecture")));
    m.generalName = QString::fromStdString(std::string(file.get_string("general.name")));
    QMap<QString, quint64> tensorBytes;
    quint64 parameters = 0;
    for (const ponder::GgufTensor& t : file.tensors()) {
        parameters += static_cast<quint64>(t.n_elements());
        tensorBytes[QString::fromLatin1(ponder::tensor_type_name(t.type).data(),
                                        static_cast<qsizetype>(ponder::tensor_type_name(t.type).size()))] += t.nbytes;
    }
    m.parameterCount = complete ? parameters : 0;
    m.quantization = quantizationLabel(file.get_int("general.file_type", -1), tensorBytes);
    std::string error;
    ponder::ModelHparams hp;
    if (!ponder::model_hparams_read(file, hp, error)) {
        if (m.error.isEmpty()) m.error = describeModelError(path, QString::fromStdString(error));
        return false;
    }
    m.trainedContext = hp.n_ctx_train;
    m.kvBytesPerToken = kvCacheBytesPerToken(hp);
    return true;
}

// What the first file of an incomplete split set says about the model (its metadata lives
// there), read without the engine's set opening, which refuses an incomplete set.
void readFirstFileOnly(const QString& firstPath, ModelMetadata& m) {
    QFile f(firstPath);
    if (!f.open(QIODevice::ReadOnly) || f.size() <= 0) return;
    const uchar* data = f.map(0, f.size());
    if (!data) return;
    std::string error;
    if (const auto file = ponder::gguf_parse(data, static_cast<uint64_t>(f.size()), error))
        readHeader(*file, firstPath, false, m);
    f.unmap(const_cast<uchar*>(data));
}

} // namespace

QString modelSourceName(ModelSource source) {
    switch (source) {
    case ModelSource::Bundled: return QStringLiteral("bundled");
    case ModelSource::Added: return QStringLiteral("added");
    case ModelSource::Downloaded: return QStringLiteral("downloaded");
    case ModelSource::Ollama: return QStringLiteral("Ollama");
    case ModelSource::LmStudio: return QStringLiteral("LM Studio");
    case ModelSource::HuggingFace: return QStringLiteral("Hugging Face");
    }
    return {};
}

bool modelSourceFromName(const QString& name, ModelSource& out) {
    for (ModelSource s : {ModelSource::Bundled, ModelSource::Added, ModelSource::Downloaded, ModelSource::Ollama,
                          ModelSource::LmStudio, ModelSource::HuggingFace}) {
        if (modelSourceName(s) == name) {
            out = s;
            return true;
        }
    }
    return false;
}

bool isDiscoveredSource(ModelSource source) {
    return source == ModelSource::Ollama || source == ModelSource::LmStudio || source == ModelSource::HuggingFace;
}

QJsonObject ModelMetadata::toJson() const {
    return QJsonObject{
        {QStringLiteral("v"), kMetadataCacheVersion},
        {QStringLiteral("architecture"), architecture},
        {QStringLiteral("generalName"), generalName},
        {QStringLiteral("parameterCount"), QString::number(parameterCount)},  // > 2^53 is possible
        {QStringLiteral("quantization"), quantization},
        {QStringLiteral("fileSize"), QString::number(fileSize)},
        {QStringLiteral("trainedContext"), QString::number(trainedContext)},
        {QStringLiteral("kvBytesPerToken"), QString::number(kvBytesPerToken)},
        {QStringLiteral("splitCount"), splitCount},
        {QStringLiteral("missingFiles"), QJsonArray::fromStringList(missingFiles)},
        {QStringLiteral("error"), error},
    };
}

bool ModelMetadata::fromJson(const QJsonObject& json, ModelMetadata& out) {
    if (json.value(QStringLiteral("v")).toInt() != kMetadataCacheVersion) return false;
    ModelMetadata m;
    m.architecture = json.value(QStringLiteral("architecture")).toString();
    m.generalName = json.value(QStringLiteral("generalName")).toString();
    m.parameterCount = json.value(QStringLiteral("parameterCount")).toString().toULongLong();
    m.quantization = json.value(QStringLiteral("quantization")).toString();
    m.fileSize = json.value(QStringLiteral("fileSize")).toString().toLongLong();
    m.trainedContext = json.value(QStringLiteral("trainedContext")).toString().toLongLong();
    m.kvBytesPerToken = json.value(QStringLiteral("kvBytesPerToken")).toString().toULongLong();
    m.splitCount = json.value(QStringLiteral("splitCount")).toInt(1);
    for (const QJsonValue& v : json.value(QStringLiteral("missingFiles")).toArray()) m.missingFiles << v.toString();
    m.error = json.value(QStringLiteral("error")).toString();
    out = m;
    return true;
}

QString formatParameterCount(quint64 n) {
    if (n == 0) return {};
    const double v = static_cast<double>(n);
    auto fmt = [](double x, const char* unit) {
        // One decimal below 100 ("1.5B", "7.6B"), none above ("671B"), no trailing ".0".
        QString s = QString::number(x, 'f', x < 100 ? 1 : 0);
        if (s.endsWith(QLatin1String(".0"))) s.chop(2);
        return s + QLatin1String(unit);
    };
    if (v >= 1e9) return fmt(v / 1e9, "B");
    if (v >= 1e6) return fmt(v / 1e6, "M");
    if (v >= 1e3) return fmt(v / 1e3, "K");
    return QString::number(n);
}

QString fileTypeName(qint64 fileType) {
    // llama.cpp's llama_ftype; ids 4-6 and 33-35 were retired. 1024 marks a guessed type.
    static const char* const kNames[] = {
        "F32",     "F16",    "Q4_0",    "Q4_1",   nullptr,  nullptr, nullptr, "Q8_0",   "Q5_0",   "Q5_1",
        "Q2_K",    "Q3_K_S", "Q3_K_M",  "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "IQ2_XXS",
        "IQ2_XS",  "Q2_K_S", "IQ3_XS",  "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",  "IQ3_M",  "IQ2_S", "IQ2_M",
        "IQ4_XS",  "IQ1_M",  "BF16",    nullptr,  nullptr,  nullptr,  "TQ1_0",  "TQ2_0",  "MXFP4_MOE",
    };
    if (fileType >= 1024) fileType -= 1024;
    if (fileType < 0 || fileType >= static_cast<qint64>(std::size(kNames)) || !kNames[fileType]) return {};
    return QString::fromLatin1(kNames[fileType]);
}

QString quantizationLabel(qint64 fileType, const QMap<QString, quint64>& tensorBytes) {
    QString dominant;
    quint64 most = 0;
    for (auto it = tensorBytes.cbegin(); it != tensorBytes.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            dominant = it.key();
        }
    }
    const QString named = fileTypeName(fileType);
    // Some converters write file_type 0/1 (F32/F16) whatever the tensors hold; believe the
    // tensors then. Quantized names (Q4_K_M is mostly Q4_K plus Q6_K) are kept as written.
    if (named.isEmpty() || ((named == QLatin1String("F32") || named == QLatin1String("F16")) && named != dominant))
        return dominant;
    return named;
}

bool isLaterSplitShard(const QString& fileName) {
    static const QRegularExpression re(QStringLiteral("-(\\d{5})-of-(\\d{5})\\.gguf$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(fileName);
    return m.hasMatch() && m.captured(1).toInt() > 1;
}

bool splitSetOf(const QString& path, SplitSet& out) {
    int index = 0, count = 0;
    if (!splitName(path, index, count)) return false;
    SplitSet set;
    set.count = count;
    const std::string p = encoded(path);
    for (int k = 1; k <= count; k++) {
        const QString shard = QFile::decodeName(QByteArray::fromStdString(ponder::gguf_shard_path(p, k)));
        set.paths << shard;
        const QFileInfo fi(shard);  // follows symlinks (the Hugging Face cache links into blobs/)
        if (fi.isFile()) set.presentBytes += fi.size();
        else set.missing << fi.fileName();
    }
    set.firstPath = set.paths.first();
    const QString first = QFileInfo(set.firstPath).fileName();
    set.name = first.size() > kSplitSuffixLength ? first.left(first.size() - kSplitSuffixLength) : first;
    out = set;
    return true;
}

QString modelEntryPath(const QString& path) {
    int index = 0, count = 0;
    if (!splitName(path, index, count) || index == 1) return path;
    return QFile::decodeName(QByteArray::fromStdString(ponder::gguf_shard_path(encoded(path), 1)));
}

int splitCountOfName(const QString& path) {
    int index = 0, count = 0;
    return splitName(path, index, count) ? count : 1;
}

QString modelDisplayName(const QString& path) {
    int index = 0, count = 0;
    const QString file = QFileInfo(path).fileName();
    if (!splitName(path, index, count) || file.size() <= kSplitSuffixLength) return file;
    return file.left(file.size() - kSplitSuffixLength);
}

qint64 modelBytesOnDisk(const QString& path) {
    SplitSet set;
    return splitSetOf(path, set) ? set.presentBytes : QFileInfo(path).size();
}

QString missingFilesText(const SplitSet& set) {
    if (set.missing.isEmpty()) return {};
    if (set.missing.size() == 1)
        return tr("Missing %1: this model is split into %2 files, and all of them must be in the same folder.")
            .arg(set.missing.first())
            .arg(set.count);
    constexpr int kNamed = 3;
    QString names = QStringList(set.missing.mid(0, kNamed)).join(QLatin1String(", "));
    if (set.missing.size() > kNamed)
        names += QLatin1Char(' ') + tr("and %1 more").arg(set.missing.size() - kNamed);
    return tr("Missing %1 of its %2 files: %3. All of them must be in the same folder.")
        .arg(set.missing.size())
        .arg(set.count)
        .arg(names);
}

QString describeModelError(const QString& path, const QString& engineError) {
    QString why = engineError;
    const QString prefix = path + QLatin1String(": ");
    if (why.startsWith(prefix)) why = why.mid(prefix.size());
    if (why.contains(QLatin1String("not a GGUF")))
        return tr("Not a GGUF model file. Ponder reads .gguf files, as used by llama.cpp, Ollama and LM Studio.");
    if (why.contains(QLatin1String("truncated")))
        return tr("The file is incomplete (truncated), perhaps an unfinished download or copy. Details: %1").arg(why);
    if (why.contains(QLatin1String("unknown type id")))
        return tr("The file uses a tensor type this version of Ponder does not know. Details: %1").arg(why);
    if (why.contains(QLatin1String("cannot compute with")))
        return tr("The file uses a quantization Ponder cannot run yet; choose a Q4_K_M, Q5_K_M, Q6_K or Q8_0 build. "
                  "Details: %1").arg(why);
    if (why.contains(QLatin1String("unsupported architecture")) || why.contains(QLatin1String("cannot run on")))
        return tr("This model's architecture is not supported. Details: %1").arg(why);
    if (why.contains(QLatin1String("of memory")))
        return tr("Not enough memory: %1").arg(why);
    return tr("Cannot use this model file: %1").arg(why);
}

ModelMetadata readModelMetadata(const QString& path) {
    ModelMetadata m;
    SplitSet set;
    if (splitSetOf(path, set)) {
        // A split set is one model: its size is all files', and a missing file is its problem
        // (the engine would only say that the set does not open).
        m.splitCount = set.count;
        m.fileSize = set.presentBytes;
        if (!set.missing.isEmpty()) {
            m.missingFiles = set.missing;
            m.error = missingFilesText(set);
            if (QFileInfo(set.firstPath).isFile()) readFirstFileOnly(set.firstPath, m);
            return m;
        }
    } else {
        const QFileInfo fi(path);
        if (!fi.exists()) {
            m.error = tr("The file no longer exists (was it moved or deleted?).");
            return m;
        }
        m.fileSize = fi.size();
    }
    std::string error;
    const auto file = ponder::gguf_open(encoded(path), error);
    if (!file) {
        m.error = describeModelError(path, QString::fromStdString(error));
        return m;
    }
    m.fileSize = static_cast<qint64>(file->file_size());  // every file of a split set
    m.splitCount = static_cast<int>(std::max<size_t>(file->shards().size(), 1));
    readHeader(*file, path, true, m);
    return m;
}

} // namespace ponder::app
