// LibraryStore over the storage layer's models table (ponder::ModelRegistry in ponder.db), so the
// model list lives next to the conversations. The table has no column for where a model came
// from, so metadata_json holds {"source": "downloaded", "summary": <ModelMetadata JSON>}.
#pragma once

#include "models/library_store.h"

namespace ponder {
class ModelRegistry;
}

namespace ponder::app {

class DatabaseLibraryStore final : public LibraryStore {
public:
    // `registry` is the caller's, used on this (the GUI) thread only, and must outlive this.
    explicit DatabaseLibraryStore(ponder::ModelRegistry* registry);
    QList<LibraryEntry> entries() const override;
    void upsert(const LibraryEntry& entry) override;
    void remove(const QString& path) override;

private:
    ponder::ModelRegistry* m_registry;
};

} // namespace ponder::app
