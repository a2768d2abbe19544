#include "models/catalogue.h"

#include "models/model_info.h"
#include "ponder/gguf.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace ponder::app {

QList<CatalogueFile> CatalogueEntry::files() const {
    if (!splitFiles.isEmpty()) return splitFiles;
    return {CatalogueFile{fileName, url, approxSize, sha256}};
}

namespace {

// One file's fields (fileName, url, approxSizeBytes, sha256) from `o`; an empty string, or why
// they are wrong.
QString parseFile(const QJsonObject& o, CatalogueFile& f) {
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    f.fileName = o.value(QLatin1String("fileName")).toString();
    f.url = QUrl(o.value(QLatin1String("url")).toString());
    f.approxSize = static_cast<qint64>(o.value(QLatin1String("approxSizeBytes")).toDouble());
    if (!f.fileName.endsWith(QLatin1String(".gguf")) || f.fileName.contains(QLatin1Char('/')) ||
        f.fileName.startsWith(QLatin1Char('.')))
        return QStringLiteral("fileName must be a unique plain *.gguf name");
    if (!f.url.isValid() || f.url.scheme() != QLatin1String("https")) return QStringLiteral("url must be https");
    const QJsonValue sha = o.value(QLatin1String("sha256"));
    if (!sha.isNull() && !sha.isUndefined()) {
        f.sha256 = sha.toString().toLower();
        if (!hex64.match(f.sha256).hasMatch()) return QStringLiteral("sha256 must be 64 hex digits or null");
    }
    return {};
}

} // namespace

bool parseCatalogue(const QByteArray& json, QList<CatalogueEntry>& out, QString& error) {
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        error = QStringLiteral("catalogue: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return false;
    }
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("version")).toInt() != 1) {
        error = QStringLiteral("catalogue: unsupported version (expected 1)");
        return false;
    }
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    QList<CatalogueEntry> entries;
    QSet<QString> ids, files;
    const QJsonArray models = root.value(QLatin1String("models")).toArray();
    for (int i = 0; i < models.size(); i++) {
        const QJsonObject o = models[i].toObject();
        CatalogueEntry e;
        e.id = o.value(QLatin1String("id")).toString();
        const QString where = QStringLiteral("catalogue entry %1 (%2)").arg(i).arg(e.id);
        auto fail = [&](const QString& why) {
            error = where + QStringLiteral(": ") + why;
            return false;
        };
        e.name = o.value(QLatin1String("name")).toString();
        e.architecture = o.value(QLatin1String("architecture")).toString();
        e.parameters = o.value(QLatin1String("parameters")).toString();
        e.quantization = o.value(QLatin1String("quantization")).toString();
        e.license = o.value(QLatin1String("license")).toString();
        e.kvBytesPerToken = static_cast<quint64>(std::max(0.0, o.value(QLatin1String("kvBytesPerToken")).toDouble()));
        if (e.id.isEmpty() || ids.contains(e.id)) return fail(QStringLiteral("missing or duplicate id"));
        if (e.name.isEmpty() || e.quantization.isEmpty()) return fail(QStringLiteral("name and quantization are required"));
        QList<CatalogueFile> fileList;
        if (o.contains(QLatin1String("files"))) {
            const QJsonArray arr = o.value(QLatin1String("files")).toArray();
            if (arr.size() < 2) return fail(QStringLiteral("files must list the two or more files of a split set"));
            for (int k = 0; k < arr.size(); k++) {
                CatalogueFile f;
                if (const QString why = parseFile(arr[k].toObject(), f); !why.isEmpty())
                    return fail(QStringLiteral("file %1: %2").arg(k + 1).arg(why));
                fileList.append(f);
            }
            // The engine finds the files of a set by their names: they must be exactly these.
            const QString first = fileList.first().fileName;
            for (int k = 0; k < fileList.size(); k++) {
                const QString expected = QFile::decodeName(QByteArray::fromStdString(
                    ponder::gguf_shard_path(QFile::encodeName(first).toStdString(), k + 1)));
                if (splitCountOfName(first) != fileList.size() || fileList[k].fileName != expected)
                    return fail(QStringLiteral("file %1: the files of a split set must be named NAME-%2-of-%3.gguf, in order")
                                    .arg(k + 1)
                                    .arg(k + 1, 5, 10, QLatin1Char('0'))
                                    .arg(fileList.size(), 5, 10, QLatin1Char('0')));
            }
            e.splitFiles = fileList;
            e.fileName = first;
            e.url = fileList.first().url;
            for (const CatalogueFile& f : fileList) e.approxSize += f.approxSize;
        } else {
            CatalogueFile f;
            if (const QString why = parseFile(o, f); !why.isEmpty()) return fail(why);
            e.fileName = f.fileName;
            e.url = f.url;
            e.approxSize = f.approxSize;
            e.sha256 = f.sha256;
            fileList.append(f);
        }
        for (const CatalogueFile& f : fileList) {
            if (files.contains(f.fileName)) return fail(QStringLiteral("fileName must be a unique plain *.gguf name"));
            files.insert(f.fileName);
        }
        ids.insert(e.id);
        entries.append(e);
    }
    out = entries;
    return true;
}

bool loadCatalogue(const QString& path, QList<CatalogueEntry>& out, QString& error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read the catalogue %1: %2").arg(path, f.errorString());
        return false;
    }
    return parseCatalogue(f.readAll(), out, error);
}

} // namespace ponder::app
