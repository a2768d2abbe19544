#include "models/database_library_store.h"

#include "ponder/model_registry.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtDebug>

namespace ponder::app {

namespace {
// The store's interface has no error channel: the list is a convenience (models are found
// again by scanning), so a failed write is logged and the app goes on.
void warn(const std::string& error) { qWarning("model list: %s", error.c_str()); }
} // namespace

DatabaseLibraryStore::DatabaseLibraryStore(ponder::ModelRegistry* registry) : m_registry(registry) {}

QList<LibraryEntry> DatabaseLibraryStore::entries() const {
    std::vector<ponder::ModelEntry> rows;
    std::string error;
    if (!m_registry->list(rows, error)) warn(error);
    QList<LibraryEntry> out;
    for (const ponder::ModelEntry& r : rows) {
        const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(r.metadata_json)).object();
        LibraryEntry e;
        e.path = QString::fromStdString(r.path);
        e.source = json.value(QLatin1String("source")).toString(QStringLiteral("added"));
        e.size = r.size_bytes;
        e.modifiedAtMs = r.modified_at;
        e.sha256 = QString::fromStdString(r.sha256);
        if (json.contains(QLatin1String("summary")))
            e.metadataJson = QJsonDocument(json.value(QLatin1String("summary")).toObject()).toJson(QJsonDocument::Compact);
        if (r.last_used_at > 0) e.lastUsed = QDateTime::fromMSecsSinceEpoch(r.last_used_at, Qt::UTC);
        out.append(e);
    }
    return out;
}

void DatabaseLibraryStore::upsert(const LibraryEntry& entry) {
    QJsonObject json{{QStringLiteral("source"), entry.source}};
    const QJsonObject summary = QJsonDocument::fromJson(entry.metadataJson).object();
    if (!summary.isEmpty()) json.insert(QStringLiteral("summary"), summary);
    const std::string path = entry.path.toStdString();
    std::string error;
    ponder::ModelEntry old;
    const bool existed = m_registry->find(path, old, error);
    const int64_t id = m_registry->upsert(path, entry.size, entry.modifiedAtMs,
                                          QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString(), error);
    if (id == 0) return warn(error);
    // upsert drops a checksum when size or mtime changed; the entry's digest is for this content.
    if (!entry.sha256.isEmpty() && !m_registry->set_sha256(id, entry.sha256.toStdString(), error)) warn(error);
    const int64_t usedMs = entry.lastUsed.isValid() ? entry.lastUsed.toMSecsSinceEpoch() : 0;
    if (usedMs > (existed ? old.last_used_at : 0) && !m_registry->mark_used(id, error)) warn(error);
}

void DatabaseLibraryStore::remove(const QString& path) {
    ponder::ModelEntry e;
    std::string error;
    if (!m_registry->find(path.toStdString(), e, error)) {
        if (!error.empty()) warn(error);
        return;
    }
    if (!m_registry->remove(e.id, error)) warn(error);
}

} // namespace ponder::app
