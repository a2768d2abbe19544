#include "models/model_info.h"

#include "models/memory_estimate.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonValue>
#include <QRegularExpression>

namespace ponder::app {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ModelInfo", text); }

// Bumped when ModelMetadata gains or changes a field, so cached JSON from an older app is re-read.
constexpr int kMetadataCacheVersion = 1;

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
    const QFileInfo fi(path);
    if (!fi.exists()) {
        m.error = tr("The file no longer exists (was it moved or deleted?).");
        return m;
    }
    m.fileSize = fi.size();
    std::string error;
    const auto file = ponder::gguf_open(QFile::encodeName(path).toStdString(), error);
    if (!file) {
        m.error = describeModelError(path, QString::fromStdString(error));
        return m;
    }
    m.architecture = QString::fromStdString(std::string(file->get_string("general.architecture")));
    m.generalName = QString::fromStdString(std::string(file->get_string("general.name")));
    QMap<QString, quint64> tensorBytes;
    for (const ponder::GgufTensor& t : file->tensors()) {
        m.parameterCount += static_cast<quint64>(t.n_elements());
        tensorBytes[QString::fromLatin1(ponder::tensor_type_name(t.type).data(),
                                        static_cast<qsizetype>(ponder::tensor_type_name(t.type).size()))] += t.nbytes;
    }
    m.quantization = quantizationLabel(file->get_int("general.file_type", -1), tensorBytes);
    m.splitCount = static_cast<int>(file->get_int("split.count", 1));

    ponder::ModelHparams hp;
    if (!ponder::model_hparams_read(*file, hp, error)) {
        m.error = describeModelError(path, QString::fromStdString(error));
        return m;
    }
    m.trainedContext = hp.n_ctx_train;
    m.kvBytesPerToken = kvCacheBytesPerToken(hp);
    if (m.splitCount > 1)
        m.error = tr("This model is split into %1 files, and Ponder cannot load split GGUF files yet. Merge them "
                     "into one with llama.cpp's llama-gguf-split --merge, then add the merged file.")
                      .arg(m.splitCount);
    return m;
}

} // namespace ponder::app
