// The seam where the models the user added or downloaded are remembered between runs: either
// DatabaseLibraryStore (the storage layer's models table in ponder.db: what the app uses) or
// SettingsLibraryStore (a QSettings file: for front ends without the database, and tests).
// Discovered and bundled models are not stored: they are found again at every start.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

class QSettings;

namespace ponder::app {

struct LibraryEntry {
    QString path;
    QString source;          // modelSourceName(): "added" or "downloaded"
    qint64 size = 0;         // bytes when the metadata was cached
    qint64 modifiedAtMs = 0; // the file's mtime then; size or mtime changed: read the header again
    QString sha256;          // lowercase hex; empty when never hashed
    QByteArray metadataJson; // ModelMetadata::toJson(), compact; empty when not cached
    QDateTime lastUsed;      // null when never loaded
};

class LibraryStore {
public:
    virtual ~LibraryStore() = default;
    virtual QList<LibraryEntry> entries() const = 0;
    virtual void upsert(const LibraryEntry& entry) = 0;  // keyed by path
    virtual void remove(const QString& path) = 0;
};

// Keeps the entries in QSettings under "modelLibrary". The QSettings is the caller's (the
// app's settings file, or a temporary one in tests) and must outlive this object.
class SettingsLibraryStore final : public LibraryStore {
public:
    explicit SettingsLibraryStore(QSettings* settings);
    QList<LibraryEntry> entries() const override;
    void upsert(const LibraryEntry& entry) override;
    void remove(const QString& path) override;

private:
    void write(const QList<LibraryEntry>& entries);
    QSettings* m_settings;
};

} // namespace ponder::app
