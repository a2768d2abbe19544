#include "models/library_store.h"

#include <QSettings>

namespace ponder::app {

namespace {
const QString kArray = QStringLiteral("modelLibrary");
}

SettingsLibraryStore::SettingsLibraryStore(QSettings* settings) : m_settings(settings) {}

QList<LibraryEntry> SettingsLibraryStore::entries() const {
    QList<LibraryEntry> out;
    const int n = m_settings->beginReadArray(kArray);
    for (int i = 0; i < n; i++) {
        m_settings->setArrayIndex(i);
        LibraryEntry e;
        e.path = m_settings->value(QStringLiteral("path")).toString();
        e.source = m_settings->value(QStringLiteral("source")).toString();
        e.size = m_settings->value(QStringLiteral("size")).toLongLong();
        e.modifiedAtMs = m_settings->value(QStringLiteral("modifiedAtMs")).toLongLong();
        e.sha256 = m_settings->value(QStringLiteral("sha256")).toString();
        e.metadataJson = m_settings->value(QStringLiteral("metadata")).toByteArray();
        e.lastUsed = m_settings->value(QStringLiteral("lastUsed")).toDateTime();
        if (!e.path.isEmpty()) out.append(e);
    }
    m_settings->endArray();
    return out;
}

void SettingsLibraryStore::upsert(const LibraryEntry& entry) {
    QList<LibraryEntry> all = entries();
    bool replaced = false;
    for (LibraryEntry& e : all) {
        if (e.path == entry.path) {
            e = entry;
            replaced = true;
        }
    }
    if (!replaced) all.append(entry);
    write(all);
}

void SettingsLibraryStore::remove(const QString& path) {
    QList<LibraryEntry> all = entries();
    all.removeIf([&](const LibraryEntry& e) { return e.path == path; });
    write(all);
}

void SettingsLibraryStore::write(const QList<LibraryEntry>& all) {
    m_settings->remove(kArray);
    m_settings->beginWriteArray(kArray, static_cast<int>(all.size()));
    for (int i = 0; i < all.size(); i++) {
        const LibraryEntry& e = all[i];
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("path"), e.path);
        m_settings->setValue(QStringLiteral("source"), e.source);
        m_settings->setValue(QStringLiteral("size"), e.size);
        m_settings->setValue(QStringLiteral("modifiedAtMs"), e.modifiedAtMs);
        m_settings->setValue(QStringLiteral("sha256"), e.sha256);
        m_settings->setValue(QStringLiteral("metadata"), e.metadataJson);
        m_settings->setValue(QStringLiteral("lastUsed"), e.lastUsed);
    }
    m_settings->endArray();
}

} // namespace ponder::app
