// What the engine worker and the remote worker share: each saves answers through a database
// connection of its own, opened on its own thread at first use (SQLite connections are per
// thread), and a Stop may overtake the request it is for.
#pragma once

#include "ponder/storage.h"
#include "ponder/streaming_writer.h"

#include <QString>
#include <atomic>
#include <memory>

namespace ponder::app {

class WorkerDatabase {
public:
    explicit WorkerDatabase(const QString& path) : m_path(path) {}
    // A writer for the answer `messageId`; nullptr (with a warning) when there is none to write
    // (messageId 0) or the database cannot be opened: the answer still streams to the screen.
    std::unique_ptr<ponder::StreamingWriter> writerFor(qint64 messageId);

private:
    QString m_path;
    std::unique_ptr<ponder::Database> m_db;
};

// Requests with an id <= `cutoff` are cancelled before they start; raises it to `id` (any thread).
void raiseStopCutoff(std::atomic<quint64>& cutoff, quint64 id);

} // namespace ponder::app
