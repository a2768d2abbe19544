#include "models/catalogue.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace ponder::app {

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
        e.fileName = o.value(QLatin1String("fileName")).toString();
        e.url = QUrl(o.value(QLatin1String("url")).toString());
        e.approxSize = static_cast<qint64>(o.value(QLatin1String("approxSizeBytes")).toDouble());
        e.license = o.value(QLatin1String("license")).toString();
        e.kvBytesPerToken = static_cast<quint64>(std::max(0.0, o.value(QLatin1String("kvBytesPerToken")).toDouble()));
        const QJsonValue sha = o.value(QLatin1String("sha256"));
        if (e.id.isEmpty() || ids.contains(e.id)) return fail(QStringLiteral("missing or duplicate id"));
        if (e.name.isEmpty() || e.quantization.isEmpty()) return fail(QStringLiteral("name and quantization are required"));
        if (!e.fileName.endsWith(QLatin1String(".gguf")) || e.fileName.contains(QLatin1Char('/')) ||
            e.fileName.startsWith(QLatin1Char('.')) || files.contains(e.fileName))
            return fail(QStringLiteral("fileName must be a unique plain *.gguf name"));
        if (!e.url.isValid() || e.url.scheme() != QLatin1String("https")) return fail(QStringLiteral("url must be https"));
        if (!sha.isNull() && !sha.isUndefined()) {
            e.sha256 = sha.toString().toLower();
            if (!hex64.match(e.sha256).hasMatch()) return fail(QStringLiteral("sha256 must be 64 hex digits or null"));
        }
        ids.insert(e.id);
        files.insert(e.fileName);
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
